"""The action-recognition metrics as plain numpy functions (the evaluate module wraps them)."""

from collections.abc import Sequence

import numpy as np


def confusion_matrix(references: Sequence[int], predictions: Sequence[int], num_classes: int) -> np.ndarray:
    """Counts ``(num_classes, num_classes)``: row = true class, column = predicted (top-1) class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(references, dtype=np.int64), np.asarray(predictions, dtype=np.int64)), 1)
    return matrix


def action_recognition_metrics(predictions, references, num_classes=None, top_k=(1, 5)):
    """The metrics of this module as a plain function (numpy only). A prediction is a ranked list of class ids
    or one class id (the top-1 prediction, as from an argmax); plain ids count as a one-class ranking."""
    refs = np.asarray(references, dtype=np.int64)
    ranked = [[int(p)] if np.ndim(p) == 0 else [int(x) for x in p] for p in predictions]
    if len(ranked) != len(refs):
        raise ValueError(f"{len(ranked)} predictions for {len(refs)} references")
    if any(len(p) == 0 for p in ranked):
        raise ValueError("every prediction must rank at least one class")
    top1 = np.asarray([p[0] for p in ranked], dtype=np.int64)
    if num_classes is None:
        num_classes = int(max([refs.max(initial=-1), top1.max(initial=-1)] + [max(p) for p in ranked])) + 1
    out = {}
    for k in top_k:
        hits = [ref in p[:k] for p, ref in zip(ranked, refs)]
        out[f"top{k}"] = float(np.mean(hits)) if hits else float("nan")
    confusion = confusion_matrix(refs, top1, num_classes)
    support = confusion.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(support > 0, np.diag(confusion) / np.maximum(support, 1), np.nan)
    out["mean_class_accuracy"] = float(np.nanmean(per_class)) if (support > 0).any() else float("nan")
    out["per_class_accuracy"] = [float(x) for x in per_class]
    out["confusion_matrix"] = confusion.tolist()
    return out
