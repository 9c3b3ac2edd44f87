"""Configuration of SUGAR: skeleton encoder, temporal query projection, LLM, LoRA and prompt.

The defaults reproduce the paper (arXiv 2511.10091): a CTR-GCN joint-stream encoder as published, a TQP of
4 segments x 32 queries = 128 LLM tokens, LLaMA-2-7B tuned with LoRA r=64, alpha=16, and the paper's
instruction. Nothing here downloads anything: names of pretrained models are only stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from transformers import AutoConfig, Blip2QFormerConfig, CLIPTextConfig, LlamaConfig, PretrainedConfig

from .skeleton_layouts import get_layout

ACTION_PLACEHOLDER = "<action>"
"""Marks where the skeleton tokens go in the instruction (as ``<image>`` does for LLaVA)."""

DEFAULT_INSTRUCTION = (
    "Given a sequence of action tokens <action>, please choose the most compatible action from: "
    "[{candidates}], and describe the action."
)
"""The paper's instruction. ``{candidates}`` is filled with the comma-separated candidate names."""

CANDIDATES_FIRST_INSTRUCTION = (
    "Choose the most compatible action from: [{candidates}]. Given a sequence of action tokens <action>, "
    "answer with that action and describe it."
)
"""The paper's instruction reordered so the candidate list comes before the skeleton tokens: every sample of a
batch then shares the whole prompt up to the skeleton, which the model runs once per batch (a 2-5x cheaper
step when the candidate list is long, e.g. 120 NTU names). Used by the CPU benchmarks; the default stays the
paper's wording."""

STAGE1_OBJECTIVES = ("mil_nce", "mil_nce+ce")
"""Stage-1 losses: the paper's MIL-NCE alone, or GAP's cross-entropy FC head plus the text loss."""

PROJECTOR_TYPES = ("tqp", "qformer", "linear", "cross_attention")
TOKEN_LAYOUTS = ("frame", "frame_joint")
SKELETON_STREAMS = ("joint", "bone", "motion", "bone_motion")
"""Input modalities of CTR-GCN: joint positions, bones (joint minus parent), and their frame differences."""


_INSTALLED = __name__.partition(".")[0] == "sugar_hf"
"""True for the installed package's module, False for a checkpoint's remote-code copy (``transformers_modules``)."""


def check_candidates(candidates: Any) -> list[str]:
    """A candidate list as the model ranks it: a list (or tuple) of distinct, non-blank names.

    The rules are strict because every other reading would silently rank something else:

    * a plain string is refused (``TypeError``): ``"wave hand,clap hands"`` is never split on commas nor read
      as one name each character; pass ``["wave hand", "clap hands"]``;
    * an empty list is refused (``ValueError``): pass ``None`` for the model's own class names;
    * a blank name (``""``, whitespace) or a non-string item is refused;
    * duplicates are refused (names compared after stripping spaces, as answers are): a repeated name would
      come back twice and split its probability.
    """
    if isinstance(candidates, (str, bytes)):
        raise TypeError(
            f"candidates must be a list of names, got the string {candidates!r}; pass "
            f"{[c.strip() for c in str(candidates).split(',')]!r} for several names or [{candidates!r}] for one"
        )
    if not isinstance(candidates, Sequence) and not hasattr(candidates, "__iter__"):
        raise TypeError(f"candidates must be a list of names, got {type(candidates).__name__}")
    names = list(candidates)
    if not names:
        raise ValueError("the candidate list is empty; pass None to rank the model's own class names")
    seen: dict[str, int] = {}
    duplicates = []
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise TypeError(f"candidate {i} is a {type(name).__name__} ({name!r}); every candidate must be a str")
        key = name.strip()
        if not key:
            raise ValueError(f"candidate {i} is blank ({name!r}); every candidate needs a name")
        if key in seen and key not in duplicates:
            duplicates.append(key)
        seen.setdefault(key, i)
    if duplicates:
        raise ValueError(f"duplicate candidates {duplicates}: list each name once")
    return names


def _is_placeholder_labels(id2label: Mapping | None) -> bool:
    return bool(id2label) and all(str(v) == f"LABEL_{k}" for k, v in id2label.items())


class _NoPlaceholderLabels:
    """Sub-configs that are not classifiers store no ``LABEL_0``/``LABEL_1`` placeholders (transformers' default
    two labels); real labels (the model's class names) are kept."""

    def to_dict(self) -> dict[str, Any]:
        output = super().to_dict()
        if _is_placeholder_labels(output.get("id2label")):
            output.pop("id2label", None)
            output.pop("label2id", None)
        return output


def _as_config(value: Any, default: PretrainedConfig | None = None) -> PretrainedConfig | None:
    """Accept a config object, a dict with a ``model_type`` (any architecture), or None."""
    if value is None:
        return default
    if isinstance(value, PretrainedConfig):
        return value
    if isinstance(value, Mapping):
        data = dict(value)
        model_type = data.pop("model_type", None)
        if model_type is None:
            raise ValueError(
                "a nested config dict needs a 'model_type' key, e.g. {'model_type': 'llama', ...}"
            )
        return AutoConfig.for_model(model_type, **data)
    raise TypeError(f"expected a PretrainedConfig, a dict or None, got {type(value).__name__}")


class SugarEncoderConfig(_NoPlaceholderLabels, PretrainedConfig):
    """CTR-GCN skeleton encoder.

    Args:
        layout: A preset layout name (``"ntu25"``, ``"kinect_v1_20"``, ``"utd_mhad20"``, ``"toyota13"``,
            ``"coco17"``) or a layout dict (``SkeletonLayout.to_dict()``) for any user-defined edge list.
        in_channels: Coordinates per joint (3 for xyz, 2 for image keypoints).
        num_persons: Bodies per sample (M); the encoder averages over them.
        num_frames: Frames the processor resamples every clip to (T).
        base_channels: Width of the first unit; units are ``base x (1,1,1,1,2,2,2,4,4,4)``.
        channel_multipliers / temporal_strides: Per-unit width factor and temporal stride (10 units in CTR-GCN,
            stride 2 at units 5 and 8).
        token_layout: ``"frame"`` gives one token per output frame (joints averaged); ``"frame_joint"`` one per
            output frame and joint, the full spatio-temporal map the paper keeps.
        adaptive: Learn the shared topology A (CTR-GCN's ``adaptive=True``).
        drop_out: Dropout before the pooled output.
        stream: The input modality the encoder was trained on, applied by every preprocessing path (the
            dataset view, the processor): ``"joint"`` (positions), ``"bone"`` (each joint minus its parent),
            ``"motion"`` (frame differences of the joints) or ``"bone_motion"`` (frame differences of bones).
        center: Translate each clip so the layout's centre joint of the first body, first valid frame, is the
            origin (CTR-GCN's NTU preprocessing).
        test_crop_ratio: At evaluation and inference, the centred fraction of the valid frames kept before
            resizing to ``num_frames`` (CTR-GCN's 0.95; 1.0 keeps every frame); ``0 < ratio <= 1``.
        align_view: Rotate each clip to a canonical view (first-frame spine onto +z, shoulders onto +x) after
            centring.
        coordinate_channels: How many leading input channels are positions; ``None`` means the first three
            (x, y for 2-D data). The channels after them (keypoint confidence of a pose estimator: ``2`` for
            COCO x, y, score) are never centred, rotated or differenced as positions.

    The last five are preprocessing, not architecture: they are saved with the checkpoint so that
    :class:`~sugar_hf.skeleton.pipeline.SkeletonPipeline` feeds inference exactly what training saw. Configs
    saved before they existed load with these defaults (joints, centred, 0.95 crop, no view alignment).
    """

    model_type = "sugar_encoder"
    base_config_key = "encoder_config"

    def __init__(
        self,
        layout: str | Mapping = "ntu25",
        in_channels: int = 3,
        num_persons: int = 2,
        num_frames: int = 64,
        base_channels: int = 64,
        channel_multipliers: Sequence[int] = (1, 1, 1, 1, 2, 2, 2, 4, 4, 4),
        temporal_strides: Sequence[int] = (1, 1, 1, 1, 2, 1, 1, 2, 1, 1),
        token_layout: str = "frame_joint",
        adaptive: bool = True,
        drop_out: float = 0.0,
        stream: str = "joint",
        center: bool = True,
        test_crop_ratio: float = 0.95,
        align_view: bool = False,
        coordinate_channels: int | None = None,
        **kwargs: Any,
    ) -> None:
        if coordinate_channels is not None and int(coordinate_channels) < 1:
            raise ValueError(f"coordinate_channels must be positive or None, got {coordinate_channels!r}")
        if stream not in SKELETON_STREAMS:
            raise ValueError(f"stream must be one of {SKELETON_STREAMS}, got {stream!r}")
        if not 0 < test_crop_ratio <= 1:
            raise ValueError(f"test_crop_ratio must be in (0, 1], got {test_crop_ratio!r}")
        if token_layout not in TOKEN_LAYOUTS:
            raise ValueError(f"token_layout must be one of {TOKEN_LAYOUTS}, got {token_layout!r}")
        if len(channel_multipliers) != len(temporal_strides):
            raise ValueError("channel_multipliers and temporal_strides must have one entry per unit")
        get_layout(layout)  # validate early: a bad layout name fails here, not deep in the model
        self.layout = dict(layout) if isinstance(layout, Mapping) else layout
        self.in_channels = in_channels
        self.num_persons = num_persons
        self.num_frames = num_frames
        self.base_channels = base_channels
        self.channel_multipliers = list(channel_multipliers)
        self.temporal_strides = list(temporal_strides)
        self.token_layout = token_layout
        self.adaptive = adaptive
        self.drop_out = drop_out
        self.stream = stream
        self.center = bool(center)
        self.test_crop_ratio = float(test_crop_ratio)
        self.align_view = bool(align_view)
        self.coordinate_channels = None if coordinate_channels is None else int(coordinate_channels)
        super().__init__(**kwargs)

    @property
    def num_joints(self) -> int:
        return get_layout(self.layout).num_joints

    @property
    def hidden_size(self) -> int:
        """Channels of the last unit: the width of every encoder token."""
        return self.base_channels * self.channel_multipliers[-1]

    @property
    def num_output_frames(self) -> int:
        frames = self.num_frames
        for stride in self.temporal_strides:
            frames = (frames - 1) // stride + 1
        return frames


class SugarProjectorConfig(_NoPlaceholderLabels, PretrainedConfig):
    """The bridge from encoder tokens to LLM tokens.

    Args:
        projector_type: ``"tqp"`` (the paper: one shared Q-Former chained over ``num_segments`` temporal
            segments, each segment's output the next one's queries), ``"qformer"`` (one Q-Former, independent
            queries over the whole sequence), ``"linear"`` (temporal pooling to the token count, then a linear
            map) or ``"cross_attention"`` (learnable queries, one cross-attention layer).
        num_segments: TQP segments (k in the paper).
        num_queries: Queries per TQP segment; other projectors emit ``num_segments x num_queries`` tokens
            so every ablation feeds the LLM the same number of tokens.
        qformer_config: Size of the Q-Former (``Blip2QFormerConfig``); its ``encoder_hidden_size`` is set to
            the encoder width by :class:`SugarConfig`.
        output_norm: RMS-normalise the projected tokens, with a learnable gain that starts at the LLM's
            word-embedding scale (not in the paper, off by default). Without it the projector's tokens drift
            far above the scale of word embeddings (measured 12x on UTD-MHAD).
        input_norm: Layer-normalise the encoder tokens before the projector reads them, as BLIP-2 normalises
            its vision features before the Q-Former (not stated in the paper; off here, on in the recipe).
            CTR-GCN tokens are post-ReLU (about half exact zeros) and unnormalised.
        input_positions: Add learnable temporal (per output frame) and joint (per token of a frame)
            embeddings to the encoder tokens, so the projector knows where and when each token is (not in
            the paper; off here, on in the recipe). ``max_frames`` bounds the temporal table.
    """

    model_type = "sugar_projector"
    base_config_key = "projector_config"
    sub_configs = {"qformer_config": Blip2QFormerConfig}

    def __init__(
        self,
        projector_type: str = "tqp",
        num_segments: int = 4,
        num_queries: int = 32,
        qformer_config: Blip2QFormerConfig | Mapping | None = None,
        output_norm: bool = False,
        input_norm: bool = False,
        input_positions: bool = False,
        max_frames: int = 64,
        **kwargs: Any,
    ) -> None:
        if projector_type not in PROJECTOR_TYPES:
            raise ValueError(f"projector_type must be one of {PROJECTOR_TYPES}, got {projector_type!r}")
        if num_segments < 1 or num_queries < 1:
            raise ValueError("num_segments and num_queries must be positive")
        self.projector_type = projector_type
        self.num_segments = num_segments
        self.num_queries = num_queries
        self.output_norm = output_norm
        self.input_norm = input_norm
        self.input_positions = input_positions
        self.max_frames = max_frames
        if isinstance(qformer_config, Mapping):
            qformer_config = Blip2QFormerConfig(
                **{k: v for k, v in qformer_config.items() if k != "model_type"}
            )
        # A compact BLIP-2-width Q-Former: the paper does not give its depth; 2 layers with cross-attention in
        # each keep the projector small next to the 7B LLM.
        self.qformer_config = qformer_config or Blip2QFormerConfig(
            hidden_size=768,
            num_hidden_layers=2,
            num_attention_heads=12,
            intermediate_size=3072,
            cross_attention_frequency=1,
            encoder_hidden_size=256,
        )
        super().__init__(**kwargs)

    @property
    def num_output_tokens(self) -> int:
        return self.num_segments * self.num_queries


DEFAULT_LORA_TARGET_MODULES = ("q_proj", "v_proj")
"""The LLM modules that get LoRA by default: the attention query and value projections (what every training run
and the embedded default use)."""

DEFAULT_LORA = {
    "r": 64,
    "lora_alpha": 16,
    "lora_dropout": 0.05,
    "target_modules": list(DEFAULT_LORA_TARGET_MODULES),
}
"""The paper's LoRA (r=64, alpha=16, dropout 0.05) on :data:`DEFAULT_LORA_TARGET_MODULES`: the one default that
:class:`SugarConfig`, :func:`sugar_hf.embedded.embedded_config` and the training arguments read."""


class SugarConfig(PretrainedConfig):
    """Configuration of :class:`SugarForActionRecognition` and :class:`SugarSkeletonTextModel`.

    Args:
        encoder_config: :class:`SugarEncoderConfig` or its dict.
        projector_config: :class:`SugarProjectorConfig` or its dict.
        llm_config: Any causal-LM config (or a dict with ``model_type``). Defaults to LLaMA-2-7B's shape.
        llm_name_or_path: Hub id or local folder of the base LLM's pretrained weights. When set, the LLM
            weights come from there (the checkpoint stores only LoRA, as a PEFT adapter repo does); when None
            the LLM is built from ``llm_config`` (random, for tests) or read from the checkpoint.
        lora_config: ``r``, ``lora_alpha``, ``lora_dropout``, ``target_modules`` (a list or ``"all-linear"``);
            None is :data:`DEFAULT_LORA`, an empty dict trains no LoRA (the LLM stays frozen).
        text_config / text_name_or_path: Stage-1 text encoder (CLIP text tower in the paper; any
            ``AutoModel`` text model with masked mean pooling works).
        contrastive_dim: Width of the shared skeleton-text space in stage 1 (defaults to the text width).
        learn_text_projection: Stage 1: a trainable linear map on the (frozen) text embeddings, starting at the
            identity when ``contrastive_dim`` is unset, so similar class texts can move apart (not in the paper).
        stage1_objective: ``"mil_nce"`` (the paper: the text loss alone) or ``"mil_nce+ce"`` (GAP, Xiang et al.
            ICCV 2023: a cross-entropy FC head on the pooled encoder features trained jointly with the text loss,
            ``ce_loss_weight * CE + text_loss_weight * MIL-NCE``; the head is kept in the stage-1 checkpoint).
        ce_loss_weight / text_loss_weight: The two terms' weights under ``"mil_nce+ce"`` (GAP: 1 and 0.8).
        text_gradient_scale: Under ``"mil_nce+ce"``, the factor on the text loss's gradient into the encoder (the
            text head itself always gets the full gradient): 1 trains the encoder on both terms (GAP), 0 leaves
            the encoder to the cross-entropy alone, values between damp the text term's pull on the encoder
            features (not in the paper; measured in the README's issue-22 analysis).
        instruction_template: Prompt with one ``<action>`` placeholder and a ``{candidates}`` field.
        class_names: The action classes the model was trained on (the default candidate list). They also set
            ``id2label`` / ``label2id`` (here and in ``encoder_config``), kept in step when the list is edited.
        action_token_id: Id marking skeleton-token positions in ``input_ids``; negative so it never collides
            with a real vocabulary entry and the LLM's embedding matrix needs no resize.
        use_chat_template: Wrap the instruction in the tokenizer's chat template when it has one.
        candidate_scoring: How ``classify`` scores a candidate name: ``"sum"`` (its summed log-likelihood) or
            ``"mean"`` (per token). Measured on UTD-MHAD with the stage-2 recipe: sum 77.4 % vs mean 76.0 % top-1;
            the frozen LLM reading name-token sequences: 59.3 % vs 22.2 %.
        knowledge_prior: Stage 2: keep stage 1's skeleton-text head (its projection, logit scale and the class-text
            prototypes of ``prior_class_names``) in the model, so ranking can fuse the LLM's log-likelihood of
            each candidate with the stage-1 similarity of the clip to that candidate's class texts (not in the
            paper; see ``prior_weight``).
        prior_weight: The fused ranking's weight of the knowledge prior: ``log_softmax(LLM summed log-likelihood)
            + prior_weight * log_softmax(stage-1 similarity)`` over the candidates; chosen on the training
            split by the training run. 0 ranks by the LLM alone.
        prior_class_names: The names the prior has class-text prototypes for (the corpus's described classes,
            unseen zero-shot classes included); a candidate list with another name is ranked by the LLM alone.
        prior_text_counts: How many texts (motion + visual descriptions) the prior holds for each of
            ``prior_class_names``; its class score is the MIL-NCE bag score over them.
        prior_classifier_names: The classes of stage 1's cross-entropy head (``mil_nce+ce``) that the prior also
            carries, in the head's order (only the classes it was trained on); empty: no head in the prior.
        trained_class_names: Stage 1 (``mil_nce+ce``): the classes its FC head was trained on (a zero-shot run
            hides the unseen ones), recorded so stage 2's prior keeps only those rows of the head.
        prior_use_classifier: The prior scores a candidate list of ``prior_classifier_names`` only by
            ``log_softmax(bag score) + log_softmax(FC logits)`` (stage 1's two heads as a product of experts)
            instead of the bag score alone; any other list keeps the bag score (the head knows no other class).
        answer_description: Stage 2: the answer the LLM was trained to generate: ``True`` "<action>. <description>",
            ``False`` the name alone ("<action>."); ``None`` when not recorded (checkpoints saved before it was).
            Training records it; the model card describes the answers by it.
        save_full_llm: Write the LLM base weights into checkpoints too (offline use) instead of naming them.
        freeze_encoder: Keep the skeleton encoder frozen (and its batch-norm in eval mode), as in stage 2.
    """

    model_type = "sugar"
    sub_configs = {
        "encoder_config": SugarEncoderConfig,
        "projector_config": SugarProjectorConfig,
        "llm_config": AutoConfig,
        "text_config": AutoConfig,
    }

    def __init__(
        self,
        encoder_config: SugarEncoderConfig | Mapping | None = None,
        projector_config: SugarProjectorConfig | Mapping | None = None,
        llm_config: PretrainedConfig | Mapping | None = None,
        llm_name_or_path: str | None = "meta-llama/Llama-2-7b-hf",
        lora_config: Mapping | None = None,
        text_config: PretrainedConfig | Mapping | None = None,
        text_name_or_path: str | None = "openai/clip-vit-base-patch32",
        contrastive_dim: int | None = None,
        learn_text_projection: bool = False,
        stage1_objective: str = "mil_nce",
        ce_loss_weight: float = 1.0,
        text_loss_weight: float = 0.8,
        text_gradient_scale: float = 1.0,
        instruction_template: str = DEFAULT_INSTRUCTION,
        class_names: Sequence[str] | None = None,
        action_token_id: int = -200,
        use_chat_template: bool = True,
        candidate_scoring: str = "sum",
        knowledge_prior: bool = False,
        prior_weight: float = 0.0,
        prior_class_names: Sequence[str] | None = None,
        prior_text_counts: Sequence[int] | None = None,
        prior_classifier_names: Sequence[str] | None = None,
        prior_use_classifier: bool = False,
        trained_class_names: Sequence[str] | None = None,
        answer_description: bool | None = None,
        save_full_llm: bool = False,
        freeze_encoder: bool = True,
        **kwargs: Any,
    ) -> None:
        if isinstance(encoder_config, Mapping):
            encoder_config = SugarEncoderConfig(
                **{k: v for k, v in encoder_config.items() if k != "model_type"}
            )
        if isinstance(projector_config, Mapping):
            projector_config = SugarProjectorConfig(
                **{k: v for k, v in projector_config.items() if k != "model_type"}
            )
        self.encoder_config = encoder_config or SugarEncoderConfig()
        self.projector_config = projector_config or SugarProjectorConfig()
        self.sync_encoder_width()
        self.llm_config = _as_config(llm_config, LlamaConfig())  # LlamaConfig() is LLaMA-2-7B's shape
        self.llm_name_or_path = llm_name_or_path
        # None means the paper's LoRA; an empty dict means no LoRA at all (the LLM stays untouched).
        self.lora_config = {**DEFAULT_LORA, "target_modules": list(DEFAULT_LORA_TARGET_MODULES)} \
            if lora_config is None else dict(lora_config)  # fmt: skip
        self.text_config = _as_config(text_config, CLIPTextConfig())
        self.text_name_or_path = text_name_or_path
        self.contrastive_dim = contrastive_dim
        self.learn_text_projection = learn_text_projection
        if stage1_objective not in STAGE1_OBJECTIVES:
            raise ValueError(f"stage1_objective must be one of {STAGE1_OBJECTIVES}, got {stage1_objective!r}")
        self.stage1_objective = stage1_objective
        self.ce_loss_weight = float(ce_loss_weight)
        self.text_loss_weight = float(text_loss_weight)
        if not 0.0 <= float(text_gradient_scale) <= 1.0:
            raise ValueError(f"text_gradient_scale must be in [0, 1], got {text_gradient_scale!r}")
        self.text_gradient_scale = float(text_gradient_scale)
        if instruction_template.count(ACTION_PLACEHOLDER) != 1:
            raise ValueError(
                f"instruction_template must contain exactly one {ACTION_PLACEHOLDER} placeholder"
            )
        self.instruction_template = instruction_template
        self.class_names = list(class_names) if class_names is not None else []
        if action_token_id >= 0:
            raise ValueError("action_token_id must be negative (it is never looked up in the vocabulary)")
        self.action_token_id = action_token_id
        self.use_chat_template = use_chat_template
        if candidate_scoring not in ("sum", "mean"):
            raise ValueError(f"candidate_scoring must be 'sum' or 'mean', got {candidate_scoring!r}")
        self.candidate_scoring = candidate_scoring
        self.knowledge_prior = bool(knowledge_prior)
        if prior_weight < 0:
            raise ValueError(f"prior_weight must be >= 0, got {prior_weight}")
        self.prior_weight = float(prior_weight)
        self.prior_class_names = list(prior_class_names) if prior_class_names is not None else []
        self.prior_text_counts = list(prior_text_counts) if prior_text_counts is not None else []
        self.prior_classifier_names = list(prior_classifier_names) if prior_classifier_names is not None else []
        self.prior_use_classifier = bool(prior_use_classifier)
        self.trained_class_names = list(trained_class_names) if trained_class_names is not None else []
        self.answer_description = None if answer_description is None else bool(answer_description)
        self.save_full_llm = save_full_llm
        self.freeze_encoder = freeze_encoder
        # `custom_pipelines` points remote-code loads at the checkpoint's copy of the pipeline; the installed
        # package serves the task from its own registration (as AutoModel prefers registered classes), so its
        # config does not expose it and `pipeline(task, model=folder)` needs no trust_remote_code.
        custom_pipelines = kwargs.pop("custom_pipelines", None)
        if custom_pipelines and not _INSTALLED:
            kwargs["custom_pipelines"] = custom_pipelines
        super().__init__(**kwargs)
        self._sync_labels()

    def _sync_labels(self) -> None:
        """``id2label`` / ``label2id`` of this config and its encoder config from ``class_names``."""
        names = list(getattr(self, "class_names", None) or [])
        if not names:
            return
        id2label = dict(enumerate(names))
        label2id = {name: i for i, name in id2label.items()}
        for config in (self, self.encoder_config):
            if config.id2label != id2label or config.label2id != label2id:
                config.id2label, config.label2id = dict(id2label), dict(label2id)

    def sync_encoder_width(self) -> None:
        """Set the Q-Former's ``encoder_hidden_size`` to the encoder's width (the one place this rule lives): run
        at construction, when saving, and by the model it builds, so an edited ``encoder_config`` is followed."""
        self.projector_config.qformer_config.encoder_hidden_size = self.encoder_config.hidden_size

    def to_dict(self) -> dict[str, Any]:
        self._sync_labels()  # class_names may have been edited since construction
        self.sync_encoder_width()  # and encoder_config too
        return super().to_dict()

    @property
    def num_action_tokens(self) -> int:
        return self.projector_config.num_output_tokens
