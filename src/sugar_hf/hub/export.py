"""Deployment exports of a trained ``SugarForActionRecognition``.

* :func:`export_merged`: LoRA merged into the LLM weights; the folder holds every weight, its config has
  ``lora_config = {}`` so it rebuilds with plain linear layers (no peft at inference) and predicts the same.
* :func:`export_adapter`: only what training changed (encoder, projector, LoRA) plus the processor; the frozen
  base LLM is named by ``config.llm_name_or_path``. A PEFT-format copy of the LLM's LoRA goes to
  ``llm_adapter/`` (``PeftModel.from_pretrained(base_llm, folder / "llm_adapter")``).

The model holds no processor: an export (and a model push, :mod:`sugar_hf.hub.publish`) takes it as
``processor=`` or loads the one saved in the checkpoint folder it is given (:func:`require_processor`).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from torch import nn

from ..inference import load_processor
from ..modeling_sugar import SugarForActionRecognition

PathLike = str | os.PathLike


def _load(model: Any):
    """A stage-2 model from a folder or an object; anything else (a stage-1 model, the baseline) is refused."""
    if isinstance(model, (str, os.PathLike)):
        # SugarForActionRecognition.from_pretrained refuses other kinds of folders, naming their class
        model = SugarForActionRecognition.from_pretrained(model)
    if not hasattr(model, "llm") or not hasattr(model, "projector"):
        raise ValueError(
            f"exports take a stage-2 SugarForActionRecognition, got a {type(model).__name__}: a stage-1 model or "
            "the baseline has no LLM or LoRA to merge or export"
        )
    return model


def require_processor(model: Any, processor: Any = None):
    """The processor to save with ``model``: ``processor`` when given, else the one saved with the checkpoint.

    ``model`` is a checkpoint folder (or Hub id) or a model object; an object holds no processor, so without
    ``processor`` it is refused, as is a checkpoint without ``processor_config.json``.
    """
    if processor is not None:
        return processor
    if not isinstance(model, (str, os.PathLike)):
        raise ValueError(
            f"a {type(model).__name__} holds no processor: pass processor= (e.g. "
            "SugarProcessor.from_pretrained(checkpoint_folder)) so the repo can prepare inputs"
        )
    found = load_processor(str(model))
    if found is None:
        raise ValueError(
            f"{model} has no processor_config.json: save the processor with the model or pass processor="
        )
    return found


def save_with_processor(model: Any, processor: Any, out_dir: PathLike, save_full_llm: bool) -> Path:
    """``model.save_pretrained`` (with or without the LLM weights) and the processor next to it."""
    out = Path(out_dir)
    model.save_pretrained(out, save_full_llm=save_full_llm)
    processor.save_pretrained(out)
    return out


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

    ``processor`` defaults to the one saved in the folder ``model`` names (see :func:`require_processor`).
    ``inplace`` merges the given model itself instead of a copy (saves memory with a 7B LLM); a folder is
    always loaded and merged in place.
    """
    inplace = inplace or isinstance(model, (str, os.PathLike))
    loaded = _load(model)
    processor = require_processor(model, processor)
    return save_with_processor(merge_lora(loaded, inplace=inplace), processor, out_dir, save_full_llm=True)


def export_adapter(model: Any, out_dir: PathLike, processor: Any = None, peft_copy: bool = True) -> Path:
    """Write encoder + projector + LoRA + processor (base LLM referenced by name) to ``out_dir``.

    ``processor`` defaults to the one saved in the folder ``model`` names (see :func:`require_processor`).
    With ``peft_copy`` the LLM's LoRA is also saved in PEFT's own format under ``out_dir/llm_adapter``.
    """
    loaded = _load(model)
    if not loaded.config.lora_config:
        raise ValueError("the model has no LoRA (already merged?): export it with export_merged")
    if not loaded.config.llm_name_or_path:
        raise ValueError("config.llm_name_or_path names no base LLM: an adapter-only export needs one")
    out = save_with_processor(loaded, require_processor(model, processor), out_dir, save_full_llm=False)
    if peft_copy:
        save_llm_adapter(loaded, out / "llm_adapter")
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
