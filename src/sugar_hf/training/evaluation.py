"""Evaluation of a saved model over a split: ranked predictions, metrics, per-class table, confusion PNG.

Works on all three kinds of folders: stage 2 (the LLM's candidate ranking of :func:`sugar_hf.inference.classify`,
any candidate list: zero-shot included), stage 1 (nearest class-text prototype) and the baseline (FC logits); the
ranking itself is :mod:`sugar_hf.inference`'s, the one training evaluates with too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..inference import (
    SCORINGS,
    classify,
    load_processor,
    pick_scoring,
    rank_baseline,
    rank_stage1,
    rank_stage2,
    score_baseline,
    score_stage1,
)
from ..metrics import action_recognition_metrics, plot_confusion_matrix


def load_any_model(folder: str) -> tuple[Any, str, Any]:
    """``(model, kind, processor)`` from a saved folder: kind ``stage2`` / ``stage1`` / ``baseline``; processor the
    folder's :class:`~sugar_hf.processing_sugar.SugarProcessor` (stage 2; None when it has none), its text
    tokenizer (stage 1) or None (baseline). The models hold no processor."""
    from transformers import AutoTokenizer

    from .. import SugarForActionRecognition, SugarSkeletonTextModel
    from ..modeling_baseline import SugarForSkeletonClassification

    with open(os.path.join(folder, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    if config.get("model_type") == "sugar_baseline":
        return SugarForSkeletonClassification.from_pretrained(folder), "baseline", None
    if "SugarSkeletonTextModel" in (config.get("architectures") or []):
        return SugarSkeletonTextModel.from_pretrained(folder), "stage1", AutoTokenizer.from_pretrained(folder)
    return SugarForActionRecognition.from_pretrained(folder), "stage2", load_processor(folder)


def _require_processor(processor):
    if processor is None:
        raise ValueError("pass a SugarProcessor (or load the model from a folder that has one)")
    return processor


def _dataset_ranker(model, kind: str, processor, candidate_labels: Sequence[int], class_names: Sequence[str], k: int,
                    descriptions: str | None, variants: dict[str, list[bool]]):  # fmt: skip
    """``rank(skeletons, truth) -> (batch, k)`` ranked class ids with :mod:`sugar_hf.inference`'s ranking of
    ``kind``; for stage 2 it also records, per candidate scoring, whether each top-1 is right in ``variants``."""
    labels = torch.tensor(list(candidate_labels))
    if kind == "stage2":  # what classify does, with both candidate scorings from one pass
        processor = _require_processor(processor)
        names = [class_names[i] for i in candidate_labels]
        candidate_ids = processor.candidate_token_ids(names)

        def rank(skeletons: torch.Tensor, truth: torch.Tensor) -> torch.Tensor:
            every = rank_stage2(model, processor(skeletons=skeletons, candidates=names), candidate_ids, labels, k,
                                names)  # fmt: skip
            for name, top in every.items():
                variants.setdefault(name, []).extend((top[:, 0] == truth).tolist())
            return every[pick_scoring(model, every)]

        return rank
    if kind == "stage1":
        from .data import build_text_bank, class_texts

        texts, text_labels, motion = class_texts(class_names, candidate_labels, descriptions, "motion+visual")
        bank = build_text_bank(model, processor, texts, text_labels, motion)
        classes, texts, index = bank.class_bags(model.text_projection)
        return lambda skeletons, truth: rank_stage1(model, skeletons, classes, texts, index, k)
    return lambda skeletons, truth: rank_baseline(model, skeletons, labels, k)


@torch.no_grad()
def rank_dataset(model, kind: str, view, candidate_labels: Sequence[int], class_names: Sequence[str],
                 processor=None, batch_size: int = 16, k: int = 5, descriptions: str | None = None,
                 progress: bool = True, scoring_top1: dict | None = None) -> tuple[list[list[int]], list[int]]:  # fmt: skip
    """Rank ``candidate_labels`` (ids into ``class_names``) for every clip of ``view``; returns ``(ranked ids,
    true ids)``. ``processor`` is the model's SugarProcessor (stage 2) or text tokenizer (stage 1, which also needs
    the ``descriptions`` of the candidates). For stage 2, ``scoring_top1`` (a dict) receives the top-1 under each
    candidate scoring (``sum``, ``mean``)."""
    from tqdm.auto import tqdm

    model.eval()
    variants: dict[str, list[bool]] = {name: [] for name in SCORINGS}
    rank = _dataset_ranker(model, kind, processor, candidate_labels, class_names, min(k, len(candidate_labels)),
                           descriptions, variants)  # fmt: skip
    ranked, refs = [], []
    for start in tqdm(range(0, len(view), batch_size), disable=not progress, desc="evaluating"):
        items = [view[i] for i in range(start, min(start + batch_size, len(view)))]
        skeletons = torch.from_numpy(np.stack([item["skeleton"] for item in items]))
        truth = [int(item["label"]) for item in items]
        refs.extend(truth)
        ranked.extend(rank(skeletons, torch.tensor(truth)).tolist())
    if kind == "stage2" and scoring_top1 is not None:
        scoring_top1.update({name: sum(hits) / max(len(hits), 1) for name, hits in variants.items()})
    return ranked, refs


def per_class_table(metrics: dict, class_names: Sequence[str], classes: Sequence[int] | None = None) -> str:
    """A plain-text table: class id, name, samples, top-1 accuracy."""
    confusion = np.asarray(metrics["confusion_matrix"])
    classes = classes if classes is not None else range(len(class_names))
    width = max(len(class_names[c]) for c in classes)
    lines = [f"{'id':>4}  {'class':<{width}}  {'n':>5}  {'top-1':>6}"]
    for c in classes:
        n = int(confusion[c].sum()) if c < len(confusion) else 0
        acc = confusion[c, c] / n if n else float("nan")
        lines.append(f"{c:>4}  {class_names[c]:<{width}}  {n:>5}  {100 * acc:>5.1f}%")
    return "\n".join(lines)


def evaluate_folder(model_dir: str, dataset: str, split: str = "test", output_dir: str | None = None,
                    classes: Sequence[int] | None = None, candidates: Sequence[int] | None = None,
                    batch_size: int = 16, max_samples: int | None = None, descriptions: str | None = None,
                    progress: bool = True) -> dict:  # fmt: skip
    """Evaluate a saved model on ``dataset[split]`` (clips of ``classes`` only, ranking ``candidates``; both
    default to all classes). Writes ``metrics.json``, ``per_class.txt`` and ``confusion.png`` to ``output_dir``."""
    from ..data.torch_dataset import SkeletonTorchDataset
    from .data import keep_labels, load_splits

    model, kind, processor = load_any_model(model_dir)
    _, evaluation, names, _ = load_splits(dataset, eval_split=split)
    if evaluation is None:
        raise ValueError(f"{dataset} has no split {split!r}")
    if classes is not None:
        evaluation = keep_labels(evaluation, classes)
    if max_samples:
        evaluation = evaluation.select(range(min(max_samples, len(evaluation))))
    # The checkpoint's own preprocessing (stream, test crop, centring, view alignment): what its processor does.
    view = SkeletonTorchDataset.from_encoder_config(evaluation, model.config.encoder_config, train=False)
    candidates = list(
        candidates if candidates is not None else (classes if classes is not None else range(len(names)))
    )
    scoring_top1: dict = {}
    ranked, refs = rank_dataset(model, kind, view, candidates, names, processor, batch_size=batch_size,
                                descriptions=descriptions, progress=progress, scoring_top1=scoring_top1)  # fmt: skip
    metrics = action_recognition_metrics(ranked, refs, num_classes=len(names), top_k=(1, 5))
    metrics.update(model_kind=kind, num_samples=len(refs), num_candidates=len(candidates))
    # Per-clip top-1 and truth, in the split's order (as training's eval_metrics.json): a paired test reads them.
    metrics.update(predictions=[row[0] for row in ranked], references=list(refs))
    if scoring_top1:
        metrics["scoring_top1"] = scoring_top1
    if output_dir:
        write_evaluation(metrics, names, output_dir, shown=sorted(set(refs)), title=f"{kind} on {split}")
    return metrics


def write_evaluation(metrics: dict, class_names: Sequence[str], output_dir: str, shown: Sequence[int],
                     title: str) -> None:  # fmt: skip
    """``metrics.json``, ``per_class.txt`` and ``confusion.png`` (the ``shown`` classes) in ``output_dir``."""
    os.makedirs(output_dir, exist_ok=True)
    with open(os.path.join(output_dir, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump({**metrics, "class_names": list(class_names)}, handle)
    with open(os.path.join(output_dir, "per_class.txt"), "w", encoding="utf-8") as handle:
        handle.write(per_class_table(metrics, class_names, shown) + "\n")
    plot_confusion_matrix(metrics["confusion_matrix"], class_names, os.path.join(output_dir, "confusion.png"),
                          title=f"{title}: top-1 {metrics['top1']:.1%}", classes=shown)  # fmt: skip


# ------------------------------------------------------------------------------------------------ prediction
def _softmax(scores: torch.Tensor) -> torch.Tensor:
    return torch.softmax(scores.float(), dim=-1)


def _prediction_rows(probs: torch.Tensor, names: Sequence[str], top_k: int) -> list[list[dict]]:
    top = probs.topk(min(top_k, len(names)), dim=1)
    return [[{"label": names[j], "score": float(p)} for p, j in zip(values.tolist(), index.tolist())]
            for values, index in zip(top.values, top.indices)]  # fmt: skip


@torch.no_grad()
def predict_skeletons(model, kind: str, skeletons: Sequence[np.ndarray], candidates: Sequence[str] | None = None,
                      top_k: int = 5, processor=None, descriptions: str | None = None) -> list[list[dict]]:  # fmt: skip
    """Rank ``candidates`` (default: the model's classes) for each raw ``(T, V, C)`` / ``(M, T, V, C)`` clip;
    ``processor`` is the model's SugarProcessor (stage 2) or text tokenizer (stage 1).

    Returns one list of ``{"label", "score"}`` per clip, best first; scores are probabilities over the candidates:
    a softmax of the summed answer log-likelihoods, or of the fused scores for a model with a knowledge prior
    (stage 2), of the MIL-NCE bag scores of the class texts (stage 1) or of the logits (baseline). Stage 1 and 2 rank any names (zero-shot); the baseline
    only its own classes (a clear error names the others).
    """
    from ..skeleton.pipeline import SkeletonPipeline

    classes = list(getattr(model.config, "class_names", None) or [])
    names = list(dict.fromkeys(c.strip() for c in (candidates or classes) if c and c.strip()))
    if not names:
        raise ValueError("no candidates given and the model records no class names")
    model.eval()
    if kind == "stage2":
        ranked = classify(model, _require_processor(processor), list(skeletons), candidates=names, top_k=len(names))
        out = []
        for row in ranked:
            probs = _softmax(torch.tensor([s for _, s in row]))
            out.append([{"label": n, "score": float(p)} for (n, _), p in zip(row, probs)][:top_k])
        return out
    pipeline = SkeletonPipeline.from_encoder_config(model.config.encoder_config)
    batch = torch.from_numpy(np.stack([pipeline(np.asarray(s, dtype=np.float32)) for s in skeletons]))
    batch = batch.to(next(model.parameters()).device)
    if kind == "stage1":
        from .data import build_text_bank, class_texts

        texts, labels, motion = class_texts(names, range(len(names)), descriptions, "motion+visual")
        bank = build_text_bank(model, processor, texts, labels, motion)
        classes_, texts, index = bank.class_bags(model.text_projection)
        scores = score_stage1(model, batch, texts, index, len(classes_))
    else:
        unknown = [n for n in names if n not in classes]
        if unknown:
            raise ValueError(f"candidates {unknown} are not classes of this baseline model (it has {classes}); "
                             "only SUGAR models (stage 1 or 2) rank unseen names")  # fmt: skip
        scores = score_baseline(model, batch, [classes.index(n) for n in names])
    return _prediction_rows(_softmax(scores), names, top_k)


def predict_files(model_dir: str, files: Sequence[str], candidates: Sequence[str] | None = None, top_k: int = 5,
                  layout=None, descriptions: str | None = None) -> list[dict]:  # fmt: skip
    """``sugar-hf predict``: read each skeleton file (any supported format, by suffix), rank with the saved model
    (stage 2, stage 1 or baseline folder). Returns ``[{"file", "predictions": [{"label", "score"}, ...]}]``."""
    from ..skeleton.readers import read_skeleton_file

    if not os.path.isfile(os.path.join(model_dir, "config.json")):
        raise FileNotFoundError(f"{model_dir} has no config.json: not a saved model folder")
    model, kind, processor = load_any_model(model_dir)
    layout = layout or model.config.encoder_config.layout
    clips = []
    for path in files:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"skeleton file {path} does not exist")
        clips.append(read_skeleton_file(path, layout=layout)[0])
    ranked = predict_skeletons(model, kind, clips, candidates, top_k, processor=processor, descriptions=descriptions)
    return [{"file": str(path), "predictions": row} for path, row in zip(files, ranked)]


def evaluate_command(args) -> str:
    """``examples/evaluate.py`` and ``sugar-hf evaluate`` (arguments: :func:`~sugar_hf.training.arguments.
    add_evaluate_arguments`): evaluate, write the files, return the per-class table and the summary line."""
    from .data import load_splits

    metrics = evaluate_folder(args.model_dir, args.dataset, args.split, args.output_dir, batch_size=args.batch_size,
                              max_samples=args.max_samples, descriptions=args.descriptions)  # fmt: skip
    names = metrics.pop("class_names", None) or load_splits(args.dataset, eval_split=args.split)[2]
    shown = [c for c, row in enumerate(metrics["confusion_matrix"]) if sum(row)]
    return (
        per_class_table(metrics, names, shown) + "\n"
        f"{metrics['model_kind']}: {metrics['num_samples']} clips, top-1 {100 * metrics['top1']:.2f}%, "
        f"top-5 {100 * metrics['top5']:.2f}%, mean per-class {100 * metrics['mean_class_accuracy']:.2f}%"
    )
