"""Tiny, offline building blocks for fast tests: a trained-in-memory BPE tokenizer and small SUGAR configs."""

from __future__ import annotations

from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import Blip2QFormerConfig, LlamaConfig, PreTrainedTokenizerFast

from sugar_hf import SugarConfig, SugarEncoderConfig, SugarProjectorConfig

CLASSES = ["drink water", "eat meal", "wave hand", "kick something", "sit down", "stand up"]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_CORPUS = [
    "Given a sequence of action tokens <action>, please choose the most compatible action from: "
    "[drink water, eat meal], and describe the action.",
    "The person raises a cup to the mouth. The person waves a hand. The person kicks with the right leg.",
    *CLASSES,
] * 5


def tiny_tokenizer() -> PreTrainedTokenizerFast:
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<pad>", "<unk>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )  # fmt: skip
    tok.train_from_iterator(_CORPUS, trainer)
    from tokenizers import decoders

    tok.decoder = decoders.ByteLevel()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        unk_token="<unk>",
        eos_token="<|im_end|>",
        bos_token="<|im_start|>",
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def tiny_config(
    projector_type: str = "tqp", token_layout: str = "frame_joint", vocab_size: int = 300, **kwargs
):
    encoder = SugarEncoderConfig(
        layout="kinect_v1_20", num_persons=2, num_frames=16, base_channels=8, token_layout=token_layout
    )
    projector = SugarProjectorConfig(
        projector_type=projector_type,
        num_segments=2,
        num_queries=3,
        qformer_config=Blip2QFormerConfig(
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            cross_attention_frequency=1,
        ),  # fmt: skip
    )
    llm = LlamaConfig(
        vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=512, tie_word_embeddings=kwargs.pop("tie", False),
    )  # fmt: skip
    text = {"model_type": "bert", "vocab_size": vocab_size, "hidden_size": 16, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 32}  # fmt: skip
    defaults = dict(
        encoder_config=encoder, projector_config=projector, llm_config=llm, llm_name_or_path=None,
        lora_config={"r": 4, "lora_alpha": 8, "lora_dropout": 0.0, "target_modules": ["q_proj", "v_proj"]},
        text_config=text, text_name_or_path=None, class_names=CLASSES, save_full_llm=True,
    )  # fmt: skip
    defaults.update(kwargs)
    return SugarConfig(**defaults)
