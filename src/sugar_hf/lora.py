"""LoRA on the stage-2 LLM: PEFT's layers when ``peft`` is installed, the same arithmetic in plain PyTorch when not.

Training injects PEFT's LoRA (:func:`peft.inject_adapter_in_model`). A saved checkpoint holds those weights under
PEFT's names (``q_proj.base_layer.weight``, ``q_proj.lora_A.default.weight``, ``q_proj.lora_B.default.weight``),
and at inference a LoRA linear layer is only ``base(x) + B(A(dropout(x))) * scaling``. :class:`LoraLinear` is that
layer with the same sub-module names, so a checkpoint loads and ranks without ``peft`` (remote code installs
only transformers) and gives the same outputs as PEFT's layer. Options whose arithmetic the plain layer does not
reproduce (DoRA, rank / alpha patterns, LoRA biases, ``modules_to_save`` ...) raise a ``ValueError`` that asks for
``peft``; they never load silently wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

try:  # training's LoRA; inference runs without it (transformers' remote-code check skips this block)
    from peft import LoraConfig, inject_adapter_in_model
except ImportError:
    LoraConfig = inject_adapter_in_model = None

ADAPTER = "default"
"""PEFT's name of the one adapter: the middle part of ``lora_A.default.weight``."""

PLAIN_OPTIONS = {
    "r": 8,
    "lora_alpha": 8,
    "lora_dropout": 0.0,
    "target_modules": None,
    "use_rslora": False,
    "init_lora_weights": True,
    "task_type": None,
    "inference_mode": False,
    "peft_type": None,
    "base_model_name_or_path": None,
    "revision": None,
    "bias": "none",
    "fan_in_fan_out": False,
    "use_dora": False,
    "lora_bias": False,
    "modules_to_save": None,
    "exclude_modules": None,
    "layers_to_transform": None,
    "layers_pattern": None,
    "rank_pattern": {},
    "alpha_pattern": {},
}
"""The ``lora_config`` keys :func:`inject_lora` understands without ``peft``, with PEFT's defaults. The keys from
``use_dora`` on are accepted only at their default (no DoRA, no bias, nothing excluded or patterned)."""
_ONLY_AT_DEFAULT = ("bias", "fan_in_fan_out", "use_dora", "lora_bias", "modules_to_save", "exclude_modules",
                    "layers_to_transform", "layers_pattern", "rank_pattern", "alpha_pattern")  # fmt: skip


def peft_available() -> bool:
    """True when ``peft`` imports (training uses its LoRA layers)."""
    return inject_adapter_in_model is not None


class LoraLinear(nn.Module):
    """``base_layer(x) + lora_B(lora_A(lora_dropout(x))) * scaling``: PEFT's ``lora.Linear`` forward for one
    adapter, with its sub-module names (``base_layer``, ``lora_A.default``, ``lora_B.default``) and init (A as
    ``nn.Linear``'s, B zero)."""

    def __init__(self, base_layer: nn.Linear, r: int, lora_alpha: float, lora_dropout: float = 0.0,
                 use_rslora: bool = False) -> None:  # fmt: skip
        super().__init__()
        if r < 1:
            raise ValueError(f"LoRA rank r must be >= 1, got {r}")
        self.base_layer = base_layer
        factory = {"device": base_layer.weight.device, "dtype": base_layer.weight.dtype}
        self.lora_A = nn.ModuleDict({ADAPTER: nn.Linear(base_layer.in_features, r, bias=False, **factory)})
        self.lora_B = nn.ModuleDict({ADAPTER: nn.Linear(r, base_layer.out_features, bias=False, **factory)})
        self.lora_dropout = nn.ModuleDict(
            {ADAPTER: nn.Dropout(lora_dropout) if lora_dropout > 0 else nn.Identity()}
        )
        self.scaling = lora_alpha / (math.sqrt(r) if use_rslora else r)
        nn.init.kaiming_uniform_(self.lora_A[ADAPTER].weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B[ADAPTER].weight)

    @property
    def weight(self) -> torch.Tensor:
        return self.base_layer.weight

    def forward(self, x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
        result = self.base_layer(x, *args, **kwargs)
        dtype = result.dtype
        lora_A, lora_B = self.lora_A[ADAPTER], self.lora_B[ADAPTER]
        x = x.to(lora_A.weight.dtype)
        result = result + lora_B(lora_A(self.lora_dropout[ADAPTER](x))) * self.scaling
        return result.to(dtype)

    def extra_repr(self) -> str:
        return f"r={self.lora_A[ADAPTER].out_features}, scaling={self.scaling}"


def _plain_options(lora_config: Mapping[str, Any]) -> dict[str, Any]:
    """``lora_config`` with PEFT's defaults filled in; a ``ValueError`` for what only ``peft`` applies."""
    unknown = sorted(set(lora_config) - set(PLAIN_OPTIONS))
    changed = [k for k in _ONLY_AT_DEFAULT if k in lora_config and not _is_default(k, lora_config[k])]
    if unknown or changed:
        what = ", ".join([*(f"{k}={lora_config[k]!r}" for k in changed), *(repr(k) for k in unknown)])
        raise ValueError(
            f"lora_config sets {what}, which the plain LoRA layers do not apply: install peft (pip install peft) "
            "to build or load this model"
        )
    return {**PLAIN_OPTIONS, **lora_config}


def _is_default(key: str, value: Any) -> bool:
    """``value`` leaves option ``key`` off: its default, None, False or empty."""
    return (
        value is None
        or value is False
        or value == PLAIN_OPTIONS[key]
        or (isinstance(value, (list, tuple, set, dict)) and not value)
    )


def _targets(options: Mapping[str, Any], model: nn.Module) -> list[str]:
    """The names of the ``nn.Linear`` modules PEFT would adapt: ``target_modules`` as a list (a name or a
    ``.``-suffix), a regular expression (full match) or ``"all-linear"`` (every linear but the output head)."""
    target = options["target_modules"]
    if target is None:
        raise ValueError(
            "lora_config has no target_modules: name the LLM modules to adapt, e.g. ['q_proj', 'v_proj']"
        )
    linear = [name for name, module in model.named_modules() if isinstance(module, nn.Linear) and name]
    if isinstance(target, str) and target.lower() == "all-linear":
        head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
        return [name for name in linear if model.get_submodule(name) is not head]
    if isinstance(target, str):
        return [name for name in linear if re.fullmatch(target, name)]
    return [name for name in linear if name in target or any(name.endswith(f".{t}") for t in target)]


def inject_lora(lora_config: Mapping[str, Any], model: nn.Module) -> nn.Module:
    """Put LoRA into ``model`` in place: PEFT's layers when ``peft`` imports, else :class:`LoraLinear` on the same
    modules (``lora_config``: a :class:`peft.LoraConfig`'s keyword arguments). Returns ``model``."""
    if peft_available():
        return inject_adapter_in_model(LoraConfig(**lora_config), model)
    options = _plain_options(lora_config)
    names = _targets(options, model)
    if not names:
        raise ValueError(f"lora_config target_modules {options['target_modules']!r} match no linear layer")
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        layer = LoraLinear(getattr(parent, child), int(options["r"]), options["lora_alpha"], options["lora_dropout"],
                           bool(options["use_rslora"]))  # fmt: skip
        setattr(parent, child, layer)
    return model


__all__ = ["LoraLinear", "PLAIN_OPTIONS", "inject_lora", "peft_available"]
