"""Core model tests on tiny random configs (seconds each)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from reference_scoring import score_candidates_naive
from tiny import CLASSES, tiny_config
from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoProcessor

from sugar_hf import (
    SugarConfig,
    SugarEncoderConfig,
    SugarForActionRecognition,
    SugarProcessor,
    SugarSkeletonEncoder,
    SugarSkeletonTextModel,
    custom_layout,
    inference,
    mil_nce_loss,
)
from sugar_hf.configuration_sugar import CANDIDATES_FIRST_INSTRUCTION, PROJECTOR_TYPES
from sugar_hf.modeling_sugar import SDPA_GQA, answer_logits_to_keep


def _clips(n: int = 2, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(20 + 7 * i, 20, 3)).astype(np.float32) for i in range(n)]


def _model(tokenizer, seed: int = 0, **kwargs) -> tuple[SugarForActionRecognition, SugarProcessor]:
    """A tiny random stage-2 model (eval mode) and its processor."""
    torch.manual_seed(seed)
    config = tiny_config(**kwargs)
    return SugarForActionRecognition(config).eval(), SugarProcessor.from_config(tokenizer, config)


# ------------------------------------------------------------------------------------------------- config
def test_default_config_reproduces_the_paper():
    config = SugarConfig()
    assert config.num_action_tokens == 128
    assert config.projector_config.projector_type == "tqp"
    assert config.llm_name_or_path == "meta-llama/Llama-2-7b-hf"
    assert config.llm_config.hidden_size == 4096 and config.llm_config.num_hidden_layers == 32
    assert config.lora_config["r"] == 64 and config.lora_config["lora_alpha"] == 16
    from sugar_hf.training.arguments import ModelArguments

    # one LoRA default: the config's, the training arguments' and (test_embedded) the embedded default's
    assert config.lora_config["target_modules"] == ModelArguments().lora_target_modules == ["q_proj", "v_proj"]
    assert config.encoder_config.channel_multipliers == [1, 1, 1, 1, 2, 2, 2, 4, 4, 4]
    assert config.encoder_config.temporal_strides == [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]
    assert "<action>" in config.instruction_template


def test_config_round_trips_through_json(tmp_path):
    config = tiny_config(projector_type="qformer")
    config.save_pretrained(tmp_path)
    loaded = AutoConfig.from_pretrained(tmp_path)
    assert isinstance(loaded, SugarConfig)
    strip = lambda d: {k: v for k, v in d.items() if k != "_name_or_path"}  # noqa: E731
    assert strip(loaded.to_dict()) == strip(config.to_dict())
    assert loaded.projector_config.qformer_config.hidden_size == 32


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="projector_type"):
        tiny_config(projector_type="mlp")
    with pytest.raises(ValueError, match="unknown skeleton layout"):
        SugarEncoderConfig(layout="kinect_v3")
    with pytest.raises(ValueError, match="placeholder"):
        tiny_config(instruction_template="no placeholder here")


# ------------------------------------------------------------------------------------------------ encoder
def test_encoder_matches_published_ctrgcn_size_and_shapes():
    encoder = SugarSkeletonEncoder(SugarEncoderConfig())
    params = sum(p.numel() for p in encoder.parameters())
    # Published CTR-GCN joint model: ~1.46M including its 60-way FC (256 x 60 + 60 = 15,420).
    assert 1.40e6 < params + 15_420 < 1.48e6
    out = encoder(torch.randn(2, 2, 64, 25, 3))
    assert out.last_hidden_state.shape == (2, 16 * 25, 256)
    assert out.pooler_output.shape == (2, 256)


@pytest.mark.parametrize("layout", ["ntu25", "kinect_v1_20", "utd_mhad20", "toyota13", "coco17"])
def test_encoder_on_every_layout(layout):
    config = SugarEncoderConfig(
        layout=layout, num_frames=16, base_channels=8, token_layout="frame", num_persons=1
    )
    encoder = SugarSkeletonEncoder(config)
    joints = config.num_joints
    out = encoder(torch.randn(1, 1, 16, joints, 3))
    assert out.last_hidden_state.shape == (1, 4, 32)


def test_encoder_on_custom_edge_list():
    layout = custom_layout(["a", "b", "c", "d"], [(0, 1), (1, 2), (1, 3)], center=1)
    config = SugarEncoderConfig(layout=layout.to_dict(), num_frames=8, base_channels=8, num_persons=1)
    out = SugarSkeletonEncoder(config)(torch.randn(2, 1, 8, 4, 3))
    assert out.last_hidden_state.shape == (2, 2 * 4, 32)


def _refine_per_subset(module, x: torch.Tensor, topology: torch.Tensor) -> torch.Tensor:
    """The published computation of a ``GraphConv``: one CTR-GC per subset, summed (the reference for ``refine``)."""
    return sum(conv(x, topology[i], module.alpha) for i, conv in enumerate(module.convs))


def test_fused_graph_conv_equals_the_published_per_subset_sum():
    from sugar_hf.modeling_ctrgcn import GraphConv

    torch.manual_seed(0)
    encoder = SugarSkeletonEncoder(SugarEncoderConfig(num_frames=16, base_channels=8))
    for module in encoder.modules():
        if isinstance(module, GraphConv):
            torch.nn.init.normal_(module.alpha)  # make the refinement term count
            x = torch.randn(2, module.convs[0].conv1.in_channels, 8, 25)
            fused = module.refine(x, module.topology)
            reference = _refine_per_subset(module, x, module.topology)
            assert torch.allclose(fused, reference, atol=1e-5)


def test_encoder_rejects_wrong_joint_count():
    encoder = SugarSkeletonEncoder(SugarEncoderConfig(num_frames=16, base_channels=8))
    with pytest.raises(ValueError, match="joints"):
        encoder(torch.randn(1, 2, 16, 20, 3))


# ---------------------------------------------------------------------------------------------- projectors
@pytest.mark.parametrize("projector_type", PROJECTOR_TYPES)
@pytest.mark.parametrize("token_layout", ["frame", "frame_joint"])
def test_every_projector_emits_the_configured_tokens(tokenizer, projector_type, token_layout):
    model, processor = _model(tokenizer, projector_type=projector_type, token_layout=token_layout)
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    tokens = model.get_skeleton_tokens(inputs["skeleton_values"])
    assert tokens.shape == (2, 6, 32)  # 2 segments x 3 queries, LLM width 32


def test_tqp_chains_segments_through_shared_queries(tokenizer):
    """Changing only the first segment's frames must change the later segments' outputs (chained queries)."""
    model, processor = _model(tokenizer)
    x = torch.randn(1, 2, 16, 20, 3)
    y = x.clone()
    y[:, :, :4] += 1.0  # perturb early frames only
    with torch.no_grad():
        a, b = model.get_skeleton_tokens(x), model.get_skeleton_tokens(y)
    queries = model.config.projector_config.num_queries
    assert not torch.allclose(a[:, queries:], b[:, queries:], atol=1e-6)
    from transformers import Blip2QFormerModel

    assert sum(isinstance(m, Blip2QFormerModel) for m in model.projector.modules()) == 1  # weights shared


def test_default_tqp_gives_128_tokens():
    config = SugarConfig(llm_config={"model_type": "llama", "hidden_size": 64, "intermediate_size": 64,
                                     "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 64})  # fmt: skip
    from sugar_hf.modeling_tqp import build_projector

    projector = build_projector(config.projector_config, 25, 64)
    out = projector(torch.randn(1, 16 * 25, 256))
    assert out.shape == (1, 128, 64)


# -------------------------------------------------------------------------------------------- forward/loss
def test_loss_covers_answer_tokens_only(tokenizer):
    model, processor = _model(tokenizer)
    answers = ["drink water. The person lifts a cup.", "wave hand."]
    inputs = processor(skeletons=_clips(), candidates=CLASSES, answers=answers)
    labels = inputs["labels"]
    for row, answer in zip(range(2), answers):
        supervised = labels[row][labels[row] != -100].tolist()
        assert supervised == processor.answer_token_ids(answer)
    out = model(**inputs)
    # Recompute the loss by hand from the logits over answer positions only.
    logits = out.logits[:, :-1]
    target = labels[:, 1:]
    manual = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
    assert torch.allclose(out.loss, manual, atol=1e-5)
    # Changing a prompt token's label to something else must not matter: prompt labels are ignored.
    assert (labels[inputs["input_ids"] == model.config.action_token_id] == -100).all()


@pytest.mark.parametrize("candidates_first", [False, True])
def test_batch_shared_prompt_prefix_changes_nothing(tokenizer, candidates_first):
    """Running the common prompt start once per batch gives the same loss, logits and gradients."""
    kwargs = {"instruction_template": CANDIDATES_FIRST_INSTRUCTION} if candidates_first else {}
    model, processor = _model(tokenizer, seed=1, **kwargs)  # eval mode: no dropout, gradients still flow
    inputs = processor(skeletons=_clips(3), candidates=CLASSES,
                             answers=["drink water. The person lifts a cup.", "wave hand.", "sit down."])  # fmt: skip
    shared = model.shared_prefix_length(inputs["input_ids"], inputs["attention_mask"])
    skeleton_start = int((inputs["input_ids"][0] == model.config.action_token_id).nonzero()[0])
    assert shared == skeleton_start >= 8  # everything before the skeleton tokens, the candidates included
    results = []
    for share in (True, False):
        model.zero_grad(set_to_none=True)
        out = model(**inputs, share_prefix=share)
        out.loss.backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        results.append((out.loss.detach(), out.logits.detach(), grads))
    (loss_a, logits_a, grads_a), (loss_b, logits_b, grads_b) = results
    assert logits_a.shape == logits_b.shape
    assert torch.allclose(loss_a, loss_b, atol=1e-5)
    assert torch.allclose(logits_a, logits_b, atol=1e-4)
    assert grads_a.keys() == grads_b.keys() and any("lora_" in n for n in grads_a)
    for name in grads_a:
        assert torch.allclose(grads_a[name], grads_b[name], atol=1e-5), name
    # Loss on the kept positions only (what training passes): same value, logits for the answer span only.
    first_label = int((inputs["labels"] != -100).any(0).nonzero()[0])
    keep = inputs["input_ids"].shape[1] - first_label + 1
    trimmed = model(**inputs, logits_to_keep=keep)
    assert trimmed.logits.shape[1] == keep
    assert torch.allclose(trimmed.loss, loss_a, atol=1e-5)


def test_candidates_first_template_ranks_like_naive_scoring(tokenizer):
    model, processor = _model(tokenizer, seed=4, instruction_template=CANDIDATES_FIRST_INSTRUCTION)
    inputs = processor(skeletons=_clips(3), candidates=CLASSES)
    assert model.shared_prefix_length(inputs["input_ids"], inputs["attention_mask"]) > 20
    candidate_ids = processor.candidate_token_ids(CLASSES)
    fast = model.score_candidates(**inputs, candidate_ids=candidate_ids)
    naive = score_candidates_naive(model, **inputs, candidate_ids=candidate_ids)
    assert torch.allclose(fast, naive, atol=1e-4)


def test_forward_rejects_prompt_without_skeleton_positions(tokenizer):
    model, processor = _model(tokenizer)
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    inputs["input_ids"] = inputs["input_ids"].clamp(min=0)
    with pytest.raises(ValueError, match="action-token positions"):
        model(**inputs)


# ------------------------------------------------------------------------------------------------ gradients
def _grad_owners(model, loss) -> set[str]:
    model.zero_grad(set_to_none=True)
    loss.backward()
    return {n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}


def test_stage2_gradients_reach_only_projector_and_lora(tokenizer):
    model, processor = _model(tokenizer)
    model.train()
    inputs = processor(skeletons=_clips(), candidates=CLASSES, answers=["drink water.", "wave hand."])
    owners = _grad_owners(model, model(**inputs).loss)
    assert any(n.startswith("projector.") for n in owners)
    assert any("lora_" in n for n in owners)
    assert not any(n.startswith("encoder.") for n in owners)
    assert not any(n.startswith("llm.") and "lora_" not in n for n in owners)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert all(n.startswith("projector.") or "lora_" in n for n in trainable)
    assert not model.encoder.training  # frozen encoder keeps its batch-norm statistics


def test_stage1_gradients_skip_the_text_encoder():
    torch.manual_seed(0)
    model = SugarSkeletonTextModel(tiny_config()).train()
    skeleton = torch.randn(3, 2, 16, 20, 3)
    text_ids = torch.randint(5, 200, (4, 7))
    out = model(
        skeleton,
        text_input_ids=text_ids,
        labels=torch.tensor([0, 1, 0]),
        text_labels=torch.tensor([0, 0, 1, 2]),
    )
    owners = _grad_owners(model, out.loss)
    assert any(n.startswith("encoder.") for n in owners)
    assert "logit_scale" in owners and any(n.startswith("skeleton_projection") for n in owners)
    assert not any(n.startswith("text_model.") for n in owners)


# ---------------------------------------------------------------------------------------------------- MIL-NCE
def test_mil_nce_matches_hand_computation():
    s = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.6, 0.8]]), dim=-1)
    t = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]]), dim=-1)
    positive = torch.tensor([[True, False, True], [False, True, False]])
    scale = torch.tensor(math.log(2.0))
    loss, logits = mil_nce_loss(s, t, positive, scale)
    sims = [[1.0, 0.0, 0.8], [0.6, 0.8, 0.96]]
    e = [[math.exp(2 * v) for v in row] for row in sims]
    expected = (-math.log((e[0][0] + e[0][2]) / sum(e[0])) - math.log(e[1][1] / sum(e[1]))) / 2
    assert abs(loss.item() - expected) < 1e-6
    assert torch.allclose(logits, 2 * torch.tensor(sims), atol=1e-6)


def test_mil_nce_needs_a_positive():
    with pytest.raises(ValueError, match="positive"):
        mil_nce_loss(torch.eye(2), torch.eye(2), torch.zeros(2, 2, dtype=torch.bool), torch.tensor(0.0))


# ---------------------------------------------------------------------------------------------------- ranking
def test_shared_prefix_ranking_equals_naive_scoring(tokenizer):
    model, processor = _model(tokenizer, seed=3)
    # Different candidate lists per sample give prompts of different lengths: left padding is exercised.
    inputs = processor(skeletons=_clips(3), candidates=[CLASSES, CLASSES[:3], CLASSES[1:]])
    assert (inputs["attention_mask"] == 0).any()
    candidate_ids = processor.candidate_token_ids(CLASSES)
    fast = model.score_candidates(**inputs, candidate_ids=candidate_ids)
    naive = score_candidates_naive(model, **inputs, candidate_ids=candidate_ids)
    assert torch.allclose(fast, naive, atol=1e-4)
    assert (fast.argsort(dim=1) == naive.argsort(dim=1)).all()


def test_gqa_attention_without_repeat_kv_matches_sdpa(tokenizer, monkeypatch):
    """The LLM's ``sdpa_gqa`` attention (key/value heads to SDPA as they are, under a mask) gives transformers'
    ``sdpa`` results (repeat_kv): ranking on the trie's tree mask, the loss and gradients behind a shared prefix."""
    model, processor = _model(tokenizer, seed=6, instruction_template=CANDIDATES_FIRST_INSTRUCTION)
    assert model.llm.config._attn_implementation == SDPA_GQA and model.llm.config.num_key_value_heads == 2
    calls = []
    sdpa = torch.nn.functional.scaled_dot_product_attention

    def spy(*args, **kwargs):
        calls.append(kwargs.get("enable_gqa", False) and kwargs.get("attn_mask") is not None)
        return sdpa(*args, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", spy)
    ranking = processor(skeletons=_clips(3), candidates=[CLASSES, CLASSES[:3], CLASSES[1:]])  # padded rows
    training = processor(skeletons=_clips(3), candidates=CLASSES, answers=["drink water.", "wave hand.", "sit down."])
    candidate_ids = processor.candidate_token_ids(CLASSES)
    results = []
    for implementation in (SDPA_GQA, "sdpa"):
        model.llm.set_attn_implementation(implementation)
        calls.clear()
        scores = model.score_candidates(**ranking, candidate_ids=candidate_ids)
        model.zero_grad(set_to_none=True)
        out = model(**training, logits_to_keep=answer_logits_to_keep(training["labels"]))
        out.loss.backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        results.append((scores, out.loss.detach(), grads, any(calls)))
    (scores_a, loss_a, grads_a, gqa_a), (scores_b, loss_b, grads_b, gqa_b) = results
    assert gqa_a and not gqa_b  # grouped heads under a mask ran, and only under sdpa_gqa
    assert torch.allclose(scores_a, scores_b, atol=1e-5)
    assert torch.allclose(loss_a, loss_b, atol=1e-6)
    assert grads_a.keys() == grads_b.keys() and any("lora_" in n for n in grads_a)
    for name in grads_a:
        assert torch.allclose(grads_a[name], grads_b[name], atol=1e-6), name


def test_candidates_with_shared_starts_score_like_naive(tokenizer):
    # The scorer runs a trie: shared starts once. Paths that share 1-2 tokens, one a prefix of another,
    # a one-token candidate and a repeated candidate must all score exactly as separate full passes.
    model, processor = _model(tokenizer, seed=5)
    inputs = processor(skeletons=_clips(2), candidates=CLASSES)
    candidate_ids = [[11, 12, 13], [11, 12, 14], [11, 15], [11, 12], [16], [11, 12, 13], [17, 12, 13]]
    fast = model.score_candidates(**inputs, candidate_ids=candidate_ids)
    naive = score_candidates_naive(model, **inputs, candidate_ids=candidate_ids)
    assert torch.allclose(fast, naive, atol=1e-4)
    assert torch.equal(fast[:, 0], fast[:, 5])


def test_classify_returns_ranked_pairs_for_unseen_names(tokenizer):
    model, processor = _model(tokenizer)
    unseen = ["kick something", "wave hand", "jump up"]
    ranked = inference.classify(model, processor, _clips(2), candidates=unseen, top_k=2)
    assert len(ranked) == 2 and all(len(r) == 2 for r in ranked)
    for row in ranked:
        assert row[0][1] >= row[1][1]
        assert {name for name, _ in row} <= set(unseen)


def test_one_ranking_per_kind_gives_both_scorings_and_classify_order(tokenizer):
    model, processor = _model(tokenizer, seed=6)
    inputs = processor(skeletons=_clips(3), candidates=CLASSES)
    ids = processor.candidate_token_ids(CLASSES)
    every = inference.score_stage2(model, inputs, ids)
    for scoring in inference.SCORINGS:
        assert torch.equal(every[scoring], model.score_candidates(**inputs, candidate_ids=ids, scoring=scoring))
    labels = torch.tensor([10, 11, 12, 13, 14, 15])  # any id per candidate
    ranked = inference.rank_stage2(model, inputs, ids, labels, k=4)
    names = [[name for name, _ in row] for row in inference.classify(model, processor, _clips(3), top_k=4)]
    assert [[CLASSES[int(i) - 10] for i in row] for row in ranked["sum"]] == names
    assert ranked["mean"].shape == (3, 4)


def test_generate_returns_new_tokens_and_answers(tokenizer):
    model, processor = _model(tokenizer)
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    ids = model.generate(**inputs, max_new_tokens=4, min_new_tokens=4)
    assert ids.shape == (2, 4)
    answers = inference.answer(model, processor, _clips(), max_new_tokens=4)
    assert len(answers) == 2 and all(isinstance(a.action, str) for a in answers)


# ----------------------------------------------------------------------------------------------- save/load
def _outputs(model, inputs):
    with torch.no_grad():
        return model(**inputs).logits


@pytest.mark.parametrize("tie", [False, True])
def test_full_checkpoint_round_trip_with_automodel(tokenizer, tmp_path, tie):
    model, processor = _model(tokenizer, tie=tie)
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    loaded = AutoModel.from_pretrained(tmp_path).eval()
    assert isinstance(loaded, SugarForActionRecognition)
    assert torch.equal(_outputs(model, inputs), _outputs(loaded, inputs))
    processor = AutoProcessor.from_pretrained(tmp_path)
    assert isinstance(processor, SugarProcessor) and not hasattr(loaded, "processor")  # the model holds none
    assert processor.num_action_tokens == 6 and processor.class_names == CLASSES


def test_adapter_only_checkpoint_names_the_base_llm(tokenizer, tmp_path):
    torch.manual_seed(0)
    base_dir = tmp_path / "base-llm"
    config = tiny_config(save_full_llm=False)
    AutoModelForCausalLM.from_config(config.llm_config).save_pretrained(base_dir)
    config.llm_name_or_path = str(base_dir)
    model = SugarForActionRecognition.from_config_with_pretrained_bases(config).eval()
    processor = SugarProcessor.from_config(tokenizer, config)
    # Make LoRA non-trivial so the round trip proves it is saved.
    for name, param in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.1)
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    ckpt = tmp_path / "ckpt"
    model.save_pretrained(ckpt)
    from safetensors import safe_open

    with safe_open(ckpt / "model.safetensors", "pt") as f:
        keys = list(f.keys())
    assert any("lora_" in k for k in keys)
    assert not any(k.startswith("llm.") and "lora_" not in k for k in keys)
    assert json.loads((ckpt / "config.json").read_text())["llm_name_or_path"] == str(base_dir)
    loaded = AutoModel.from_pretrained(ckpt).eval()
    assert torch.equal(_outputs(model, inputs), _outputs(loaded, inputs))


def test_adapter_only_save_requires_a_named_base(tokenizer, tmp_path):
    model, processor = _model(tokenizer, save_full_llm=False)
    with pytest.raises(ValueError, match="save_full_llm=True"):
        model.save_pretrained(tmp_path)


def test_trust_remote_code_load_without_the_package(tokenizer, tmp_path):
    model, processor = _model(tokenizer)
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    model.save_pretrained(tmp_path)
    torch.save({k: v for k, v in inputs.items()}, tmp_path / "inputs.pt")
    torch.save(_outputs(model, inputs), tmp_path / "expected.pt")
    script = textwrap.dedent(
        f"""
        import sys, torch
        from transformers import AutoModel
        model = AutoModel.from_pretrained({str(tmp_path)!r}, trust_remote_code=True).eval()
        assert "sugar_hf" not in sys.modules, "the package was imported"
        inputs = torch.load({str(tmp_path / "inputs.pt")!r})
        with torch.no_grad():
            logits = model(**inputs).logits
        assert torch.equal(logits, torch.load({str(tmp_path / "expected.pt")!r}))
        print("REMOTE-OK", type(model).__module__)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "REMOTE-OK transformers_modules" in result.stdout


def test_stage2_takes_the_stage1_encoder(tokenizer, tmp_path):
    torch.manual_seed(1)
    stage1 = SugarSkeletonTextModel(tiny_config())
    stage1.save_pretrained(tmp_path, save_full_llm=True)
    model, processor = _model(tokenizer, seed=2)
    model.load_encoder_from(tmp_path)
    for (name, a), (_, b) in zip(stage1.encoder.state_dict().items(), model.encoder.state_dict().items()):
        assert torch.equal(a, b), name


def test_projector_follows_an_edited_encoder_width(tokenizer):
    config = tiny_config()
    config.encoder_config.base_channels = 4  # edited after construction, as training arguments do
    model = SugarForActionRecognition(config)
    tokens = model.get_skeleton_tokens(torch.randn(1, 2, 16, 20, 3))
    assert tokens.shape == (1, 6, 32)
    assert model.config.projector_config.qformer_config.encoder_hidden_size == 16
    config.encoder_config.base_channels = 2  # edited again: the saved config follows it too
    assert config.to_dict()["projector_config"]["qformer_config"]["encoder_hidden_size"] == 8


def test_projector_output_norm_puts_tokens_at_the_embedding_scale(tmp_path):
    config = tiny_config()
    config.projector_config.output_norm = True
    model = SugarForActionRecognition(config).eval()
    with torch.no_grad():
        model.llm.get_input_embeddings().weight.normal_(std=0.25)
    model.match_projector_norm_to_embeddings()
    tokens = model.get_skeleton_tokens(torch.randn(2, 2, 16, 20, 3))
    embed_rms = model.llm.get_input_embeddings().weight.pow(2).mean(-1).sqrt().mean()
    assert torch.allclose(tokens.pow(2).mean(-1).sqrt(), embed_rms.expand(2, tokens.shape[1]), rtol=1e-3)
    # the gain is a trained parameter that survives save/load; the default config has no norm
    with torch.no_grad():
        model.projector_norm.weight.mul_(2.0)
    model.save_pretrained(tmp_path)
    again = SugarForActionRecognition.from_pretrained(tmp_path)
    assert torch.equal(again.projector_norm.weight, model.projector_norm.weight)
    assert SugarForActionRecognition(tiny_config()).projector_norm is None
