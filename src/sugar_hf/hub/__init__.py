"""Hub packaging: model and dataset cards, publishing (model, converted datasets, Space) and exports."""

from .cards import EvalRecord, dataset_card, eval_results, model_card, results_from_metrics, results_table

__all__ = [
    "EvalRecord",
    "dataset_card",
    "eval_results",
    "model_card",
    "results_from_metrics",
    "results_table",
]
