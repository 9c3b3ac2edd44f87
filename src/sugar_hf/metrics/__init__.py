"""Metrics: the ``action_recognition`` evaluate module (top-1/top-5, mean per-class accuracy, confusion matrix).

``load_metric()`` loads it offline through ``evaluate.load``; ``action_recognition_metrics`` is the same
computation as a plain function, ``confusion_matrix`` its count matrix and ``plot_confusion_matrix`` the one
figure of it (``sugar-hf evaluate`` and the quickstart draw it).
"""

from __future__ import annotations

from pathlib import Path

from .functional import action_recognition_metrics, confusion_matrix
from .plotting import plot_confusion_matrix

METRIC_PATH = Path(__file__).parent / "action_recognition"
"""The folder of the evaluate module (``evaluate.load(str(METRIC_PATH))``)."""


def load_metric(**kwargs):
    """``evaluate.load`` of the packaged action-recognition module (no network)."""
    import evaluate

    return evaluate.load(str(METRIC_PATH), **kwargs)


__all__ = [
    "METRIC_PATH",
    "action_recognition_metrics",
    "confusion_matrix",
    "load_metric",
    "plot_confusion_matrix",
]
