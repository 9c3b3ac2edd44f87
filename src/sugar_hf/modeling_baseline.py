"""The paper's FC baseline: the same CTR-GCN encoder as SUGAR with a linear head and cross-entropy.

``SugarForSkeletonClassification`` lets LLM-versus-FC comparisons live in one codebase: it shares
:class:`~sugar_hf.modeling_sugar.SugarSkeletonEncoder` (and so :class:`SugarEncoderConfig`) with SUGAR, and its
encoder can seed a stage-2 model through ``SugarForActionRecognition.load_encoder_from``-compatible weights.
:meth:`SugarForSkeletonClassification.from_ctrgcn_checkpoint` loads an official CTR-GCN joint-model checkpoint
(``model/ctrgcn.py``'s ``Model``) into it, one tensor per tensor.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel
from transformers.utils import ModelOutput

from .configuration_sugar import SugarEncoderConfig
from .modeling_ctrgcn import CTRGCN_INIT_TYPES, init_ctrgcn_weights
from .modeling_sugar import SugarSkeletonEncoder, _installed


class SugarBaselineConfig(PretrainedConfig):
    """Configuration of :class:`SugarForSkeletonClassification`.

    Args:
        encoder_config: :class:`SugarEncoderConfig` or its dict (the CTR-GCN encoder).
        class_names: The classes, in label order (also sets ``id2label`` / ``label2id``).
        classifier_dropout: Dropout on the pooled feature before the linear head.
    """

    model_type = "sugar_baseline"
    sub_configs = {"encoder_config": SugarEncoderConfig}

    def __init__(
        self,
        encoder_config: SugarEncoderConfig | Mapping | None = None,
        class_names: Sequence[str] | None = None,
        classifier_dropout: float = 0.0,
        **kwargs: Any,
    ) -> None:
        if isinstance(encoder_config, Mapping):
            encoder_config = SugarEncoderConfig(
                **{k: v for k, v in encoder_config.items() if k != "model_type"}
            )
        self.encoder_config = encoder_config or SugarEncoderConfig()
        self.class_names = list(class_names or [])
        self.classifier_dropout = classifier_dropout
        if self.class_names:
            kwargs["id2label"] = dict(enumerate(self.class_names))
            kwargs["label2id"] = {name: i for i, name in enumerate(self.class_names)}
        # as in SugarConfig: `custom_pipelines` is for remote-code loads; the installed package serves the task
        # from its own registration, so `pipeline(task, model=folder)` needs no trust_remote_code
        custom_pipelines = kwargs.pop("custom_pipelines", None)
        if custom_pipelines and not _installed():
            kwargs["custom_pipelines"] = custom_pipelines
        super().__init__(**kwargs)


# ------------------------------------------------------------------------------------------ official CTR-GCN
_CTRGCN_UNIT_KEY = re.compile(r"l(\d+)\.(gcn1|tcn1|residual)\.(.+)")
_CTRGCN_UNIT_PART = {"gcn1": "gcn", "tcn1": "tcn", "residual": "residual"}
# Joint count -> layout of the official graphs: graph/ntu_rgb_d.py (25) and graph/ucla.py (20, NW-UCLA).
_CTRGCN_GRAPHS = {25: "ntu25", 20: "kinect_v1_20"}


def ctrgcn_state_dict_to_baseline(state_dict: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename an official CTR-GCN ``Model`` state dict to :class:`SugarForSkeletonClassification`'s keys.

    ``l{i}.gcn1`` / ``l{i}.tcn1`` / ``l{i}.residual`` become ``encoder.backbone.units.{i-1}.gcn`` / ``.tcn`` /
    ``.residual``, the learned topology ``PA`` becomes ``topology``, ``data_bn`` moves under the backbone and ``fc``
    becomes ``classifier``; a ``module.`` prefix (``DataParallel``) is dropped. Every other name is kept as it is
    (and so reported as unexpected by the loader). Our ``adjacency`` buffers (the fixed graph prior) have no
    counterpart: they come from the layout.
    """
    renamed = {}
    for key, value in state_dict.items():
        key = key.removeprefix("module.")
        unit = _CTRGCN_UNIT_KEY.fullmatch(key)
        if unit:
            rest = "topology" if unit[3] == "PA" else unit[3]
            key = f"encoder.backbone.units.{int(unit[1]) - 1}.{_CTRGCN_UNIT_PART[unit[2]]}.{rest}"
        elif key.startswith("data_bn."):
            key = f"encoder.backbone.{key}"
        elif key.startswith("fc."):
            key = f"classifier.{key[3:]}"
        renamed[key] = value
    return renamed


def _ctrgcn_encoder_config(
    state_dict: Mapping[str, torch.Tensor], path: str, **overrides: Any
) -> SugarEncoderConfig:
    """The encoder config an official checkpoint was trained with, read from its tensor shapes."""
    try:
        value = state_dict["encoder.backbone.units.0.gcn.convs.0.conv3.weight"]
        data_bn = state_dict["encoder.backbone.data_bn.weight"].numel()
    except KeyError as missing:
        raise ValueError(
            f"{path} is not a CTR-GCN joint-model state dict: no {missing} (after renaming)"
        ) from None
    topology = state_dict.get("encoder.backbone.units.0.gcn.topology")
    adaptive = topology is not None
    base, in_channels = value.shape[0], value.shape[1]
    if "layout" in overrides:
        joints = SugarEncoderConfig(layout=overrides["layout"]).num_joints
    elif adaptive:
        joints = topology.shape[-1]
    else:
        raise ValueError(f"{path}: a non-adaptive CTR-GCN checkpoint stores no graph; pass layout=")
    if "layout" not in overrides and joints not in _CTRGCN_GRAPHS:
        raise ValueError(f"{path}: no official CTR-GCN graph has {joints} joints; pass layout=")
    widths = []
    while f"encoder.backbone.units.{len(widths)}.gcn.bn.weight" in state_dict:
        widths.append(state_dict[f"encoder.backbone.units.{len(widths)}.gcn.bn.weight"].shape[0])
    config = {
        "layout": _CTRGCN_GRAPHS.get(joints),
        "in_channels": in_channels,
        "num_persons": data_bn // (joints * in_channels),
        "base_channels": base,
        "channel_multipliers": [w // base for w in widths],
        "adaptive": adaptive,
    }
    config.update(overrides)
    return SugarEncoderConfig(**config)


def _read_ctrgcn_state_dict(path: str) -> dict[str, torch.Tensor]:
    """An official CTR-GCN ``.pt`` file (``weights_only``; a training checkpoint's ``state_dict`` unwrapped) with
    its keys renamed to the baseline's."""
    state_dict = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state_dict, Mapping) and isinstance(state_dict.get("state_dict"), Mapping):
        state_dict = state_dict["state_dict"]  # a training checkpoint that wraps the weights
    if not isinstance(state_dict, Mapping):
        raise ValueError(f"{path} does not hold a state dict (got {type(state_dict).__name__})")
    return ctrgcn_state_dict_to_baseline(state_dict)


def _check_state_dict_fits(expected: Mapping[str, torch.Tensor], state_dict: Mapping[str, torch.Tensor], path: str,
                           adaptive: bool) -> None:  # fmt: skip
    """Every tensor of the file lands on a same-shaped parameter or buffer and every one but the fixed graph
    priors is covered; otherwise a ``ValueError`` names the file and the keys."""
    # The fixed graph prior is not in the file (it is the layout's); a non-adaptive model has no topology.
    optional = {k for k in expected if k.endswith(".gcn.adjacency")}
    if not adaptive:
        optional |= {k for k in expected if k.endswith(".gcn.topology")}
    unexpected = sorted(set(state_dict) - set(expected))
    missing = sorted(set(expected) - set(state_dict) - optional)
    mismatched = [
        f"{k}: file {tuple(v.shape)}, model {tuple(expected[k].shape)}"
        for k, v in state_dict.items()
        if k in expected and v.shape != expected[k].shape
    ]
    if unexpected or missing or mismatched:
        problems = []
        for title, keys in (
            ("unexpected keys", unexpected),
            ("missing keys", missing),
            ("shape mismatches", mismatched),
        ):
            if keys:
                shown = ", ".join(keys[:8]) + (f" (+{len(keys) - 8} more)" if len(keys) > 8 else "")
                problems.append(f"{title}: {shown}")
        raise ValueError(f"{path} does not match a CTR-GCN baseline of this config; " + "; ".join(problems))


@dataclass
class SugarClassifierOutput(ModelOutput):
    """
    Args:
        loss (`torch.FloatTensor` of shape `()`): cross-entropy, when `labels` are given.
        logits (`torch.FloatTensor` of shape `(batch, num_classes)`).
        pooler_output (`torch.FloatTensor` of shape `(batch, hidden)`): the pooled CTR-GCN feature.
    """

    loss: torch.FloatTensor | None = None
    logits: torch.FloatTensor | None = None
    pooler_output: torch.FloatTensor | None = None


class SugarForSkeletonClassification(PreTrainedModel):
    """CTR-GCN + linear (FC) classifier trained with cross-entropy: the paper's non-LLM baseline."""

    config_class = SugarBaselineConfig
    base_model_prefix = "sugar_baseline"
    main_input_name = "skeleton_values"
    _no_split_modules = ["CTRGCNUnit"]

    def __init__(self, config: SugarBaselineConfig) -> None:
        super().__init__(config)
        self.encoder = SugarSkeletonEncoder(config.encoder_config)
        self.dropout = nn.Dropout(config.classifier_dropout)
        self.classifier = nn.Linear(config.encoder_config.hidden_size, config.num_labels)
        self.post_init()

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path: str | os.PathLike, *args: Any, **kwargs: Any):
        """Load a baseline checkpoint; a folder saved by a SUGAR class (stage 1 or 2) is refused with the class
        that loads it."""
        config = kwargs.get("config")
        if isinstance(config, PretrainedConfig):
            model_type, architectures = config.model_type, list(config.architectures or [])
        else:
            hub_kwargs = {k: kwargs[k] for k in ("cache_dir", "revision", "token", "local_files_only", "subfolder")
                          if k in kwargs}  # fmt: skip
            try:
                data, _ = PretrainedConfig.get_config_dict(pretrained_model_name_or_path, **hub_kwargs)
            except Exception:  # noqa: BLE001  (no readable config: from_pretrained reports it)
                data = {}
            model_type, architectures = data.get("model_type"), list(data.get("architectures") or [])
        if model_type and model_type != cls.config_class.model_type:
            saved = architectures[0] if architectures else model_type
            raise ValueError(
                f"{pretrained_model_name_or_path} holds a {saved} checkpoint (model_type {model_type!r}), not a "
                f"{cls.__name__}: load it with {saved}.from_pretrained(...)"
            )
        return super().from_pretrained(pretrained_model_name_or_path, *args, **kwargs)

    def save_pretrained(self, save_directory: str | os.PathLike, *args: Any, **kwargs: Any) -> None:
        """``PreTrainedModel.save_pretrained`` plus the remote code that makes the folder load with
        ``trust_remote_code=True`` (``AutoModel`` and the ``skeleton-action-recognition`` pipeline) without the
        package; a model loaded through remote code and saved again writes the same files."""
        super().save_pretrained(save_directory, *args, **kwargs)
        from .remote_code import save_remote_code  # a remote copy re-saves the full set too

        save_remote_code(self, save_directory, processor=False)

    @classmethod
    def from_ctrgcn_checkpoint(
        cls,
        path: str | os.PathLike,
        class_names: Sequence[str] | None = None,
        classifier_dropout: float = 0.0,
        **encoder_kwargs: Any,
    ) -> SugarForSkeletonClassification:
        """Load an official CTR-GCN joint-model checkpoint (a ``.pt`` state dict of ``model/ctrgcn.py``'s ``Model``).

        The file is read with ``torch.load(weights_only=True)``. The encoder config (input channels, persons,
        widths, adaptive topology, and the layout: ``ntu25`` for the 25-joint NTU graph, ``kinect_v1_20`` for the
        20-joint NW-UCLA graph) is read from the tensor shapes; ``encoder_kwargs`` override or add config fields
        (e.g. ``num_frames=64`` or ``layout="utd_mhad20"``). ``class_names`` default to ``class_0...`` and must match
        the checkpoint's class count. Every tensor of the file must land on a parameter or buffer of the same shape,
        and every parameter and buffer except the fixed graph priors must be covered; otherwise a ``ValueError``
        names the file and the keys.
        """
        path = os.fspath(path)
        state_dict = _read_ctrgcn_state_dict(path)
        encoder_config = _ctrgcn_encoder_config(state_dict, path, **encoder_kwargs)
        num_classes = state_dict["classifier.weight"].shape[0] if "classifier.weight" in state_dict else None
        if num_classes is None:
            raise ValueError(f"{path} has no classifier (fc.weight)")
        class_names = (
            list(class_names) if class_names is not None else [f"class_{i}" for i in range(num_classes)]
        )
        if len(class_names) != num_classes:
            raise ValueError(f"{path} has {num_classes} classes, got {len(class_names)} class names")
        config = SugarBaselineConfig(
            encoder_config=encoder_config, class_names=class_names, classifier_dropout=classifier_dropout
        )
        model = cls(config)
        _check_state_dict_fits(model.state_dict(), state_dict, path, encoder_config.adaptive)
        model.load_state_dict(state_dict, strict=False)
        return model

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, CTRGCN_INIT_TYPES):
            init_ctrgcn_weights(module)
        elif module is getattr(self, "classifier", None):
            # CTR-GCN's FC init: normal with std sqrt(2 / num_class).
            nn.init.normal_(module.weight, 0, (2.0 / module.out_features) ** 0.5)
            nn.init.zeros_(module.bias)

    def forward(
        self, skeleton_values: torch.Tensor, labels: torch.Tensor | None = None, **kwargs: Any
    ) -> SugarClassifierOutput:
        """
        Args:
            skeleton_values (`torch.FloatTensor` of shape `(batch, persons, frames, joints, channels)`).
            labels (`torch.LongTensor` of shape `(batch,)`): class ids.
        """
        pooled = self.encoder(skeleton_values).pooler_output
        logits = self.classifier(self.dropout(pooled))
        loss = F.cross_entropy(logits.float(), labels) if labels is not None else None
        return SugarClassifierOutput(loss=loss, logits=logits, pooler_output=pooled)


__all__ = [
    "SugarBaselineConfig",
    "SugarClassifierOutput",
    "SugarForSkeletonClassification",
    "ctrgcn_state_dict_to_baseline",
]
