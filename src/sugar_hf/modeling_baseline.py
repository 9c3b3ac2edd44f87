"""The paper's FC baseline: the same CTR-GCN encoder as SUGAR with a linear head and cross-entropy.

``SugarForSkeletonClassification`` lets LLM-versus-FC comparisons live in one codebase: it shares
:class:`~sugar_hf.modeling_sugar.SugarSkeletonEncoder` (and so :class:`SugarEncoderConfig`) with SUGAR, and its
encoder can seed a stage-2 model through ``SugarForActionRecognition.load_encoder_from``-compatible weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel
from transformers.utils import ModelOutput

from .configuration_sugar import SugarEncoderConfig
from .modeling_ctrgcn import init_ctrgcn_weights
from .modeling_sugar import SugarSkeletonEncoder


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
        super().__init__(**kwargs)


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

    def _init_weights(self, module: nn.Module) -> None:
        if (
            isinstance(module, (nn.Conv2d, nn.BatchNorm1d, nn.BatchNorm2d))
            or type(module).__name__ == "GraphConv"
        ):
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


__all__ = ["SugarBaselineConfig", "SugarClassifierOutput", "SugarForSkeletonClassification"]
