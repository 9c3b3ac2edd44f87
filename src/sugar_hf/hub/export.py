"""Deployment exports of a trained ``SugarForActionRecognition``.

* :func:`export_merged`: LoRA merged into the LLM weights; the folder holds every weight, its config has
  ``lora_config = {}`` so it rebuilds with plain linear layers (no peft at inference) and predicts the same.
* :func:`export_adapter`: only what training changed (encoder, projector, LoRA) plus the processor; the frozen
  base LLM is named by ``config.llm_name_or_path``. A PEFT-format copy of the LLM's LoRA goes to
  ``llm_adapter/`` (``PeftModel.from_pretrained(base_llm, folder / "llm_adapter")``).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from torch import nn

PathLike = str | os.PathLike


def _load(model: Any):
    """A stage-2 model from a folder or an object; anything else (a stage-1 model, the baseline) is refused."""
    if isinstance(model, (str, os.PathLike)):
        from ..modeling_sugar import SugarForActionRecognition

        # SugarForActionRecognition.from_pretrained refuses other kinds of folders, naming their class
        model = SugarForActionRecognition.from_pretrained(model)
    if not hasattr(model, "llm") or not hasattr(model, "projector"):
        raise ValueError(
            f"exports take a stage-2 SugarForActionRecognition, got a {type(model).__name__}: a stage-1 model or "
            "the baseline has no LLM or LoRA to merge or export"
        )
    return model


def merge_lora(model: Any, inplace: bool = False):
    """Fold every LoRA layer of ``model.llm`` into its base weight and drop the adapter modules.

    Returns the merged model (a copy unless ``inplace``) with ``config.lora_config = {}`` and
    ``config.save_full_llm = True``: it saves and reloads as a model without LoRA.
    """
    from peft.tuners.lora import LoraLayer

    model = model if inplace else copy.deepcopy(model)
    lora_layers = [
        (name, module) for name, module in model.llm.named_modules() if isinstance(module, LoraLayer)
    ]
    for name, module in lora_layers:
        module.merge(safe_merge=True)
        parent_name, _, child = name.rpartition(".")
        parent: nn.Module = model.llm.get_submodule(parent_name) if parent_name else model.llm
        base = module.get_base_layer()
        base.weight.requires_grad_(False)
        setattr(parent, child, base)
    if hasattr(model.llm, "peft_config"):
        del model.llm.peft_config
    model.config.lora_config = {}
    model.config.save_full_llm = True
    return model


def export_merged(model: Any, out_dir: PathLike, processor: Any = None, inplace: bool = False) -> Path:
    """Write the LoRA-merged model (every weight, LLM included) and its processor to ``out_dir``.

    ``inplace`` merges the given model itself instead of a copy (saves memory with a 7B LLM); a folder is
    always loaded and merged in place.
    """
    inplace = inplace or isinstance(model, (str, os.PathLike))
    model = _load(model)
    processor = processor or model.processor
    merged = merge_lora(model, inplace=inplace)
    out = Path(out_dir)
    merged.save_pretrained(out, save_full_llm=True)
    if processor is not None:
        processor.save_pretrained(out)
    return out


def export_adapter(model: Any, out_dir: PathLike, processor: Any = None, peft_copy: bool = True) -> Path:
    """Write encoder + projector + LoRA + processor (base LLM referenced by name) to ``out_dir``.

    With ``peft_copy`` the LLM's LoRA is also saved in PEFT's own format under ``out_dir/llm_adapter``.
    """
    model = _load(model)
    if not model.config.lora_config:
        raise ValueError("the model has no LoRA (already merged?): export it with export_merged")
    if not model.config.llm_name_or_path:
        raise ValueError("config.llm_name_or_path names no base LLM: an adapter-only export needs one")
    processor = processor or model.processor
    out = Path(out_dir)
    model.save_pretrained(out, save_full_llm=False)
    if processor is not None:
        processor.save_pretrained(out)
    if peft_copy:
        save_llm_adapter(model, out / "llm_adapter")
    return out


def save_llm_adapter(model: Any, out_dir: PathLike) -> Path:
    """Save the LLM's LoRA as a standard PEFT adapter (``adapter_config.json`` + ``adapter_model.safetensors``)."""
    from peft import LoraConfig, get_peft_model_state_dict
    from safetensors.torch import save_file

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    config = LoraConfig(**model.config.lora_config)
    config.base_model_name_or_path = model.config.llm_name_or_path
    config.task_type = "CAUSAL_LM"
    config.save_pretrained(str(out))
    state = get_peft_model_state_dict(model.llm)
    state = {f"base_model.model.{k}": v.detach().contiguous().cpu() for k, v in state.items()}
    save_file(state, str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    return out
