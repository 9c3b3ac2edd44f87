"""SUGAR models: the stage-1 skeleton-text model and the stage-2 LLM action recogniser.

``SugarSkeletonTextModel`` (stage 1) aligns CTR-GCN features with text embeddings of the class descriptions
through MIL-NCE. ``SugarForActionRecognition`` (stage 2) feeds the frozen encoder's tokens, compressed by the
Temporal Query Projection, into a causal LLM tuned with LoRA; it generates "<action>. <description>" and ranks
any list of candidate names by the LLM's likelihood, which is also how it recognises unseen classes.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from transformers import (
    AutoModel,
    AutoModelForCausalLM,
    CLIPTextModelWithProjection,
    PretrainedConfig,
    PreTrainedModel,
)
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask
from transformers.modeling_utils import AttentionInterface
from transformers.utils import ModelOutput

from .configuration_sugar import SugarConfig, SugarEncoderConfig
from .lora import inject_lora
from .modeling_ctrgcn import CTRGCN, CTRGCN_INIT_TYPES, init_ctrgcn_weights
from .modeling_tqp import build_projector
from .pretrained_bases import resolve_pretrained_name
from .skeleton_layouts import get_layout

CHECKPOINT_KINDS = {
    "SugarSkeletonTextModel": "a stage-1 skeleton-text model (encoder + text projection; no projector, no LoRA)",
    "SugarForActionRecognition": "a stage-2 SUGAR action recogniser (encoder, projector, LLM with LoRA)",
    "SugarForSkeletonClassification": "the CTR-GCN + FC baseline",
}
"""The classes whose folders the SUGAR classes tell apart, by ``architectures`` (or ``model_type``)."""
_MODEL_TYPE_CLASSES = {"sugar_baseline": "SugarForSkeletonClassification"}


def _installed() -> bool:
    """True in the installed package, False in a checkpoint's remote-code copy of this module."""
    return __name__.partition(".")[0] == "sugar_hf"


# --------------------------------------------------------------------------------------------------- outputs
@dataclass
class SugarEncoderOutput(ModelOutput):
    """
    Args:
        last_hidden_state (`torch.FloatTensor` of shape `(batch, tokens, hidden)`):
            The unpooled token sequence, frame-major (`tokens = frames_out` or `frames_out x joints`).
        pooler_output (`torch.FloatTensor` of shape `(batch, hidden)`):
            Mean over persons, frames and joints: the vector CTR-GCN's classifier would see.
    """

    last_hidden_state: torch.FloatTensor | None = None
    pooler_output: torch.FloatTensor | None = None


@dataclass
class SugarSkeletonTextOutput(ModelOutput):
    """
    Args:
        loss (`torch.FloatTensor` of shape `()`): MIL-NCE loss (plus the weighted cross-entropy under
            `stage1_objective="mil_nce+ce"`), when `labels` and `text_labels` are given.
        logits_per_skeleton (`torch.FloatTensor` of shape `(batch, num_texts)`): scaled cosine similarities.
        skeleton_embeds (`torch.FloatTensor` of shape `(batch, dim)`): L2-normalised skeleton embeddings.
        text_embeds (`torch.FloatTensor` of shape `(num_texts, dim)`): L2-normalised text embeddings.
        class_logits (`torch.FloatTensor` of shape `(batch, num_classes)`): the FC head's logits
            (`stage1_objective="mil_nce+ce"` only).
    """

    loss: torch.FloatTensor | None = None
    logits_per_skeleton: torch.FloatTensor | None = None
    skeleton_embeds: torch.FloatTensor | None = None
    text_embeds: torch.FloatTensor | None = None
    class_logits: torch.FloatTensor | None = None


MIN_SHARED_PREFIX = 8
"""Shortest common prompt start that :meth:`SugarForActionRecognition.forward` runs once per batch."""

SDPA_GQA = "sdpa_gqa"
"""The LLM's attention: transformers' ``sdpa``, with grouped-query attention on the key/value heads under a mask."""


def sdpa_gqa_attention(
    module: nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """transformers' ``sdpa`` attention, except that with a mask on a CPU (the trie's tree mask, the rows behind
    a shared prefix) the key/value heads go to SDPA as they are (``enable_gqa``) instead of being copied
    ``num_key_value_groups`` times (``repeat_kv``; transformers keeps that path because CUDA's masked GQA falls
    back to the math kernel). Everything else (no mask, one query, position biases, GPUs) is ``sdpa``'s own."""
    if (
        attention_mask is None
        or query.device.type != "cpu"
        or query.shape[2] == 1
        or getattr(module, "num_key_value_groups", 1) == 1
        or kwargs.get("position_bias") is not None
        or kwargs.get("softcap") is not None
    ):
        return sdpa_attention_forward(
            module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs
        )
    out = F.scaled_dot_product_attention(
        query, key, value, attn_mask=attention_mask, dropout_p=dropout, scale=scaling, enable_gqa=True
    )
    return out.transpose(1, 2).contiguous(), None


AttentionInterface.register(SDPA_GQA, sdpa_gqa_attention)
AttentionMaskInterface.register(SDPA_GQA, sdpa_mask)


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over labels != -100; ``logits`` may cover only the last positions."""
    labels = labels[:, labels.shape[1] - logits.shape[1] :]
    return F.cross_entropy(
        logits[:, :-1].float().reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100
    )


def answer_logits_to_keep(labels: torch.Tensor) -> int:
    """The ``logits_to_keep`` that covers every supervised position and the one before it (0: all)."""
    supervised = (labels != -100).any(0).nonzero()
    return labels.shape[1] - int(supervised[0]) + 1 if len(supervised) else 0


@dataclass
class SugarCausalLMOutput(ModelOutput):
    """
    Args:
        loss (`torch.FloatTensor` of shape `()`): next-token loss on the answer tokens (labels != -100).
        logits (`torch.FloatTensor` of shape `(batch, sequence, vocab)`).
        cache: the LLM's KV cache, when `use_cache=True`.
        skeleton_tokens (`torch.FloatTensor` of shape `(batch, num_action_tokens, llm_hidden)`):
            the projector output spliced in at the `<action>` positions.
    """

    loss: torch.FloatTensor | None = None
    logits: torch.FloatTensor | None = None
    cache: Any = None
    skeleton_tokens: torch.FloatTensor | None = None


# --------------------------------------------------------------------------------------------------- encoder
class SugarSkeletonEncoder(nn.Module):
    """CTR-GCN returning the token sequence ``(batch, tokens, hidden)`` and a pooled vector ``(batch, hidden)``."""

    def __init__(self, config: SugarEncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.backbone = CTRGCN(config)
        self.dropout = nn.Dropout(config.drop_out)

    @property
    def tokens_per_frame(self) -> int:
        return get_layout(self.config.layout).num_joints if self.config.token_layout == "frame_joint" else 1

    def forward(self, skeleton_values: torch.Tensor) -> SugarEncoderOutput:
        if skeleton_values.dim() != 5:
            raise ValueError(
                "skeleton_values must have shape (batch, persons, frames, joints, channels), "
                f"got {tuple(skeleton_values.shape)}"
            )
        expected = (
            self.config.num_persons,
            get_layout(self.config.layout).num_joints,
            self.config.in_channels,
        )
        got = (skeleton_values.shape[1], skeleton_values.shape[3], skeleton_values.shape[4])
        if got != expected:
            raise ValueError(
                f"skeleton_values has (persons, joints, channels) = {got}, the encoder expects {expected}"
            )
        features = self.backbone(skeleton_values).mean(1)  # (N, C, T', V), persons averaged as in CTR-GCN
        pooled = self.dropout(features.mean(dim=(2, 3)))
        if self.config.token_layout == "frame_joint":
            tokens = features.permute(0, 2, 3, 1).flatten(1, 2)  # (N, T' * V, C)
        else:
            tokens = features.mean(-1).transpose(1, 2)  # (N, T', C)
        return SugarEncoderOutput(last_hidden_state=tokens, pooler_output=pooled)


# ------------------------------------------------------------------------------------------------ base class
class SugarPreTrainedModel(PreTrainedModel):
    """Weight init, frozen-base handling and adapter-style checkpoints shared by both SUGAR models.

    ``frozen_pretrained`` names each sub-module whose weights come from a pretrained model named in the config
    (attribute -> config field). Those weights are not written into checkpoints unless ``save_full_llm`` is
    set, and ``from_pretrained`` reloads them from the named model, as a PEFT adapter repo does.
    """

    config_class = SugarConfig
    base_model_prefix = "sugar"
    main_input_name = "skeleton_values"
    supports_gradient_checkpointing = True
    _supports_sdpa = True
    _supports_flash_attn = True
    _no_split_modules = [
        "CTRGCNUnit",
        "Blip2QFormerLayer",
        "LlamaDecoderLayer",
        "BertLayer",
        "CLIPEncoderLayer",
    ]
    _keep_in_fp32_modules = ["query_tokens", "qformer"]
    frozen_pretrained: dict[str, str] = {}

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, CTRGCN_INIT_TYPES):
            init_ctrgcn_weights(module)
        elif isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.MultiheadAttention):
            module._reset_parameters()
        for name in ("query_tokens", "frame_embeddings", "joint_embeddings"):
            param = getattr(module, name, None)
            if isinstance(param, nn.Parameter):
                nn.init.normal_(param, std=0.02)  # BLIP-2's query init
        if isinstance(module, SugarSkeletonTextModel):
            module.logit_scale.data.fill_(math.log(1 / 0.07))
            if module.classifier is not None:
                # The FC head (mil_nce+ce) as CTR-GCN / GAP and the baseline initialise theirs: normal with std
                # sqrt(2 / num_class). BERT's 0.02 made the head's logits and its gradient into the encoder ~13x
                # smaller at the start of a short budget.
                nn.init.normal_(module.classifier.weight, 0, (2.0 / module.classifier.out_features) ** 0.5)
                nn.init.zeros_(module.classifier.bias)
            projection = module.text_projection
            if isinstance(projection, nn.Linear) and projection.in_features == projection.out_features:
                nn.init.eye_(projection.weight)  # a learned text map starts as the text encoder's own space
                nn.init.zeros_(projection.bias)

    def _frozen_base_keys(self) -> set[str]:
        """State-dict keys that belong to a frozen pretrained base (LoRA weights excluded)."""
        keys = set()
        for attr in self.frozen_pretrained:
            for key in self.state_dict():
                if key.startswith(f"{attr}.") and "lora_" not in key:
                    keys.add(key)
        return keys

    def _deferred_base_prefixes(self) -> tuple[str, ...]:
        """Sub-modules whose weights ``from_pretrained`` takes from their named base after reading the checkpoint."""
        if self.config.save_full_llm:
            return ()
        return tuple(f"{attr}." for attr, field in self.frozen_pretrained.items() if getattr(self.config, field))

    def tie_weights(self, missing_keys: set[str] | None = None, recompute_mapping: bool = True):
        """Tie weights; during ``from_pretrained`` of an adapter-style checkpoint, the tied pairs of a frozen base
        (SmolLM2's ``lm_head`` and ``embed_tokens``) are absent from the checkpoint by design, not corrupted: the
        base loads right after. Their source is then not reported as missing to transformers, which ties the
        pair as usual (instead of warning "This checkpoint seem corrupted") and leaves the target to the base."""
        deferred = self._deferred_base_prefixes() if missing_keys is not None else ()
        if not deferred:
            return super().tie_weights(missing_keys=missing_keys, recompute_mapping=recompute_mapping)
        tied = self.all_tied_weights_keys if not recompute_mapping else self.get_expanded_tied_weights_keys(True)
        sources = {
            source for target, source in tied.items()
            if target in missing_keys and source in missing_keys and target.startswith(deferred)
            and source.startswith(deferred)
        }  # fmt: skip
        missing_keys.difference_update(sources)
        try:
            return super().tie_weights(missing_keys=missing_keys, recompute_mapping=recompute_mapping)
        finally:
            missing_keys.update(sources)  # still absent from the checkpoint: load_frozen_pretrained fills them

    def save_pretrained(self, save_directory: str | os.PathLike, *args: Any, save_full_llm: bool | None = None,
                        **kwargs: Any) -> None:  # fmt: skip
        """Save the checkpoint; frozen bases are named, not copied, unless ``save_full_llm`` is True.

        The folder also gets the remote code that loads it without the package (``trust_remote_code=True``):
        ``auto_map`` for ``AutoConfig`` / ``AutoModel`` (and ``AutoProcessor`` for a stage-2 model) and the
        ``skeleton-action-recognition`` pipeline (stage 1 and 2), see :mod:`sugar_hf.remote_code`; a model loaded
        through remote code and saved again writes the same files.
        """
        push_to_hub = kwargs.pop("push_to_hub", False)
        if push_to_hub:
            from huggingface_hub import create_repo

            commit_message = kwargs.pop("commit_message", None)
            repo_id = kwargs.pop("repo_id", str(save_directory).rstrip(os.sep).split(os.sep)[-1])
            repo_id = create_repo(repo_id, exist_ok=True, private=kwargs.pop("private", None),
                                  token=kwargs.get("token")).repo_id  # fmt: skip
        self._save_checkpoint(save_directory, *args, save_full_llm=save_full_llm, **kwargs)
        from .remote_code import save_remote_code  # a remote copy re-saves the full set too

        save_remote_code(self, save_directory, processor=isinstance(self, SugarForActionRecognition))
        if push_to_hub:
            self._upload_modified_files(save_directory, repo_id, {}, commit_message=commit_message,
                                        token=kwargs.get("token"))  # fmt: skip

    def _save_checkpoint(self, save_directory, *args: Any, save_full_llm: bool | None = None, **kwargs: Any) -> None:
        full = self.config.save_full_llm if save_full_llm is None else save_full_llm
        if not full:
            unnamed = [
                attr for attr, field in self.frozen_pretrained.items() if not getattr(self.config, field)
            ]
            if unnamed:
                raise ValueError(
                    f"cannot save without the weights of {unnamed}: the config names no pretrained model for them "
                    f"({[self.frozen_pretrained[a] for a in unnamed]}); pass save_full_llm=True"
                )
            if "state_dict" not in kwargs:
                frozen = self._frozen_base_keys()
                kwargs["state_dict"] = {k: v for k, v in self.state_dict().items() if k not in frozen}
        previous = self.config.save_full_llm
        self.config.save_full_llm = full
        try:
            super().save_pretrained(save_directory, *args, **kwargs)
        finally:
            self.config.save_full_llm = previous

    @classmethod
    def check_checkpoint_kind(cls, pretrained_model_name_or_path: str | os.PathLike, config: Any = None,
                              **hub_kwargs: Any) -> None:  # fmt: skip
        """Refuse a folder saved by another SUGAR class, naming the class that loads it (``AutoModel`` maps every
        ``"sugar"`` config to the stage-2 class, so without this a stage-1 folder became a stage-2 model with a
        random projector and no LoRA)."""
        if isinstance(config, PretrainedConfig):
            model_type, architectures = config.model_type, list(config.architectures or [])
        else:
            try:
                data, _ = PretrainedConfig.get_config_dict(pretrained_model_name_or_path, **hub_kwargs)
            except Exception:  # noqa: BLE001  (no readable config: from_pretrained reports it)
                return
            model_type, architectures = data.get("model_type"), list(data.get("architectures") or [])
        if model_type and model_type != cls.config_class.model_type:
            saved = _MODEL_TYPE_CLASSES.get(model_type)
        elif architectures and cls.__name__ not in architectures:
            saved = architectures[0]
        else:
            return
        what = CHECKPOINT_KINDS.get(saved, f"a {saved or model_type!r} model")
        hint = f"load it with {saved}.from_pretrained(...)" if saved else "load it with its own class"
        if saved == "SugarSkeletonTextModel" and cls.__name__ == "SugarForActionRecognition":
            hint += ", or start stage 2 from it with SugarForActionRecognition.load_encoder_from(folder)"
        raise ValueError(
            f"{pretrained_model_name_or_path} holds {what} ({saved or model_type}), not a {cls.__name__}: {hint}"
        )

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path: str | os.PathLike, *args: Any, **kwargs: Any):
        """Load a checkpoint, then the frozen bases it names (unless it holds them itself).

        A folder saved by another class (stage 1, stage 2, the baseline) is refused with the class to use.
        """
        hub_kwargs = {k: kwargs[k] for k in ("cache_dir", "revision", "token", "local_files_only", "subfolder")
                      if k in kwargs}  # fmt: skip
        cls.check_checkpoint_kind(pretrained_model_name_or_path, kwargs.get("config"), **hub_kwargs)
        model = super().from_pretrained(pretrained_model_name_or_path, *args, **kwargs)
        if not model.config.save_full_llm:
            model.load_frozen_pretrained()
        return model

    @classmethod
    def from_config_with_pretrained_bases(cls, config: SugarConfig, **kwargs: Any):
        """A new model: random encoder/projector/LoRA, frozen bases (LLM, text encoder) loaded from their names.

        Returned in eval mode, like ``from_pretrained``; call ``.train()`` before training.
        """
        model = cls(config, **kwargs)
        model.load_frozen_pretrained()
        return model.eval()

    def load_frozen_pretrained(self) -> None:
        """Copy the weights of each named pretrained base into its sub-module (keys gain LoRA's ``base_layer``)."""
        for attr, field in self.frozen_pretrained.items():
            name = getattr(self.config, field)
            if not name:
                continue
            module: nn.Module = getattr(self, attr)
            source_cls = type(module) if isinstance(module, PreTrainedModel) else AutoModel
            base = source_cls.from_pretrained(
                resolve_pretrained_name(name), dtype=next(module.parameters()).dtype
            )
            own_keys = set(module.state_dict())
            remapped = {}
            for key, value in base.state_dict().items():
                target = key if key in own_keys else re.sub(r"\.(weight|bias)$", r".base_layer.\1", key)
                if target in own_keys:
                    remapped[target] = value
            missing = [k for k in own_keys - set(remapped) if "lora_" not in k]
            if missing:
                raise ValueError(
                    f"pretrained {name!r} does not match the configured {attr}: missing {missing[:5]}"
                )
            module.load_state_dict(remapped, strict=False)
            if hasattr(module, "tie_weights"):
                module.tie_weights()
            del base


# ---------------------------------------------------------------------------------------------- MIL-NCE loss
def mil_nce_loss(
    skeleton_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    positive_mask: torch.Tensor,
    logit_scale: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """MIL-NCE (Miech et al., 2020) with a bag of positive texts per skeleton.

    ``loss_i = -log( sum_{t in P(i)} exp(s_i . t * scale) / sum_{t} exp(s_i . t * scale) )``: every text of the
    sample's class is a positive, the texts of the other classes in the batch are the negatives.

    Args:
        skeleton_embeds: ``(batch, dim)``, L2-normalised.
        text_embeds: ``(num_texts, dim)``, L2-normalised.
        positive_mask: ``(batch, num_texts)`` bool, True where the text describes the sample's class.
        logit_scale: log of the inverse temperature (learnable).
    Returns:
        The mean loss and the logits ``(batch, num_texts)``.
    """
    if not positive_mask.any(dim=1).all():
        raise ValueError("every skeleton needs at least one positive text in the batch")
    logits = logit_scale.exp() * skeleton_embeds @ text_embeds.t()
    positives = logits.masked_fill(~positive_mask, float("-inf")).logsumexp(dim=1)
    return (logits.logsumexp(dim=1) - positives).mean(), logits


def masked_mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean over real tokens: the sentence-transformers pooling of MiniLM-style text encoders."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class SugarSkeletonTextModel(SugarPreTrainedModel):
    """Stage 1: CTR-GCN encoder + projection into a frozen text encoder's space, trained with MIL-NCE."""

    frozen_pretrained = {"text_model": "text_name_or_path"}
    # Adapter-style checkpoints omit the frozen text encoder; load_frozen_pretrained fills it in.
    _keys_to_ignore_on_load_missing = [r"^text_model\."]

    def __init__(self, config: SugarConfig) -> None:
        super().__init__(config)
        self.encoder = SugarSkeletonEncoder(config.encoder_config)
        if config.text_config.model_type == "clip_text_model":
            self.text_model = CLIPTextModelWithProjection(config.text_config)
            text_dim = config.text_config.projection_dim
        else:
            self.text_model = AutoModel.from_config(config.text_config)
            text_dim = config.text_config.hidden_size
        self.text_model.requires_grad_(False)
        dim = config.contrastive_dim or text_dim
        self.skeleton_projection = nn.Linear(config.encoder_config.hidden_size, dim)
        learn = getattr(config, "learn_text_projection", False)
        self.text_projection = nn.Linear(text_dim, dim) if dim != text_dim or learn else nn.Identity()
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        # GAP's objective: a cross-entropy FC head on the pooled features next to the text loss (mil_nce+ce).
        self.classifier = (
            nn.Linear(config.encoder_config.hidden_size, len(config.class_names))
            if getattr(config, "stage1_objective", "mil_nce") == "mil_nce+ce" else None
        )  # fmt: skip
        self.post_init()

    def train(self, mode: bool = True):
        super().train(mode)
        self.text_model.eval()  # frozen: no dropout in the text features
        return self

    def get_skeleton_features(self, skeleton_values: torch.Tensor) -> torch.Tensor:
        """L2-normalised skeleton embeddings ``(batch, dim)``."""
        pooled = self.encoder(skeleton_values).pooler_output
        return F.normalize(self.skeleton_projection(pooled), dim=-1)

    @torch.no_grad()
    def encode_texts(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Raw (frozen) text embeddings ``(num_texts, text_dim)``: CLIP's projected EOS or masked mean pooling."""
        out = self.text_model(input_ids=input_ids, attention_mask=attention_mask)
        if isinstance(self.text_model, CLIPTextModelWithProjection):
            return out.text_embeds
        return masked_mean_pool(out.last_hidden_state, attention_mask)

    def forward(
        self,
        skeleton_values: torch.Tensor,
        text_input_ids: torch.Tensor | None = None,
        text_attention_mask: torch.Tensor | None = None,
        text_embeds: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        text_labels: torch.Tensor | None = None,
        class_mask: torch.Tensor | None = None,
        **kwargs: Any,
    ) -> SugarSkeletonTextOutput:
        """
        Args:
            skeleton_values (`torch.FloatTensor` of shape `(batch, persons, frames, joints, channels)`).
            text_input_ids / text_attention_mask (`(num_texts, length)`): texts to embed now, or
            text_embeds (`(num_texts, text_dim)`): cached raw text embeddings (see the knowledge cache).
            labels (`(batch,)`): class id of each skeleton; text_labels (`(num_texts,)`): class id of each text.
            class_mask (`(num_classes,)` bool, optional): under ``stage1_objective="mil_nce+ce"``, the classes the
                cross-entropy may choose from (the training classes); default all.
        """
        if text_embeds is None:
            if text_input_ids is None:
                raise ValueError("pass text_input_ids (with text_attention_mask) or precomputed text_embeds")
            if text_attention_mask is None:
                text_attention_mask = torch.ones_like(text_input_ids)
            text_embeds = self.encode_texts(text_input_ids, text_attention_mask)
        pooled = self.encoder(skeleton_values).pooler_output
        skeleton = F.normalize(self.skeleton_projection(self._text_branch_input(pooled)), dim=-1)
        texts = F.normalize(self.text_projection(text_embeds.to(skeleton.dtype)), dim=-1)
        scale = self.logit_scale.clamp(max=math.log(100.0))
        class_logits = self.classifier(pooled) if self.classifier is not None else None
        if labels is not None and text_labels is not None:
            positive = labels[:, None] == text_labels[None, :]
            loss, logits = mil_nce_loss(skeleton, texts, positive, scale)
            if class_logits is not None:
                loss = self.config.text_loss_weight * loss + self.config.ce_loss_weight * self._ce_loss(
                    class_logits, labels, class_mask
                )
        else:
            loss, logits = None, scale.exp() * skeleton @ texts.t()
        return SugarSkeletonTextOutput(
            loss=loss, logits_per_skeleton=logits, skeleton_embeds=skeleton, text_embeds=texts,
            class_logits=class_logits,
        )  # fmt: skip

    def _text_branch_input(self, pooled: torch.Tensor) -> torch.Tensor:
        """The pooled features as the text head sees them: the same values, with the gradient into the encoder
        scaled by ``config.text_gradient_scale`` under ``mil_nce+ce`` (1: unchanged)."""
        scale = getattr(self.config, "text_gradient_scale", 1.0)
        if self.classifier is None or scale == 1.0 or not torch.is_grad_enabled():
            return pooled
        detached = pooled.detach()
        return detached + scale * (pooled - detached) if scale > 0 else detached

    @staticmethod
    def _ce_loss(class_logits: torch.Tensor, labels: torch.Tensor, class_mask: torch.Tensor | None) -> torch.Tensor:
        """Cross-entropy of the FC head; ``class_mask`` ``(num_classes,)`` keeps only the training classes (a
        zero-shot run never scores its unseen classes, as GAP's FC head has only the seen ones)."""
        if class_mask is not None:
            class_logits = class_logits.masked_fill(~class_mask.to(class_logits.device), float("-inf"))
        return F.cross_entropy(class_logits.float(), labels)


# ------------------------------------------------------------------------------------------ knowledge prior
def bag_scores(similarities: torch.Tensor, text_index: torch.Tensor, num_classes: int) -> torch.Tensor:
    """``(batch, num_classes)``: each class's MIL-NCE bag score, the log-mean-exp of the (scaled) similarities
    ``(batch, num_texts)`` to that class's texts (``text_index`` ``(num_texts,)``: each text's class position).

    MIL-NCE makes a clip close to *some* text of its class (the sum over positives in its numerator), not to the
    mean of them. On UTD-MHAD (cross-subject test) the same stage-1 model ranked 53.5 % by the normalised mean of
    each class's texts and 84.4 % by this bag score (the paper's MIL-NCE alone: 44.9 vs 70.5 %)."""
    classes = torch.arange(num_classes, device=similarities.device)
    members = text_index.to(similarities.device)[None, :] == classes[:, None]
    masked = similarities.float()[:, None, :].masked_fill(~members[None], float("-inf"))
    return masked.logsumexp(-1) - members.sum(1).clamp(min=1).log()


def contrastive_text_dim(config: SugarConfig) -> int:
    """Width of stage 1's skeleton-text space: ``contrastive_dim`` or the text encoder's output width."""
    if config.contrastive_dim:
        return config.contrastive_dim
    text = config.text_config
    return text.projection_dim if text.model_type == "clip_text_model" else text.hidden_size


class SugarKnowledgePrior(nn.Module):
    """Stage 1's skeleton-text head, frozen, inside the stage-2 model: the pooled encoder features projected into
    the text space and scored against each class's bag of texts (its motion and visual descriptions) with stage
    1's learned logit scale, as MIL-NCE scores them (:func:`sugar_hf.inference.bag_scores`).

    ``texts`` ``(num_texts, dim)`` are the classes' projected, normalised text embeddings grouped by class in
    ``config.prior_class_names`` order, ``config.prior_text_counts`` of them per class; they are computed once
    from the stage-1 model and its text encoder (:meth:`SugarForActionRecognition.load_knowledge_prior`), so
    ranking needs no text encoder.
    """

    def __init__(self, config: SugarConfig) -> None:
        super().__init__()
        dim = contrastive_text_dim(config)
        counts = list(getattr(config, "prior_text_counts", None) or [1] * len(config.prior_class_names))
        if len(counts) != len(config.prior_class_names) or min(counts, default=1) < 1:
            raise ValueError("prior_text_counts must give >= 1 text for each of prior_class_names")
        self.skeleton_projection = nn.Linear(config.encoder_config.hidden_size, dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.register_buffer("texts", torch.zeros(sum(counts), dim))
        index = [position for position, count in enumerate(counts) for _ in range(count)]
        self.register_buffer("text_index", torch.tensor(index, dtype=torch.long))  # saved: meta-device loads
        self.num_classes = len(counts)
        head = list(getattr(config, "prior_classifier_names", None) or [])
        # Stage 1's FC head (mil_nce+ce), over the classes it was trained on, when the stage-1 model had one.
        self.classifier = nn.Linear(config.encoder_config.hidden_size, len(head)) if head else None
        self.requires_grad_(False)

    def forward(self, pooled: torch.Tensor, class_index: torch.Tensor | None = None) -> torch.Tensor:
        """``(batch, num_classes)`` bag scores (``class_index`` picks and orders the classes)."""
        features = F.normalize(self.skeleton_projection(pooled.to(self.texts.dtype)), dim=-1)
        scale = self.logit_scale.clamp(max=math.log(100.0)).exp()
        scores = bag_scores(scale * features @ self.texts.t(), self.text_index, self.num_classes)
        return scores if class_index is None else scores[:, class_index]

    def classifier_logits(self, pooled: torch.Tensor, head_index: torch.Tensor) -> torch.Tensor:
        """``(batch, len(head_index))``: stage 1's FC logits of the classes at ``head_index`` of
        ``config.prior_classifier_names``."""
        if self.classifier is None:
            raise ValueError("this knowledge prior carries no stage-1 classifier")
        return self.classifier(pooled.to(self.classifier.weight.dtype))[:, head_index]


# --------------------------------------------------------------------------------------------- recognition
class SugarForActionRecognition(SugarPreTrainedModel):
    """Stage 2: frozen CTR-GCN -> projector (TQP) -> causal LLM with LoRA, answering "<action>. <description>".

    The skeleton tokens replace the ``action_token_id`` positions of ``input_ids`` (the processor expands the
    instruction's ``<action>`` placeholder into ``num_action_tokens`` of them), as LLaVA does with images.
    """

    frozen_pretrained = {"llm": "llm_name_or_path"}
    # Adapter-style checkpoints omit the frozen LLM base; load_frozen_pretrained fills it in.
    _keys_to_ignore_on_load_missing = [r"^llm\.(?!.*lora_)"]

    def __init__(self, config: SugarConfig) -> None:
        super().__init__(config)
        self.encoder = SugarSkeletonEncoder(config.encoder_config)
        self.llm = AutoModelForCausalLM.from_config(config.llm_config)
        config.sync_encoder_width()  # the Q-Former reads encoder tokens: follow an edited encoder_config
        self.projector = build_projector(
            config.projector_config, self.encoder.tokens_per_frame, config.llm_config.hidden_size
        )
        self.projector_norm = (
            nn.RMSNorm(config.llm_config.hidden_size, eps=1e-6)
            if config.projector_config.output_norm
            else None
        )
        self.knowledge_prior = SugarKnowledgePrior(config) if getattr(config, "knowledge_prior", False) else None
        self.llm.requires_grad_(False)
        if config.freeze_encoder:
            self.encoder.requires_grad_(False)
        self.post_init()
        # After post_init: `_init_weights` must not redraw LoRA's own init (A random, B zero, so the tuned LLM
        # starts as the pretrained one); the frozen base is loaded over its random init by load_frozen_pretrained.
        if config.lora_config:
            inject_lora(config.lora_config, self.llm)  # LoRA weights stay trainable (peft's, or plain without it)
        if self.llm.config._attn_implementation == "sdpa":
            self.llm.set_attn_implementation(SDPA_GQA)  # GQA without repeat_kv's copies under a mask

    # -- training-mode bookkeeping ---------------------------------------------------------------------
    def train(self, mode: bool = True):
        super().train(mode)
        if self.config.freeze_encoder:
            self.encoder.eval()  # a frozen encoder keeps its batch-norm statistics
        return self

    def _set_gradient_checkpointing(self, enable: bool = True, gradient_checkpointing_func=None) -> None:
        if enable:
            self.llm.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            self.llm.enable_input_require_grads()
        else:
            self.llm.gradient_checkpointing_disable()

    def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs=None) -> None:
        """Checkpoint the LLM's layers (the only deep stack worth recomputing)."""
        self._set_gradient_checkpointing(True)

    def get_input_embeddings(self) -> nn.Module:
        return self.llm.get_input_embeddings()

    @classmethod
    def from_config_with_pretrained_bases(cls, config: SugarConfig, **kwargs: Any):
        model = super().from_config_with_pretrained_bases(config, **kwargs)
        model.match_projector_norm_to_embeddings()
        return model

    @torch.no_grad()
    def match_projector_norm_to_embeddings(self) -> None:
        """Start the projector's output gain at the RMS of the LLM's word embeddings (with ``output_norm``), so
        skeleton tokens enter the LLM at the scale its own tokens have."""
        if self.projector_norm is not None:
            weight = self.llm.get_input_embeddings().weight.float()
            self.projector_norm.weight.fill_(weight.pow(2).mean(-1).sqrt().mean().item())

    def load_encoder_from(self, stage1: SugarSkeletonTextModel | str | os.PathLike) -> None:
        """Take the skeleton encoder trained in stage 1 (a model or a saved ``SugarSkeletonTextModel`` folder)."""
        if not isinstance(stage1, SugarSkeletonTextModel):
            stage1 = SugarSkeletonTextModel.from_pretrained(stage1)
        fields = (
            "layout",
            "in_channels",
            "num_persons",
            "base_channels",
            "channel_multipliers",
            "temporal_strides",
        )
        theirs, ours = stage1.config.encoder_config, self.config.encoder_config
        differing = [f for f in fields if getattr(theirs, f) != getattr(ours, f)]
        if differing:
            raise ValueError(f"the stage-1 encoder differs from this model's encoder_config in {differing}")
        self.encoder.load_state_dict(stage1.encoder.state_dict())

    @torch.no_grad()
    def load_knowledge_prior(
        self, stage1: SugarSkeletonTextModel, texts: torch.Tensor, text_index: torch.Tensor
    ) -> None:
        """Copy stage 1's skeleton projection and logit scale into :attr:`knowledge_prior`, with the classes'
        projected, normalised ``texts`` ``(num_texts, dim)`` and each text's class position ``text_index`` (in
        ``config.prior_class_names`` order; ``TextBank.class_bags`` gives both). Sets
        ``config.prior_text_counts``."""
        if self.knowledge_prior is None:
            raise ValueError("this model has no knowledge prior (config.knowledge_prior is False)")
        counts = torch.bincount(text_index, minlength=len(self.config.prior_class_names))
        if len(counts) != len(self.config.prior_class_names) or bool((counts == 0).any()):
            raise ValueError("every one of config.prior_class_names needs at least one text")
        if bool((text_index[1:] < text_index[:-1]).any()):
            raise ValueError("texts must be grouped by class, in prior_class_names order")
        self.config.prior_text_counts = counts.tolist()
        head = getattr(stage1, "classifier", None)
        trained = list(getattr(stage1.config, "trained_class_names", None) or [])
        names = list(stage1.config.class_names or [])
        if head is not None and trained and all(n in names for n in trained):
            self.config.prior_classifier_names = trained  # only the classes its cross-entropy was trained on
        else:  # no head, or a stage-1 folder from before it recorded its trained classes
            self.config.prior_classifier_names = []
        prior = SugarKnowledgePrior(self.config).to(texts.device)
        if prior.classifier is not None:
            rows = torch.tensor([names.index(n) for n in trained], device=head.weight.device)
            prior.classifier.weight.copy_(head.weight[rows])
            prior.classifier.bias.copy_(head.bias[rows])
        prior.skeleton_projection.load_state_dict(stage1.skeleton_projection.state_dict())
        prior.logit_scale.copy_(stage1.logit_scale)
        prior.texts.copy_(texts)
        prior.text_index.copy_(text_index)
        self.knowledge_prior = prior

    def prior_logits(
        self, candidates: Sequence[str], skeleton_values: torch.Tensor | None = None,
        encoder_tokens: torch.Tensor | None = None,
    ) -> torch.Tensor | None:  # fmt: skip
        """The knowledge prior's ``(batch, len(candidates))`` scaled similarities, or None when the model has no
        prior or a candidate has no prototype. The pooled feature is the mean of the encoder tokens (exactly
        the encoder's pooled output), so cached tokens serve as well as skeletons."""
        parts = self.prior_parts(candidates, skeleton_values, encoder_tokens)
        if parts is None:
            return None
        if "classifier" in parts and getattr(self.config, "prior_use_classifier", False):
            return parts["bag"].float().log_softmax(-1) + parts["classifier"].float().log_softmax(-1)
        return parts["bag"]

    def prior_parts(
        self, candidates: Sequence[str], skeleton_values: torch.Tensor | None = None,
        encoder_tokens: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor] | None:  # fmt: skip
        """The knowledge prior's scores of each candidate, ``(batch, len(candidates))`` each: ``"bag"`` (the
        class-text bag scores) and, when the prior carries stage 1's FC head and every candidate is one of its
        classes, ``"classifier"`` (its logits); None without a prior or when a candidate has no prototype."""
        names = self.config.prior_class_names
        if self.knowledge_prior is None or any(c not in names for c in candidates):
            return None
        if encoder_tokens is None:
            encoder_tokens = self.get_encoder_tokens(skeleton_values)
        pooled = encoder_tokens.float().mean(1)
        index = torch.tensor([names.index(c) for c in candidates], device=encoder_tokens.device)
        parts = {"bag": self.knowledge_prior(pooled, index)}
        head = list(getattr(self.config, "prior_classifier_names", None) or [])
        if self.knowledge_prior.classifier is not None and all(c in head for c in candidates):
            head_index = torch.tensor([head.index(c) for c in candidates], device=encoder_tokens.device)
            parts["classifier"] = self.knowledge_prior.classifier_logits(pooled, head_index)
        return parts

    # -- embedding ----------------------------------------------------------------------------------------
    def get_encoder_tokens(self, skeleton_values: torch.Tensor) -> torch.Tensor:
        """The encoder's token sequence ``(batch, tokens, encoder_hidden)`` (no gradient when frozen)."""
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.config.freeze_encoder):
            encoder_dtype = next(self.encoder.parameters()).dtype
            return self.encoder(skeleton_values.to(encoder_dtype)).last_hidden_state

    def get_skeleton_tokens(
        self, skeleton_values: torch.Tensor | None = None, encoder_tokens: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Projector output ``(batch, num_action_tokens, llm_hidden)`` in the LLM's dtype.

        ``encoder_tokens`` (``(batch, tokens, encoder_hidden)``, e.g. from an encoder-token cache) replaces
        running the encoder on ``skeleton_values``.
        """
        if encoder_tokens is None:
            if skeleton_values is None:
                raise ValueError("pass skeleton_values or precomputed encoder_tokens")
            encoder_tokens = self.get_encoder_tokens(skeleton_values)
        tokens = encoder_tokens
        projector_dtype = next(self.projector.parameters()).dtype
        tokens = self.projector(tokens.to(projector_dtype))
        if self.projector_norm is not None:
            tokens = self.projector_norm(tokens)
        return tokens.to(self.llm.get_input_embeddings().weight.dtype)

    def embed_inputs(
        self,
        skeleton_values: torch.Tensor | None,
        input_ids: torch.Tensor,
        encoder_tokens: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """LLM input embeddings with the skeleton tokens spliced in at the ``action_token_id`` positions."""
        skeleton_tokens = self.get_skeleton_tokens(skeleton_values, encoder_tokens)
        placeholder = input_ids == self.config.action_token_id
        counts = placeholder.sum(1)
        expected = skeleton_tokens.shape[1]
        if not bool((counts == expected).all()):
            raise ValueError(
                f"each prompt needs exactly {expected} action-token positions (id {self.config.action_token_id}), "
                f"got {counts.tolist()}: build inputs with SugarProcessor"
            )
        embeds = self.llm.get_input_embeddings()(input_ids.masked_fill(placeholder, 0))
        embeds = embeds.masked_scatter(placeholder.unsqueeze(-1), skeleton_tokens)
        return embeds, skeleton_tokens

    def forward(
        self,
        skeleton_values: torch.Tensor | None = None,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        position_ids: torch.Tensor | None = None,
        use_cache: bool = False,
        share_prefix: bool = True,
        encoder_tokens: torch.Tensor | None = None,
        **kwargs: Any,
    ) -> SugarCausalLMOutput:
        """
        Args:
            skeleton_values (`torch.FloatTensor` of shape `(batch, persons, frames, joints, channels)`).
            encoder_tokens (`torch.FloatTensor` of shape `(batch, tokens, encoder_hidden)`, optional): the frozen
                encoder's output computed beforehand (an encoder-token cache); replaces `skeleton_values`.
            input_ids (`torch.LongTensor` of shape `(batch, sequence)`): prompt (+ answer) with
                `num_action_tokens` positions equal to `config.action_token_id`.
            attention_mask (`torch.LongTensor` of shape `(batch, sequence)`).
            labels (`torch.LongTensor` of shape `(batch, sequence)`): answer token ids, -100 elsewhere; the
                loss covers the answer tokens only.
            share_prefix (`bool`): when all rows begin with the same text tokens (the instruction before the
                skeleton tokens, and the whole candidate list with a candidates-first template), run that prefix
                once for the batch instead of once per row. Same result; off with gradient checkpointing.
            logits_to_keep (`int`, via kwargs): compute logits for the last N positions only (0: all). The loss
                is then taken over those positions, so keep every answer token and the one before it.
        """
        if input_ids is None:
            raise ValueError("input_ids are required (build them with SugarProcessor)")
        embeds, skeleton_tokens = self.embed_inputs(skeleton_values, input_ids, encoder_tokens)
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        if position_ids is None:
            position_ids = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)
        logits_to_keep = kwargs.pop("logits_to_keep", 0)
        shared = 0
        if share_prefix and isinstance(logits_to_keep, int) and "cache" not in kwargs:
            shared = self.shared_prefix_length(input_ids, attention_mask)
        if shared:
            logits, cache_out = self._forward_shared_prefix(
                embeds, attention_mask, position_ids, shared, logits_to_keep, use_cache, **kwargs
            )
        else:
            out = self.llm(
                inputs_embeds=embeds, attention_mask=attention_mask, position_ids=position_ids,
                use_cache=use_cache, logits_to_keep=logits_to_keep, **kwargs,
            )  # fmt: skip
            logits, cache_out = out.logits, out.cache
        loss = causal_lm_loss(logits, labels) if labels is not None else None
        return SugarCausalLMOutput(loss=loss, logits=logits, cache=cache_out, skeleton_tokens=skeleton_tokens)

    def _forward_shared_prefix(
        self,
        embeds: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        shared: int,
        logits_to_keep: int,
        use_cache: bool,
        **kwargs: Any,
    ) -> tuple[torch.Tensor, Any]:
        """Every row starts with the same ``shared`` text positions (system prompt, instruction, candidate list):
        run them once and give each row that KV cache; gradients flow back through the repeated cache. Returns
        the logits (as the unshared forward would) and the cache when ``use_cache``."""
        batch, rest = embeds.shape[0], embeds.shape[1] - shared
        need = shared if not logits_to_keep else max(logits_to_keep - rest, 0)  # prefix logits wanted
        # No prefix logits wanted (ranking, the answer-only training loss): the decoder alone, no LM head.
        run = partial(self.llm, logits_to_keep=need) if need else self.llm.get_decoder()
        prefix = run(
            inputs_embeds=embeds[:1, :shared], position_ids=position_ids[:1, :shared], use_cache=True, **kwargs
        )
        cache = prefix.cache
        cache.batch_repeat_interleave(batch)
        out = self.llm(
            inputs_embeds=embeds[:, shared:], attention_mask=attention_mask, position_ids=position_ids[:, shared:],
            cache=cache, use_cache=True, logits_to_keep=min(logits_to_keep, rest), **kwargs,
        )  # fmt: skip
        logits = out.logits
        if need:
            logits = torch.cat([prefix.logits[:, -need:].expand(batch, -1, -1), logits], dim=1)
        return logits, out.cache if use_cache else None

    def shared_prefix_length(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> int:
        """Leading columns identical in every row (text tokens, no padding), or 0 when sharing would not pay."""
        if input_ids.shape[0] < 2 or (
            self.training and getattr(self.llm, "is_activation_checkpointing", False)
        ):
            return 0
        same = (
            (input_ids == input_ids[:1]).all(0)
            & attention_mask.bool().all(0)
            & (input_ids[0] != self.config.action_token_id)
        )
        length = int(same.long().cumprod(0).sum())
        length = min(length, input_ids.shape[1] - 1)  # keep at least one position per row
        return length if length >= MIN_SHARED_PREFIX else 0

    # -- generation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def generate(
        self,
        skeleton_values: torch.Tensor,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        **generate_kwargs: Any,
    ) -> torch.LongTensor:
        """Greedy (or any ``generate_kwargs``) decoding of the answer; returns only the new token ids.

        ``pad_token_id`` defaults to the LLM's generation config (:func:`sugar_hf.inference.answer` passes the
        processor's). Use :meth:`SugarProcessor.decode_answers` (or :func:`sugar_hf.inference.answer`) to get
        the action names and descriptions.
        """
        embeds, _ = self.embed_inputs(skeleton_values, input_ids)
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        generate_kwargs.setdefault("max_new_tokens", 48)
        generate_kwargs.setdefault("do_sample", False)
        if self.llm.generation_config.pad_token_id is not None:
            generate_kwargs.setdefault("pad_token_id", self.llm.generation_config.pad_token_id)
        return self.llm.generate(inputs_embeds=embeds, attention_mask=attention_mask, **generate_kwargs)

    # -- ranking ------------------------------------------------------------------------------------------
    def _prefix(
        self, inputs: dict[str, torch.Tensor]
    ) -> tuple[Any, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Run the shared prefix once: cache, last-position log-probs, real-token counts, attention mask."""
        mask = inputs["attention_mask"]
        out = self.forward(
            skeleton_values=inputs["skeleton_values"], input_ids=inputs["input_ids"], attention_mask=mask,
            use_cache=True, logits_to_keep=1, encoder_tokens=inputs.get("encoder_tokens"),
        )  # fmt: skip
        return out.cache, out.logits[:, -1].float().log_softmax(-1), mask.long().sum(-1), mask

    @torch.no_grad()
    def score_candidates(
        self,
        skeleton_values: torch.Tensor,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        candidate_ids: Sequence[Sequence[int]],
        encoder_tokens: torch.Tensor | None = None,
        scoring: str | None = None,
    ) -> torch.Tensor:
        """Log-likelihood ``(batch, num_candidates)`` of each candidate answer: summed over its tokens
        (``scoring="sum"``) or per token (``"mean"``); default ``config.candidate_scoring``.

        ``encoder_tokens`` (precomputed encoder output, e.g. an encoder-token cache) replaces ``skeleton_values``.

        The prompt (skeleton tokens + instruction; left-padded) runs once and its KV cache is shared by every
        candidate: all candidates are packed into one block behind the prefix with a tree-shaped attention
        mask (each candidate sees the prefix and its own earlier tokens), so ranking C names costs one prefix
        pass plus one pass over the candidates' distinct token paths (a trie: shared starts run once).
        """
        inputs = {
            "skeleton_values": skeleton_values,
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "encoder_tokens": encoder_tokens,
        }
        cache, first_logprobs, lengths, prefix_mask = self._prefix(inputs)
        lens = [len(c) for c in candidate_ids]
        if min(lens) < 1:
            raise ValueError("every candidate must tokenize to at least one token")
        first = torch.tensor([c[0] for c in candidate_ids], device=input_ids.device)
        totals = first_logprobs[:, first]  # (B, C): log p(first token | prefix)
        trie = CandidateTrie(candidate_ids)
        if trie.node_tokens:
            owners = torch.tensor(trie.gather_owner, device=input_ids.device)
            totals = totals.index_add(1, owners, self._score_trie(trie, cache, lengths, prefix_mask))
        scoring = scoring or getattr(self.config, "candidate_scoring", "sum")
        if scoring == "sum":
            return totals
        if scoring == "mean":
            return totals / torch.tensor(lens, device=input_ids.device, dtype=totals.dtype)
        raise ValueError(f"scoring must be 'sum' or 'mean', got {scoring!r}")

    def _score_trie(
        self, trie: CandidateTrie, cache: Any, lengths: torch.Tensor, prefix_mask: torch.Tensor
    ) -> torch.Tensor:
        """Log-probs ``(batch, candidate positions)`` of every candidate token after the first, from one pass of
        the trie's nodes behind the cached prefix (tree attention: each node sees the prefix and its ancestors)."""
        device = prefix_mask.device
        (batch, prefix_len), size = prefix_mask.shape, len(trie.node_tokens)
        dtype = self.llm.get_input_embeddings().weight.dtype
        visible = torch.cat(
            [prefix_mask.bool()[:, None, :].expand(batch, size, prefix_len),
             trie.ancestors().to(device)[None].expand(batch, size, size)], dim=-1,
        )  # fmt: skip
        mask4d = torch.zeros(batch, 1, size, prefix_len + size, dtype=dtype, device=device)
        mask4d.masked_fill_(~visible[:, None], torch.finfo(dtype).min)
        position_ids = lengths[:, None] + torch.tensor(trie.node_depth, device=device)[None, :]
        hidden = self.llm.get_decoder()(
            input_ids=torch.tensor(trie.node_tokens, device=device)[None].expand(batch, size),
            attention_mask=mask4d,
            position_ids=position_ids,
            cache=cache,
            use_cache=True,
        ).last_hidden_state
        # Each (candidate, position) reads the log-prob of its next token at the node of its path so far: the LM
        # head runs on the flattened nodes (a plain matrix product) and only the log-normaliser and the wanted
        # logits are kept, never a full log-softmax over the vocabulary.
        nodes = torch.tensor(trie.gather_node, device=device)
        targets = torch.tensor(trie.gather_target, device=device)
        logits = self.llm.get_output_embeddings()(hidden.reshape(batch * size, -1)).view(batch, size, -1)
        normaliser = logits.float().logsumexp(-1)  # (B, nodes)
        return logits[:, nodes, targets].float() - normaliser[:, nodes]


class CandidateTrie:
    """A trie of all candidate tokens except each one's last (whose successor is not scored): candidates that
    share a start ("right hand ...") share its nodes, so each distinct prefix path runs once.

    ``node_tokens`` / ``node_depth`` / ``parents`` describe the nodes; ``gather_node`` / ``gather_target`` /
    ``gather_owner`` list, per scored candidate position, the node it reads, the token it scores and its
    candidate.
    """

    def __init__(self, candidate_ids: Sequence[Sequence[int]]) -> None:
        node_of: dict[tuple[int, ...], int] = {}
        self.node_tokens: list[int] = []
        self.node_depth: list[int] = []
        self.parents: list[int] = []
        self.gather_node: list[int] = []
        self.gather_target: list[int] = []
        self.gather_owner: list[int] = []
        for i, cand in enumerate(candidate_ids):
            for k in range(len(cand) - 1):
                path = tuple(cand[: k + 1])
                if path not in node_of:
                    node_of[path] = len(self.node_tokens)
                    self.node_tokens.append(cand[k])
                    self.node_depth.append(k)
                    self.parents.append(node_of[path[:-1]] if k else -1)
                self.gather_node.append(node_of[path])
                self.gather_target.append(cand[k + 1])
                self.gather_owner.append(i)

    def ancestors(self) -> torch.Tensor:
        """``(nodes, nodes)`` bool: node n sees itself and every ancestor."""
        ancestors = torch.eye(len(self.node_tokens), dtype=torch.bool)
        for n, parent in enumerate(self.parents):
            if parent >= 0:
                ancestors[n] |= ancestors[parent]
        return ancestors


__all__ = [
    "SugarCausalLMOutput",
    "SugarEncoderOutput",
    "SugarForActionRecognition",
    "SugarPreTrainedModel",
    "SugarSkeletonEncoder",
    "SugarSkeletonTextModel",
    "SugarSkeletonTextOutput",
    "answer_logits_to_keep",
    "causal_lm_loss",
    "mil_nce_loss",
    "masked_mean_pool",
]
