"""What differs between stage 1, stage 2 and the baseline: the model, the batch, the loss and the ranking.

Each task builds its model from the arguments and exposes ``loss(model, batch, step)``,
``rank(model, batch, k)`` (class ids best first, for the metrics), ``collate`` and ``save(model, folder)``.
The shared loop in :mod:`sugar_hf.training.loop` does the rest.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence

import torch
from transformers import AutoTokenizer

from ..configuration_sugar import (
    CANDIDATES_FIRST_INSTRUCTION,
    DEFAULT_INSTRUCTION,
    SugarConfig,
    SugarEncoderConfig,
)
from ..data.collator import SkeletonCollator, SugarCollator
from ..inference import fuse_scores, pick_scoring, rank_baseline, rank_stage1, score_stage2, top_ids
from ..modeling_baseline import SugarBaselineConfig, SugarForSkeletonClassification
from ..modeling_sugar import SugarForActionRecognition, SugarSkeletonTextModel, answer_logits_to_keep
from ..pretrained_bases import resolve_pretrained_name
from ..processing_sugar import SugarProcessor
from .arguments import DataArguments, ModelArguments, SugarTrainingArguments
from .data import build_text_bank, class_texts, dataset_format, short_descriptions
from .token_cache import CachedSugarCollator

logger = logging.getLogger(__name__)


ENCODER_ARCHITECTURE = ("layout", "in_channels", "num_persons", "base_channels", "channel_multipliers",
                        "temporal_strides")  # fmt: skip
"""Encoder fields a stage-2 run takes from its ``--init_from`` folder (the weights only fit that shape)."""


def data_encoder_fields(data_args: DataArguments, layout) -> dict:
    """Layout and channel count the encoder must take for the run's dataset: the recorded layout (a preset name
    or a custom layout dict), ``--in_channels`` or every channel of the dataset's skeleton feature, and the
    recorded ``coordinate_channels`` when channels beyond the positions are kept (keypoint scores)."""
    fields: dict = {}
    found = dataset_format(data_args.dataset, data_args.train_split) if data_args.dataset else None
    layout = layout if layout is not None else (found or {}).get("layout")
    if layout is not None:
        fields["layout"] = layout
    channels = data_args.in_channels or (found["channels"] if found else None)
    if found and data_args.in_channels and data_args.in_channels > found["channels"]:
        raise ValueError(f"--in_channels {data_args.in_channels}: {data_args.dataset} has only "
                         f"{found['channels']} channels per joint")  # fmt: skip
    if channels:
        fields["in_channels"] = int(channels)
    coordinates = (found or {}).get("coordinate_channels")
    if coordinates and channels and int(channels) > coordinates:  # e.g. x, y, score: the score is not a position
        fields["coordinate_channels"] = int(coordinates)
    elif found:
        fields["coordinate_channels"] = None
    return fields


def _apply_data_fields(encoder: SugarEncoderConfig, fields: dict, source: str) -> None:
    changed = {k: (getattr(encoder, k), v) for k, v in fields.items() if getattr(encoder, k) != v}
    if changed:
        logger.info("%s: encoder %s set from the dataset", source, {k: v for k, (_, v) in changed.items()})
    for key, value in fields.items():
        setattr(encoder, key, dict(value) if isinstance(value, dict) else value)


def _init_encoder_fields(init_from: str | None) -> dict:
    """The encoder architecture recorded in an ``--init_from`` folder (empty when there is none)."""
    path = os.path.join(init_from, "config.json") if init_from else ""
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        encoder = json.load(handle).get("encoder_config") or {}
    return {k: encoder[k] for k in ENCODER_ARCHITECTURE if k in encoder}


def load_sugar_config(model_args: ModelArguments, data_args: DataArguments, class_names: Sequence[str],
                      layout: str | None) -> SugarConfig:  # fmt: skip
    """The SugarConfig of a run: ``--model_config`` (folder or JSON), else the embedded SmolLM2 + MiniLM one.

    The encoder's layout and channel count come from the dataset (``--in_channels`` may keep fewer channels),
    whatever ``--model_config`` says; with ``--init_from`` its whole encoder architecture comes from that
    folder (and the dataset must fit it)."""
    config = _base_config(model_args, data_args, layout)
    config.class_names = list(class_names)
    _set_encoder_fields(config.encoder_config, model_args, data_args, layout)
    _set_model_options(config, model_args)
    return config


def _base_config(model_args: ModelArguments, data_args: DataArguments, layout: str | None) -> SugarConfig:
    """``--model_config`` as saved, or the embedded default sized by the arguments (with their LoRA)."""
    if model_args.model_config:
        path = model_args.model_config
        return SugarConfig.from_json_file(path) if path.endswith(".json") else SugarConfig.from_pretrained(path)
    from ..embedded import embedded_config

    config = embedded_config(
        layout=layout or "ntu25",
        num_persons=data_args.num_persons,
        num_frames=data_args.num_frames,
        projector_type=model_args.projector_type,
        num_segments=model_args.num_segments,
        num_queries=model_args.num_queries,
        lora_target_modules=model_args.lora_target_modules,
        base_channels=model_args.base_channels,
        token_layout=model_args.token_layout,
    )
    config.lora_config.update(r=model_args.lora_r, lora_alpha=model_args.lora_alpha,
                              lora_dropout=model_args.lora_dropout)  # fmt: skip
    return config


def _set_encoder_fields(encoder: SugarEncoderConfig, model_args: ModelArguments, data_args: DataArguments,
                        layout: str | None) -> None:  # fmt: skip
    """The dataset's layout and channels, then the ``--init_from`` folder's architecture, then ``--stream``."""
    _apply_data_fields(encoder, data_encoder_fields(data_args, layout), "dataset")
    trained = _init_encoder_fields(model_args.init_from)
    if trained:
        data = data_encoder_fields(data_args, layout)
        if "in_channels" in data and data["in_channels"] < trained.get("in_channels", 3):
            raise ValueError(f"--init_from {model_args.init_from} reads {trained['in_channels']} channels per joint; "
                             f"this dataset has {data['in_channels']}")  # fmt: skip
        _apply_data_fields(encoder, trained, f"--init_from {model_args.init_from}")
    # The stream is preprocessing the checkpoint must remember: the processor and every view read it back.
    encoder.stream = data_args.stream
    init_config = os.path.join(model_args.init_from, "config.json") if model_args.init_from else ""
    if init_config and os.path.exists(init_config):
        with open(init_config, encoding="utf-8") as handle:
            trained = (json.load(handle).get("encoder_config") or {}).get("stream", "joint")
        if trained != data_args.stream:
            logger.warning("--init_from %s was trained on the %s stream; this run feeds it %s (--stream)",
                           model_args.init_from, trained, data_args.stream)  # fmt: skip


def _set_model_options(config: SugarConfig, model_args: ModelArguments) -> None:
    """Projector, stage-1 text-space and prompt options (the projector's only for the embedded default)."""
    if model_args.projector_output_norm:
        config.projector_config.output_norm = True
    if model_args.contrastive_dim:
        config.contrastive_dim = model_args.contrastive_dim
    if model_args.learn_text_projection:
        config.learn_text_projection = True
    config.stage1_objective = model_args.stage1_objective
    config.ce_loss_weight, config.text_loss_weight = model_args.ce_loss_weight, model_args.text_loss_weight
    config.text_gradient_scale = model_args.text_gradient_scale
    if not model_args.model_config:
        projector = config.projector_config
        projector.input_norm = model_args.projector_input_norm
        projector.input_positions = model_args.projector_input_positions
        projector.max_frames = max(projector.max_frames, config.encoder_config.num_output_frames)
        projector.qformer_config.hidden_dropout_prob = model_args.projector_dropout
        projector.qformer_config.attention_probs_dropout_prob = model_args.projector_dropout
    templates = {"paper": DEFAULT_INSTRUCTION, "candidates_first": CANDIDATES_FIRST_INSTRUCTION}
    if model_args.instruction not in templates:
        raise ValueError(f"--instruction must be one of {sorted(templates)}, got {model_args.instruction!r}")
    if not model_args.model_config or model_args.instruction != "paper":
        config.instruction_template = templates[model_args.instruction]


def _save_kwargs(model_args: ModelArguments) -> dict:
    return {"save_full_llm": True} if model_args.save_full_llm else {}


class BaselineTask:
    """CTR-GCN + FC, cross-entropy."""

    def __init__(self, model_args, data_args, class_names, layout, train_classes) -> None:
        if model_args.init_from:
            self.model = SugarForSkeletonClassification.from_pretrained(model_args.init_from)
        else:
            if model_args.model_config:
                encoder = load_sugar_config(model_args, data_args, class_names, layout).encoder_config
            else:
                encoder = SugarEncoderConfig(layout=layout or "ntu25", num_persons=data_args.num_persons,
                                             num_frames=data_args.num_frames, base_channels=model_args.base_channels,
                                             stream=data_args.stream)  # fmt: skip
                _apply_data_fields(encoder, data_encoder_fields(data_args, layout), "dataset")
            self.model = SugarForSkeletonClassification(
                SugarBaselineConfig(encoder_config=encoder, class_names=class_names)
            )
        enc = self.model.config.encoder_config
        self.num_frames, self.num_persons = enc.num_frames, enc.num_persons
        self.collate = SkeletonCollator(self.num_persons, self.num_frames)
        self.eval_collate = self.collate
        self.train_classes = torch.tensor(list(train_classes), dtype=torch.long)

    def loss(self, model, batch, step: int) -> torch.Tensor:
        return model(skeleton_values=batch["skeleton_values"], labels=batch["labels"]).loss

    @torch.no_grad()
    def rank(self, model, batch, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        classes = self.train_classes.to(batch["skeleton_values"].device)
        return rank_baseline(model, batch["skeleton_values"], classes, k), batch["labels"]

    def save(self, model, folder: str, model_args) -> None:
        model.save_pretrained(folder)


class Stage1Task:
    """MIL-NCE between skeletons and the class texts (motion text + a random subset of visual texts)."""

    def __init__(self, model_args, data_args, class_names, layout, train_classes, seed: int) -> None:
        if model_args.init_from:
            self.model = SugarSkeletonTextModel.from_pretrained(model_args.init_from)
            self.model.config.class_names = list(class_names)
        else:
            config = load_sugar_config(model_args, data_args, class_names, layout)
            self.model = (SugarSkeletonTextModel.from_config_with_pretrained_bases(config) if config.text_name_or_path
                          else SugarSkeletonTextModel(config))  # fmt: skip
        config = self.model.config
        name = model_args.tokenizer or resolve_pretrained_name(config.text_name_or_path or "")
        self.tokenizer = AutoTokenizer.from_pretrained(name)
        texts, labels, motion = class_texts(class_names, train_classes, data_args.descriptions or data_args.corpus,
                                            data_args.knowledge)  # fmt: skip
        self.bank = build_text_bank(self.model, self.tokenizer, texts, labels, motion)
        self.num_visual = data_args.num_visual_texts
        self.all_classes = torch.tensor(sorted(set(labels)), dtype=torch.long)
        self.text_negatives = data_args.text_negatives
        if self.text_negatives not in ("batch", "all"):
            raise ValueError(f"--text_negatives must be batch or all, got {self.text_negatives!r}")
        self.seed = seed
        # The FC head (mil_nce+ce) chooses among the training classes only (zero-shot runs hide the unseen).
        self.class_mask = torch.zeros(len(class_names), dtype=torch.bool)
        self.class_mask[list(train_classes)] = True
        # The classes the FC head is trained on, recorded for the knowledge prior of stage 2 (which keeps the head).
        self.model.config.trained_class_names = [class_names[i] for i in train_classes]
        enc = config.encoder_config
        self.num_frames, self.num_persons = enc.num_frames, enc.num_persons
        self.collate = SkeletonCollator(self.num_persons, self.num_frames)
        self.eval_collate = self.collate

    def loss(self, model, batch, step: int) -> torch.Tensor:
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + step)
        # "batch": the texts of the batch's classes (the paper's in-batch MIL-NCE); "all": every training
        # class's texts each step, so each clip is contrasted with all the other classes.
        classes = batch["labels"].cpu() if self.text_negatives == "batch" else self.all_classes
        index = self.bank.sample(classes, self.num_visual, generator)
        device = batch["skeleton_values"].device
        return model(
            skeleton_values=batch["skeleton_values"], text_embeds=self.bank.embeds[index].to(device),
            labels=batch["labels"], text_labels=self.bank.labels[index].to(device), class_mask=self.class_mask,
        ).loss  # fmt: skip

    @torch.no_grad()
    def rank(self, model, batch, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        device = batch["skeleton_values"].device
        classes, texts, index = self.bank.class_bags(lambda e: model.text_projection(e.to(device)))
        return rank_stage1(model, batch["skeleton_values"], classes, texts, index, k), batch["labels"]

    def save(self, model, folder: str, model_args) -> None:
        model.save_pretrained(folder, **_save_kwargs(model_args))
        self.tokenizer.save_pretrained(folder)


def _load_encoder(model: SugarForActionRecognition, folder: str) -> None:
    """Stage-1 folder (``load_encoder_from``) or a baseline folder (same CTR-GCN) -> the stage-2 encoder."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as handle:
        model_type = json.load(handle).get("model_type")
    if model_type == "sugar_baseline":
        model.encoder.load_state_dict(
            SugarForSkeletonClassification.from_pretrained(folder).encoder.state_dict()
        )
    else:
        model.load_encoder_from(folder)


class Stage2Task:
    """Frozen encoder -> projector -> LLM with LoRA; next-token loss on "<name>. <description>"."""

    def __init__(
        self, model_args, data_args, class_names, layout, train_classes, gradient_checkpointing, seed: int = 0
    ) -> None:
        config = load_sugar_config(model_args, data_args, class_names, layout)
        config.freeze_encoder = True
        self.prior_weight = _parse_prior_weight(model_args) if model_args.knowledge_prior else None
        if model_args.knowledge_prior:
            config.knowledge_prior = True
            config.prior_class_names = _prior_class_names(class_names, data_args)
            config.prior_weight = self.prior_weight if self.prior_weight is not None else 0.0
            config.prior_use_classifier = model_args.prior_classifier
        self.model = (SugarForActionRecognition.from_config_with_pretrained_bases(config) if config.llm_name_or_path
                      else SugarForActionRecognition(config))  # fmt: skip
        if model_args.init_from:
            _load_encoder(self.model, model_args.init_from)
        else:
            logger.warning("stage 2 without --init_from: the frozen encoder is random (train stage 1 first)")
        if model_args.knowledge_prior:
            _load_knowledge_prior(self.model, model_args, data_args, config.prior_class_names)
        if gradient_checkpointing:
            self.model.gradient_checkpointing_enable()
        name = model_args.tokenizer or resolve_pretrained_name(config.llm_name_or_path or "")
        self.processor = SugarProcessor.from_config(AutoTokenizer.from_pretrained(name), config)
        self.candidates = [class_names[i] for i in train_classes]
        self.candidate_ids = self.processor.candidate_token_ids(self.candidates)
        self.candidate_labels = torch.tensor(list(train_classes))
        described = short_descriptions(class_names, data_args.descriptions or data_args.corpus) \
            if data_args.answer_description else {}  # fmt: skip
        describe = described.get if described else None
        self.collate = SugarCollator(self.processor, class_names, describe, candidates=self.candidates,
                                     num_candidates=data_args.num_train_candidates, seed=seed)  # fmt: skip
        self.eval_collate = SugarCollator(self.processor, class_names, candidates=self.candidates,
                                          with_answers=False, return_class_ids=True)  # fmt: skip
        # Batches of cached encoder tokens (--token_cache): the same prompts and answers, no skeletons.
        self.cached_collate = CachedSugarCollator(self.collate)
        enc = config.encoder_config
        self.num_frames, self.num_persons = enc.num_frames, enc.num_persons

    def loss(self, model, batch, step: int) -> torch.Tensor:
        # Logits only from the position before the first answer token on: the LM head over the prompt and
        # skeleton tokens would be wasted work (it is ~20% of a small LLM's FLOPs per position).
        return model(**batch, logits_to_keep=answer_logits_to_keep(batch["labels"])).loss

    @torch.no_grad()
    def rank_variants(self, model, batch, k: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        """Rankings under both candidate scorings (``sum`` and ``mean``) from one pass, and with a knowledge prior
        the prior alone and the fused ranking (also at every weight of :data:`PRIOR_WEIGHT_GRID`, as
        ``fused@<w>``, reported next to the chosen one); ``rank`` is the model's default scoring."""
        scores = score_stage2(model, batch, self.candidate_ids, self.candidates)
        if "prior" in scores:
            for weight in PRIOR_WEIGHT_GRID:
                scores[f"fused@{weight:g}"] = fuse_scores(scores["sum"], scores["prior"], weight)
            # Stage 1's two heads reported apart (the FC head when the prior carries it), and the fused grid
            # under the other prior (bag score alone vs bag score x FC head) than the one the model uses.
            parts = model.prior_parts(self.candidates, batch.get("skeleton_values"), batch.get("encoder_tokens"))
            if parts and "classifier" in parts:
                both = parts["bag"].float().log_softmax(-1) + parts["classifier"].float().log_softmax(-1)
                scores.update({"prior_bag": parts["bag"].float(), "prior_fc": parts["classifier"].float(),
                               "prior_bag+fc": both})  # fmt: skip
                other, tag = (parts["bag"], "bag") if model.config.prior_use_classifier else (both, "bag+fc")
                for weight in PRIOR_WEIGHT_GRID[1:]:
                    scores[f"fused_{tag}@{weight:g}"] = fuse_scores(scores["sum"], other, weight)
        labels = self.candidate_labels
        return {name: (top_ids(value, labels, k), batch["class_ids"]) for name, value in scores.items()}

    @torch.no_grad()
    def rank(self, model, batch, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        every = self.rank_variants(model, batch, k)
        return every[pick_scoring(model, every)]

    @torch.no_grad()
    def choose_prior_weight(self, model, run) -> None:
        """With ``--knowledge_prior`` and ``--prior_weight auto``: rank the training split (its evaluation view, all
        training classes as candidates; a seeded subset of :data:`PRIOR_WEIGHT_CLIPS`), then keep the grid weight with the best training top-1 (ties: the lower
        fused NLL, then the smaller weight). Writes ``prior_weight.json`` (the whole grid) and sets
        ``config.prior_weight``; the test split is never read."""
        if self.prior_weight is not None or getattr(model, "knowledge_prior", None) is None:
            return
        from torch.utils.data import DataLoader, Subset

        from ..data.torch_dataset import SkeletonTorchDataset

        view = SkeletonTorchDataset.from_encoder_config(run.train_ds, train=False, **run.view_kwargs)
        if len(view) > PRIOR_WEIGHT_CLIPS:  # a seeded subset bounds the cost (one ranking pass over it)
            keep = torch.randperm(len(view), generator=torch.Generator().manual_seed(run.args.seed))
            view = Subset(view, sorted(keep[:PRIOR_WEIGHT_CLIPS].tolist()))
        loader = DataLoader(view, batch_size=run.args.per_device_eval_batch_size, collate_fn=self.eval_collate)
        device = run.accelerator.device
        summed, prior, truth = [], [], []
        model.eval()
        for batch in loader:
            batch = {k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()}
            with run.accelerator.autocast():
                scores = score_stage2(model, batch, self.candidate_ids, self.candidates)
            summed.append(scores["sum"].float().cpu())
            prior.append(scores["prior"].float().cpu())
            truth.append(batch["class_ids"].cpu())
        model.train()
        position = {int(c): i for i, c in enumerate(self.candidate_labels.tolist())}
        target = torch.tensor([position[int(c)] for c in torch.cat(truth)])
        grid = prior_weight_grid(torch.cat(summed), torch.cat(prior), target)
        best = min(grid, key=lambda row: (-row["top1"], row["nll"], row["weight"]))
        model.config.prior_weight = best["weight"]
        logger.info("knowledge prior: weight %g chosen on the training split (%d clips; top-1 %.4f, prior alone "
                    "%.4f, LLM alone %.4f)", best["weight"], len(target), best["top1"], grid[-1]["prior_top1"],
                    grid[0]["top1"])  # fmt: skip
        if run.accelerator.is_main_process:
            with open(os.path.join(run.args.output_dir, "prior_weight.json"), "w", encoding="utf-8") as handle:
                json.dump({"chosen": best["weight"], "split": run.data_args.train_split, "clips": len(target),
                           "grid": grid}, handle, indent=2)  # fmt: skip

    def save(self, model, folder: str, model_args) -> None:
        model.save_pretrained(folder, **_save_kwargs(model_args))
        self.processor.save_pretrained(folder)


PRIOR_WEIGHT_GRID = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
"""Weights of the knowledge prior that ``--prior_weight auto`` chooses from (0: the LLM alone)."""
PRIOR_WEIGHT_CLIPS = 512
"""At most this many training clips (a seeded subset) are ranked to choose the weight."""


def prior_weight_grid(summed: torch.Tensor, prior: torch.Tensor, target: torch.Tensor) -> list[dict]:
    """For each weight of :data:`PRIOR_WEIGHT_GRID`: top-1 and mean NLL of the fused ranking (:func:`fuse_scores`)
    of ``(clips, candidates)`` LLM summed log-likelihoods and prior logits against ``target`` candidate indices."""
    rows = []
    prior_top1 = float((prior.argmax(1) == target).float().mean())
    for weight in PRIOR_WEIGHT_GRID:
        fused = fuse_scores(summed, prior, weight)
        nll = float(torch.nn.functional.cross_entropy(fused.log_softmax(1), target))
        rows.append({"weight": weight, "top1": float((fused.argmax(1) == target).float().mean()), "nll": nll,
                     "prior_top1": prior_top1})  # fmt: skip
    return rows


def _parse_prior_weight(model_args: ModelArguments) -> float | None:
    """``--prior_weight``: a number >= 0, or None for ``auto``."""
    value = str(model_args.prior_weight).strip().lower()
    if value == "auto":
        return None
    try:
        weight = float(value)
    except ValueError:
        raise ValueError(f"--prior_weight must be a number >= 0 or auto, got {model_args.prior_weight!r}") from None
    if weight < 0:
        raise ValueError(f"--prior_weight must be >= 0, got {weight}")
    return weight


def _prior_class_names(class_names: Sequence[str], data_args: DataArguments) -> list[str]:
    """The dataset's class names, then every other class the knowledge source describes (classes a zero-shot
    user may list that the training data never had: their texts are the prior's only knowledge of them)."""
    from ..knowledge.corpus import load_descriptions

    source = data_args.descriptions or data_args.corpus
    names = list(class_names)
    if source and data_args.knowledge != "none":
        names += [d.name for d in load_descriptions(source) if d.name not in set(names)]
    return names


@torch.no_grad()
def _load_knowledge_prior(model: SugarForActionRecognition, model_args, data_args, prior_names) -> None:
    """Stage 1's skeleton projection, logit scale and class-text prototypes (every class of the corpus with
    texts, unseen zero-shot classes included, as stage 1's own ranking uses them) -> the model's
    knowledge prior."""
    from .data import class_texts

    if not model_args.init_from:
        raise ValueError("--knowledge_prior needs --init_from a stage-1 folder (its text head is the prior)")
    with open(os.path.join(model_args.init_from, "config.json"), encoding="utf-8") as handle:
        if json.load(handle).get("model_type") == "sugar_baseline":
            raise ValueError(f"--knowledge_prior: {model_args.init_from} is a baseline folder; the prior needs a "
                             "stage-1 (skeleton-text) folder")  # fmt: skip
    stage1 = SugarSkeletonTextModel.from_pretrained(model_args.init_from).eval()
    # The text tokenizer stage 1 saved next to its weights (Stage1Task.save), else the text model's own.
    saved = os.path.exists(os.path.join(model_args.init_from, "tokenizer_config.json"))
    name = model_args.init_from if saved else resolve_pretrained_name(stage1.config.text_name_or_path or "")
    tokenizer = AutoTokenizer.from_pretrained(name)
    texts, labels, motion = class_texts(prior_names, range(len(prior_names)), data_args.descriptions or
                                        data_args.corpus, data_args.knowledge)  # fmt: skip
    bank = build_text_bank(stage1, tokenizer, texts, labels, motion)
    classes, class_texts_, index = bank.class_bags(stage1.text_projection)
    if classes.tolist() != list(range(len(prior_names))):
        raise ValueError("--knowledge_prior: some classes have no texts")
    model.load_knowledge_prior(stage1, class_texts_, index)


def build_task(model_args: ModelArguments, data_args: DataArguments, train_args: SugarTrainingArguments,
               class_names: Sequence[str], layout: str | None, train_classes: Sequence[int]):  # fmt: skip
    """The task object of ``train_args.stage``."""
    if train_args.stage == "1":
        return Stage1Task(model_args, data_args, class_names, layout, train_classes, train_args.seed)
    if train_args.stage == "2":
        return Stage2Task(model_args, data_args, class_names, layout, train_classes,
                          train_args.gradient_checkpointing, train_args.seed)  # fmt: skip
    return BaselineTask(model_args, data_args, class_names, layout, train_classes)
