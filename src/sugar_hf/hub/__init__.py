"""Hub packaging: model and dataset cards, publishing (model, converted datasets, Space) and exports."""

from .cards import EvalRecord, dataset_card, eval_results, model_card, results_from_metrics, results_table
from .corpora import CORPORA, CorpusInfo, corpus_info, is_research_corpus

__all__ = [
    "CORPORA",
    "CorpusInfo",
    "EvalRecord",
    "corpus_info",
    "dataset_card",
    "eval_results",
    "is_research_corpus",
    "model_card",
    "results_from_metrics",
    "results_table",
]
