"""Action-recognition metrics as an ``evaluate`` module: top-1, top-k, mean per-class accuracy, confusion matrix.

Load it offline with ``evaluate.load(path_to_this_folder)`` (``sugar_hf.metrics.load_metric()`` does that).
Each prediction is the list of class ids ranked best first (at least ``max(top_k)`` long, or shorter when
there are fewer classes), or one plain class id (an argmax: top-k then counts only that id); each reference is
the true class id.
"""

import datasets
import evaluate

from sugar_hf.metrics.functional import action_recognition_metrics

_DESCRIPTION = """Top-k accuracy, mean per-class accuracy (the headline metric of Toyota Smarthome) and the
confusion matrix of the top-1 predictions, from ranked class-id predictions."""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `list` of `int`, or `list` of `int`): class ids per sample, ranked best first, or
        the top-1 class id per sample.
    references (`list` of `int`): the true class id per sample.
    num_classes (`int`, optional): size of the confusion matrix (default: 1 + the largest id seen).
    top_k (`list` of `int`, optional): the k of each top-k accuracy (default `[1, 5]`).
Returns:
    top1, top5, ... (`float` in [0, 1]): share of samples whose true class is among the first k predictions.
    mean_class_accuracy (`float`): top-1 accuracy averaged over the classes that occur in `references`.
    per_class_accuracy (`list` of `float`): top-1 accuracy per class id (NaN for classes with no sample).
    confusion_matrix (`list` of `list` of `int`): rows are true classes, columns top-1 predictions.
Examples:
    >>> metric = evaluate.load("src/sugar_hf/metrics/action_recognition")
    >>> metric.compute(predictions=[[0, 1], [0, 1]], references=[0, 1], top_k=[1, 2])["top1"]
    0.5
    >>> metric.compute(predictions=[0, 1, 1], references=[0, 1, 2])["top1"]
    0.6666666666666666
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class ActionRecognition(evaluate.Metric):
    """Top-k accuracy, mean per-class accuracy and confusion matrix of ranked class predictions."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features(
                    {
                        "predictions": datasets.Sequence(datasets.Value("int64")),
                        "references": datasets.Value("int64"),
                    }
                ),
                datasets.Features(
                    {"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}
                ),
            ],
        )

    def _compute(self, predictions, references, num_classes=None, top_k=(1, 5)):
        return action_recognition_metrics(
            predictions, references, num_classes=num_classes, top_k=tuple(top_k)
        )
