"""Model and dataset cards for the Hub, rendered from a run's config, its evaluation results and corpus facts.

The Jinja templates ship inside the package (``sugar_hf/hub/templates``); ``hub_cards/`` at the repository
root holds rendered examples (regenerate them with ``python hub_cards/render_examples.py``). Cards are
``huggingface_hub.ModelCard`` / ``DatasetCard`` objects whose YAML metadata the Hub reads: ``model-index``
(one entry per dataset, config, split and metric), ``base_model``, ``library_name``, ``pipeline_tag``,
``license``; for datasets, ``configs`` (so ``load_dataset(repo, config)`` works), features and terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from huggingface_hub import DatasetCard, DatasetCardData, EvalResult, ModelCard, ModelCardData

from ..corpora import CORPORA, CorpusSpec, get_corpus
from ..corpora.rows import skeleton_features
from ..pretrained_bases import LEGACY_NAMES
from ..skeleton_layouts import get_layout
from .citations import CTRGCN_BIBTEX, SUGAR_BIBTEX

TEMPLATES = resources.files("sugar_hf.hub") / "templates"

METRICS: dict[str, tuple[str, str]] = {
    "top1": ("accuracy", "Top-1 accuracy"),
    "top5": ("top_5_accuracy", "Top-5 accuracy"),
    "mean_class_accuracy": ("mean_class_accuracy", "Mean per-class accuracy"),
}
"""Canonical metric key -> (model-index ``metric.type``, display name)."""

_METRIC_ALIASES = {
    "top1": "top1", "top_1": "top1", "top-1": "top1", "accuracy": "top1", "top1_accuracy": "top1",
    "top5": "top5", "top_5": "top5", "top-5": "top5", "top5_accuracy": "top5", "top_5_accuracy": "top5",
    "mean_class_accuracy": "mean_class_accuracy", "mean_per_class_accuracy": "mean_class_accuracy",
    "mca": "mean_class_accuracy", "balanced_accuracy": "mean_class_accuracy",
}  # fmt: skip

EMBEDDED_HUB_IDS = dict(LEGACY_NAMES)
"""Legacy symbolic names of the embedded default -> the Hub models they were converted from (checkpoints now
record the Hub ids themselves)."""

TASK_TYPE = "video-classification"
"""``model-index`` task type of the results: the Hub results category closest to skeleton action recognition."""

PIPELINE_TAG = "other"
"""The card's ``pipeline_tag``. The Hub accepts only its fixed list of tasks and has no skeleton task; a tag
such as ``video-classification`` would promise the video pipeline and widget, which cannot read skeletons. The
model is used through the custom ``skeleton-action-recognition`` pipeline (in ``tags`` and the usage snippet)."""

PIPELINE_TASK = "skeleton-action-recognition"


@dataclass(frozen=True)
class EvalRecord:
    """One number of an evaluation: ``value`` of ``metric`` on ``dataset`` / ``config`` / ``split``.

    ``metric`` is ``"top1"``, ``"top5"``, ``"mean_class_accuracy"`` (aliases accepted) or any other name;
    ``value`` is reported as given (sugar-hf reports percentages). ``dataset`` is a corpus key
    (``"ntu60"``) or a Hub dataset id.
    """

    dataset: str
    split: str
    metric: str
    value: float
    config: str | None = None

    @classmethod
    def coerce(cls, item: EvalRecord | Mapping[str, Any]) -> EvalRecord:
        if isinstance(item, EvalRecord):
            return item
        missing = {"dataset", "split", "metric", "value"} - set(item)
        if missing:
            raise ValueError(f"evaluation result {dict(item)} lacks {sorted(missing)}")
        return cls(
            dataset=str(item["dataset"]), split=str(item["split"]), metric=canonical_metric(str(item["metric"])),
            value=float(item["value"]), config=item.get("config"),
        )  # fmt: skip


def canonical_metric(name: str) -> str:
    """``"eval_top1"`` / ``"top-1"`` / ``"accuracy"`` -> ``"top1"``; unknown names are returned unchanged."""
    key = name.lower()
    for prefix in ("eval_", "test_", "validation_"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return _METRIC_ALIASES.get(key, name)


def results_from_metrics(
    dataset: str, split: str, metrics: Mapping[str, float], config: str | None = None
) -> list[EvalRecord]:
    """Turn a flat metrics dict (e.g. ``trainer.evaluate()`` output) into records; non-metric keys
    (loss, runtime, samples per second, epoch) are dropped."""
    skip = ("loss", "runtime", "samples_per_second", "steps_per_second", "epoch")
    return [
        EvalRecord(dataset=dataset, split=split, metric=canonical_metric(k), value=float(v), config=config)
        for k, v in metrics.items()
        if isinstance(v, (int, float)) and not any(k.endswith(s) for s in skip)
    ]


EVAL_METRICS_FILE = "eval_metrics.json"
"""What a training run writes after its final evaluation (fractions: ``top1``, ``top5``, ``mean_class_accuracy``,
per-clip predictions, the confusion matrix); a card built from the run's folder reports it."""


def results_from_eval_metrics(
    metrics: Mapping[str, Any], dataset: str, split: str = "eval", config: str | None = None
) -> list[EvalRecord]:
    """Records of a run's ``eval_metrics.json``: top-1, top-5 and mean per-class accuracy, as percentages (the
    file holds fractions); the per-clip lists, the confusion matrix and missing or NaN numbers are left out."""
    records = []
    for key in METRICS:
        value = metrics.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            records.append(EvalRecord(dataset=dataset, split=split, metric=key, value=round(100 * value, 2),
                                      config=config))  # fmt: skip
    return records


def _dataset_name(dataset: str) -> str:
    return CORPORA[dataset].pretty_name if dataset in CORPORA else dataset


def eval_results(
    results: Iterable[EvalRecord | Mapping[str, Any]], dataset_ids: Mapping[str, str] | None = None
) -> list[EvalResult]:
    """``huggingface_hub.EvalResult`` entries (the card's ``model-index``) for the given records."""
    dataset_ids = dataset_ids or {}
    out = []
    for record in map(EvalRecord.coerce, results):
        metric_type, metric_name = METRICS.get(record.metric, (record.metric, record.metric))
        out.append(
            EvalResult(
                task_type=TASK_TYPE,
                task_name="Skeleton-based action recognition",
                dataset_type=dataset_ids.get(record.dataset, record.dataset),
                dataset_name=_dataset_name(record.dataset),
                dataset_config=record.config,
                dataset_split=record.split,
                metric_type=metric_type,
                metric_name=metric_name,
                metric_value=record.value,
            )  # fmt: skip
        )
    return out


def results_table(results: Iterable[EvalRecord | Mapping[str, Any]]) -> str:
    """A markdown table: one row per dataset/config/split, one column per metric."""
    records = [EvalRecord.coerce(r) for r in results]
    if not records:
        return ""
    metrics: list[str] = []
    rows: dict[tuple[str, str, str], dict[str, float]] = {}
    for r in records:
        if r.metric not in metrics:
            metrics.append(r.metric)
        rows.setdefault((r.dataset, r.config or "-", r.split), {})[r.metric] = r.value
    header = ["dataset", "config", "split", *(METRICS.get(m, (m, m))[1] for m in metrics)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (dataset, config, split), values in rows.items():
        cells = [f"{values[m]:.2f}" if m in values else "" for m in metrics]
        lines.append("| " + " | ".join([_dataset_name(dataset), config, split, *cells]) + " |")
    return "\n".join(lines)


def hub_base_model(name_or_path: str | None) -> str | None:
    """The Hub id of the base LLM (embedded aliases mapped back; local paths give ``None``)."""
    if not name_or_path:
        return None
    name = EMBEDDED_HUB_IDS.get(name_or_path, name_or_path)
    if Path(name).exists() or name.startswith(("/", ".")) or name.count("/") != 1:
        return None
    return name


def _citations(datasets: Iterable[str]) -> str:
    entries = [SUGAR_BIBTEX, CTRGCN_BIBTEX]
    for dataset in datasets:
        for bib in CORPORA[dataset].bibtex if dataset in CORPORA else ():
            if bib not in entries:
                entries.append(bib)
    return "\n\n".join(entries)


def _md_table(mapping: Mapping[str, Any]) -> str:
    lines = ["| hyper-parameter | value |", "|---|---|"]
    lines += [f"| {k} | `{v}` |" for k, v in mapping.items()]
    return "\n".join(lines)


def _hub_datasets(used: Sequence[str], dataset_ids: Mapping[str, str]) -> list[str]:
    """The ``datasets`` metadata: mapped corpus keys first, then the names that already are Hub dataset ids."""
    mapped = [dataset_ids[d] for d in used if d in dataset_ids]
    return mapped + [d for d in used if d not in CORPORA and d not in dataset_ids and d.count("/") == 1]


def _model_tags(merged: bool, tags: Sequence[str]) -> list[str]:
    fixed = ["sugar-hf", "sugar", "skeleton-action-recognition", "ctr-gcn", "lora", "custom_code"]
    return list(dict.fromkeys([*fixed, *(["peft"] if not merged else []), *tags]))


def _model_card_data(
    config, results: Sequence[EvalRecord], used: Sequence[str], *, repo_id: str, license: str,
    dataset_ids: Mapping[str, str], pipeline_tag: str, tags: Sequence[str],
) -> ModelCardData:  # fmt: skip
    """The model card's YAML metadata: base model, datasets, ``model-index``, license, task and tags."""
    return ModelCardData(
        base_model=hub_base_model(config.llm_name_or_path),
        datasets=_hub_datasets(used, dataset_ids) or None,
        eval_results=eval_results(results, dataset_ids) or None,
        library_name="transformers",
        license=license,
        metrics=sorted({METRICS.get(r.metric, (r.metric,))[0] for r in results}) or None,
        model_name=repo_id,
        pipeline_tag=pipeline_tag,
        tags=_model_tags(not config.lora_config, tags),
    )


def _repository_fields(config, repo_id: str, adapter_only: bool) -> dict[str, Any]:
    """Template fields naming the repo, its base LLM and what the repo holds (adapter only or every weight)."""
    base_model = hub_base_model(config.llm_name_or_path)
    return {
        "model_name": repo_id.split("/")[-1],
        "repo_id": repo_id,
        "pipeline_task": PIPELINE_TASK,
        "base_model": base_model or config.llm_name_or_path or "the configured LLM",
        "base_model_link": f"https://huggingface.co/{base_model}" if base_model else "#",
        "llm_name_or_path": config.llm_name_or_path,
        "adapter_only": adapter_only,
        "merged": not config.lora_config,
    }


def _lora_summary(config) -> str:
    lora = config.lora_config
    if not lora:
        return "merged into the LLM weights (no adapter)"
    return (
        f"r={lora.get('r')}, alpha={lora.get('lora_alpha')}, dropout={lora.get('lora_dropout', 0.0)}, "
        f"targets {', '.join(map(str, lora.get('target_modules') or []))}"
    )


def _projector_fields(proj) -> dict[str, Any]:
    if proj.projector_type in ("tqp", "qformer"):
        detail = f"{proj.num_segments} segment(s) x {proj.num_queries} queries, shared Q-Former"
    else:
        detail = proj.projector_type
    label = {"tqp": "Temporal Query Projection (TQP)"}.get(proj.projector_type, proj.projector_type)
    return {"projector_label": label, "projector_type": proj.projector_type, "projector_detail": detail}


def _architecture_fields(config) -> dict[str, Any]:
    """Template fields of the "Model details" table: encoder, projector, LLM, LoRA, classes, instruction."""
    enc, llm = config.encoder_config, config.llm_config
    classes = list(config.class_names)
    return {
        **_projector_fields(config.projector_config),
        "num_action_tokens": config.num_action_tokens,
        "layout": enc.layout if isinstance(enc.layout, str) else "custom",
        "num_joints": enc.num_joints,
        "num_persons": enc.num_persons,
        "num_frames": enc.num_frames,
        "base_channels": enc.base_channels,
        "token_layout": enc.token_layout,
        "llm_layers": llm.num_hidden_layers,
        "llm_hidden": llm.hidden_size,
        "lora_summary": _lora_summary(config),
        "num_classes": len(classes),
        "class_preview": ", ".join(classes[:8]) + (", ..." if len(classes) > 8 else ""),
        "instruction": config.instruction_template,
    }


def _answer_fields(config) -> dict[str, str]:
    """How the card describes the answers: ``answer_format`` for the prose (HTML-escaped) and ``answer_example``
    for code comments, from ``config.answer_description`` (None: not recorded, so both forms are named)."""
    described = getattr(config, "answer_description", None)
    if described is True:
        return {"answer_format": '"&lt;action&gt;. &lt;description&gt;" (the action name and a short description)',
                "answer_example": '"<action>. <description>"'}  # fmt: skip
    if described is False:
        return {"answer_format": '"&lt;action&gt;." (the action name alone: it was trained without descriptions)',
                "answer_example": '"<action>." (the name alone)'}  # fmt: skip
    return {
        "answer_format": '"&lt;action&gt;." or "&lt;action&gt;. &lt;description&gt;" (the action name, followed by '
        "a short description if it was trained with them; this checkpoint does not record which)",
        "answer_example": '"<action>." or "<action>. <description>"',
    }


def _joint_order(layout) -> str:
    """``0 name, 1 name, ...``: the joints in the order the arrays store them."""
    return ", ".join(f"{i} `{name}`" for i, name in enumerate(layout.joint_names))


def _input_fields(config) -> dict[str, Any]:
    """Template fields of the "Input skeletons" section: joint order, channels and the coordinate convention of
    the checkpoint's preprocessing (:class:`~sugar_hf.skeleton.pipeline.SkeletonPipeline` of its encoder
    config)."""
    enc = config.encoder_config
    layout = get_layout(enc.layout)
    channels = enc.in_channels
    positions = min(channels, enc.coordinate_channels or 3)
    axes = ", ".join("xyz"[:positions]) if positions <= 3 else f"{positions} position values"
    kept = channels - positions
    channel_text = f"{channels} per joint: {axes} (positions)"
    if kept:
        channel_text += (f", then {kept} value channel(s) (e.g. a pose estimator's keypoint score or visibility), "
                         "never centred, rotated or differenced")  # fmt: skip
    steps = []
    if getattr(enc, "center", True):
        steps.append(f"translated so that joint {layout.center} (`{layout.joint_names[layout.center]}`) of the "
                     "first body in the first valid frame is the origin")  # fmt: skip
    if getattr(enc, "align_view", False):
        steps.append("rotated to a canonical view (first-frame spine onto +z, right-minus-left shoulders onto +x)")
    steps.append(f"the centred {getattr(enc, 'test_crop_ratio', 0.95):.0%} of the valid frames resampled to "
                 f"{enc.num_frames} frames")  # fmt: skip
    stream = getattr(enc, "stream", "joint")
    if stream != "joint":
        steps.append(f"turned into the `{stream}` stream")
    steps.append(f"padded with zeros or cut to {enc.num_persons} person(s)")
    return {
        "joint_order": _joint_order(layout),
        "channel_text": channel_text,
        "preprocessing_steps": "; ".join(steps),
    }


def _data_terms(used: Sequence[str]) -> str:
    """The limitations' line on training data: the terms of every research corpus used."""
    research_used = [d for d in used if d in CORPORA and CORPORA[d].research]
    if not research_used:
        return "check the terms of every corpus used for training before any use beyond research."
    return " ".join(f"{CORPORA[d].pretty_name}: {CORPORA[d].terms}" for d in research_used)


def model_card(
    config,
    results: Iterable[EvalRecord | Mapping[str, Any]] = (),
    *,
    repo_id: str = "your-name/sugar-model",
    training_datasets: Sequence[str] = (),
    training_args: Mapping[str, Any] | None = None,
    license: str = "apache-2.0",
    dataset_ids: Mapping[str, str] | None = None,
    adapter_only: bool | None = None,
    pipeline_tag: str = PIPELINE_TAG,
    tags: Sequence[str] = (),
    results_source: str = "",
) -> ModelCard:
    """The model card of a ``SugarForActionRecognition`` run.

    Args:
        config: the model's ``SugarConfig``.
        results: evaluation records (:class:`EvalRecord` or dicts with ``dataset``, ``config``, ``split``,
            ``metric``, ``value``), one per number; see :func:`results_from_metrics`.
        repo_id: where the model goes (used in the usage snippet and as ``model-index`` name).
        training_datasets: corpus keys or Hub dataset ids the model was trained on (``datasets`` metadata).
        training_args: hyper-parameters to list (e.g. ``TrainingArguments.to_dict()`` subset).
        license: the weights' license (the base LLM's license applies on top of it).
        dataset_ids: corpus key -> Hub dataset id, for ``model-index`` dataset types and ``datasets``.
        adapter_only: whether the repo omits the base LLM (default: ``not config.save_full_llm``).
        pipeline_tag: the Hub task (default ``"other"``, see :data:`PIPELINE_TAG`).
        results_source: where the results come from, said under the results table (e.g. the run's
            ``eval_metrics.json``).

    The card describes the answers by ``config.answer_description`` and the input skeletons (joint order,
    channels, coordinate convention) by ``config.encoder_config``.
    """
    results = [EvalRecord.coerce(r) for r in results]
    dataset_ids = dict(dataset_ids or {})
    adapter_only = (not config.save_full_llm) if adapter_only is None else adapter_only
    used = list(dict.fromkeys([*training_datasets, *(r.dataset for r in results)]))
    data = _model_card_data(
        config, results, used, repo_id=repo_id, license=license, dataset_ids=dataset_ids,
        pipeline_tag=pipeline_tag, tags=tags,
    )  # fmt: skip
    return ModelCard.from_template(
        data,
        template_path=str(TEMPLATES / "model_card.md"),
        **_repository_fields(config, repo_id, adapter_only),
        **_architecture_fields(config),
        **_answer_fields(config),
        **_input_fields(config),
        results_table=results_table(results),
        results_source=results_source,
        training_datasets=", ".join(_dataset_name(d) for d in training_datasets),
        training_args_table=_md_table(training_args) if training_args else "",
        data_terms=_data_terms(used),
        citations=_citations(used),
    )


_FEATURE_MEANINGS = {
    "name": "sample / clip name",
    "source": "the raw file (recording) the row came from",
    "skeleton": "persons stacked along time: `(num_persons * num_frames, joints, channels)`, float32",
    "num_persons": "number of persons M",
    "num_frames": "number of frames T",
    "label": "class id (`ClassLabel` with the official names)",
    "subject": "subject / performer id (-1 if none)",
    "camera": "camera id (-1 if none)",
    "setup": "setup id (-1 if none)",
    "view": "view id (-1 if none)",
}


def _feature_type(feature) -> str:
    kind = type(feature).__name__
    if kind == "Value":
        return f"`{feature.dtype}`"
    if kind == "ClassLabel":
        return f"ClassLabel ({feature.num_classes})"
    if hasattr(feature, "shape"):
        return f"{kind} {tuple(feature.shape)} `{feature.dtype}`"
    return kind


def _size_category(n: int) -> str:
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if n < limit:
            return name
    return "1M<n<10M"


def _official_facts(corpus: str, info: CorpusSpec) -> tuple[dict[str, dict[str, int]], Any]:
    """Split counts and features of a corpus before any conversion: the published counts of its split configs
    and the standard schema with its class names (none of either for the user's folder corpus, whose layout,
    classes and splits come with each conversion; TSU's class list is read from its raw release)."""
    if info.layout is None:
        return {}, None
    counts = {c: dict(info.official_counts.get(c, {})) for c in info.split_configs}
    return counts, skeleton_features(info.layout, list(info.classes or ()))


def _converted_facts(configs: Mapping[str, Any]) -> tuple[dict[str, dict[str, int]], Any]:
    """Split counts of converted ``{config: DatasetDict}`` and the features of their first split."""
    counts = {c: {s: len(ds) for s, ds in dd.items()} for c, dd in configs.items()}
    any_split = next(iter(next(iter(configs.values())).values()))
    return counts, any_split.features


def _splits_table(counts: Mapping[str, Mapping[str, int]], converted: bool) -> str:
    """The examples per config and split (train and test first); official counts get a note on their origin."""
    lines = ["| config | split | examples |", "|---|---|---|"]
    for config, splits in counts.items():
        for split in ("train", "test", *sorted(set(splits) - {"train", "test"})):
            if split in splits or not converted:
                value = splits.get(split)
                lines.append(f"| `{config}` | {split} | {f'{value:,}' if value is not None else 'n/a'} |")
    if not converted:
        lines.append("\nCounts are the official ones after skipping samples with missing skeletons "
                     "(n/a: not published); a conversion reports its own in `conversion_report.json`.")  # fmt: skip
    return "\n".join(lines)


def _dataset_card_data(
    corpus: str, info: CorpusSpec, counts: Mapping[str, Mapping[str, int]],
    data_files: Mapping[str, Mapping[str, str]] | None,
) -> DatasetCardData:  # fmt: skip
    """The dataset card's YAML metadata: license and gating of a research corpus, sizes and ``configs``."""
    total = max((sum(v for v in splits.values() if v) for splits in counts.values()), default=0)
    yaml_configs = None
    if data_files:
        yaml_configs = [
            {"config_name": c, "data_files": [{"split": s, "path": p} for s, p in files.items()]}
            for c, files in data_files.items()
        ]
    return DatasetCardData(
        license="other" if info.research else None,
        license_name=info.license_name or None,
        license_link=info.homepage if info.research else None,
        pretty_name=info.pretty_name,
        task_categories=["video-classification"],
        tags=["skeleton", "action-recognition", "sugar-hf", corpus],
        size_categories=[_size_category(total)] if total else None,
        config_names=list(counts) or None,
        configs=yaml_configs,
        extra_gated_prompt=(f"{info.pretty_name}: {info.terms}" if info.research else None),
    )


def _schema_fields(features) -> dict[str, Any]:
    """Template fields of the "Data fields" section: one row per feature, the class names."""
    label_names = features["label"].names if features is not None and "label" in features else []
    return {
        "features": [
            (k, _feature_type(v), _FEATURE_MEANINGS.get(k, "")) for k, v in (features or {}).items()
        ],
        "num_classes": len(label_names),
        "class_list": ", ".join(label_names) if label_names else "see the `label` feature",
    }


def dataset_card(
    corpus: str,
    configs: Mapping[str, Any] | None = None,
    *,
    repo_id: str = "your-name/skeletons",
    data_files: Mapping[str, Mapping[str, str]] | None = None,
) -> DatasetCard:
    """The card of a converted corpus.

    Args:
        corpus: the corpus key (``"ntu60"``, ``"utd_mhad"``, ...; see :data:`sugar_hf.corpora.CORPORA`).
        configs: ``{config: DatasetDict}`` as converted (counts and features are read from them); ``None``
            renders the official counts and the standard schema (for the example cards in ``hub_cards/``).
        repo_id: the dataset repo (used in the loading snippet).
        data_files: ``{config: {split: glob}}`` for the ``configs`` YAML block (paths inside the repo).
    """
    info = get_corpus(corpus)
    counts, features = _converted_facts(configs) if configs else _official_facts(corpus, info)
    return DatasetCard.from_template(
        _dataset_card_data(corpus, info, counts, data_files),
        template_path=str(TEMPLATES / "dataset_card.md"),
        corpus=corpus,
        pretty_name=info.pretty_name,
        description=info.description,
        modality=info.modality,
        terms=info.terms,
        research=info.research,
        homepage=info.homepage,
        splits_table=_splits_table(counts, converted=bool(configs)),
        **_schema_fields(features),
        repo_id=repo_id,
        first_config=next(iter(counts), "default"),
        citations="\n\n".join(info.bibtex) or "(cite the data's owner)",
    )
