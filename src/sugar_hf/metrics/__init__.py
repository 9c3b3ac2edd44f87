"""Metrics: the ``action_recognition`` evaluate module (top-1/top-5, mean per-class accuracy, confusion matrix).

``load_metric()`` loads it offline through ``evaluate.load``; ``action_recognition_metrics`` is the same
computation as a plain function.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

METRIC_PATH = Path(__file__).parent / "action_recognition"
"""The folder of the evaluate module (``evaluate.load(str(METRIC_PATH))``)."""


def load_metric(**kwargs):
    """``evaluate.load`` of the packaged action-recognition module (no network)."""
    import evaluate

    return evaluate.load(str(METRIC_PATH), **kwargs)


def _plain_module():
    spec = importlib.util.spec_from_file_location(
        "_sugar_action_recognition", METRIC_PATH / "action_recognition.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def action_recognition_metrics(predictions, references, num_classes=None, top_k=(1, 5)) -> dict:
    """Top-k accuracies, ``mean_class_accuracy``, ``per_class_accuracy`` and ``confusion_matrix``.

    ``predictions``: per sample, class ids ranked best first; ``references``: true class ids.
    """
    return _plain_module().action_recognition_metrics(predictions, references, num_classes, top_k)


__all__ = ["METRIC_PATH", "action_recognition_metrics", "load_metric"]
