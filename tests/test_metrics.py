"""The action-recognition evaluate module against hand-computed values."""

import math

import pytest

from sugar_hf.metrics import action_recognition_metrics, confusion_matrix, load_metric, plot_confusion_matrix

# 4 classes, 5 samples; rankings best first.
PREDICTIONS = [
    [0, 1, 2, 3],  # ref 0: top-1 hit
    [2, 3, 0, 1],  # ref 1: miss at top-1, rank 4
    [1, 2, 0, 3],  # ref 1: top-1 hit
    [3, 0, 1, 2],  # ref 2: miss, rank 4
    [0, 3, 1, 2],  # ref 3: miss, rank 2
]
REFERENCES = [0, 1, 1, 2, 3]


def test_plain_function_matches_hand_computed():
    out = action_recognition_metrics(PREDICTIONS, REFERENCES, num_classes=4, top_k=(1, 2, 5))
    assert out["top1"] == pytest.approx(2 / 5)
    assert out["top2"] == pytest.approx(3 / 5)
    assert out["top5"] == pytest.approx(1.0)
    # per class: 0 -> 1/1, 1 -> 1/2, 2 -> 0/1, 3 -> 0/1; mean = 0.375 (sample accuracy is 0.4)
    assert out["per_class_accuracy"] == pytest.approx([1.0, 0.5, 0.0, 0.0])
    assert out["mean_class_accuracy"] == pytest.approx(0.375)
    assert out["confusion_matrix"] == [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]


def test_top5_with_more_classes_and_absent_class():
    preds = [[5, 4, 3, 2, 1, 0], [0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0]]
    refs = [0, 4, 0]  # ranks 6, 5, 6
    out = action_recognition_metrics(preds, refs, num_classes=6)
    assert out["top1"] == 0.0
    assert out["top5"] == pytest.approx(1 / 3)  # only the second sample has its class in the first five
    assert math.isnan(out["per_class_accuracy"][2])  # no sample of class 2: left out of the mean
    assert out["mean_class_accuracy"] == 0.0


def test_evaluate_load_offline_matches_plain():
    metric = load_metric()
    out = metric.compute(predictions=PREDICTIONS, references=REFERENCES, num_classes=4, top_k=[1, 5])
    assert out["top1"] == pytest.approx(0.4)
    assert out["top5"] == pytest.approx(1.0)
    assert out["mean_class_accuracy"] == pytest.approx(0.375)
    metric.add_batch(predictions=PREDICTIONS[:2], references=REFERENCES[:2])
    metric.add_batch(predictions=PREDICTIONS[2:], references=REFERENCES[2:])
    assert metric.compute(num_classes=4)["confusion_matrix"][1] == [0, 1, 1, 0]


def test_confusion_matrix_counts_and_is_the_metrics_matrix():
    counts = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    assert counts.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    top1 = [p[0] for p in PREDICTIONS]
    assert confusion_matrix(REFERENCES, top1, 4).tolist() == action_recognition_metrics(
        PREDICTIONS, REFERENCES, num_classes=4
    )["confusion_matrix"]


def test_confusion_plot_has_counts_title_colour_bar_and_keeps_the_given_classes(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    figures = []
    close = plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: (figures.append(fig), close(fig)))
    counts = confusion_matrix([0, 1, 1, 3, 3, 3], [0, 1, 3, 3, 3, 0], 4)  # class 2 has no clip
    png = plot_confusion_matrix(counts, ["a", "b", "c", "d"], tmp_path / "out" / "cm.png", title="test split",
                                classes=[0, 1, 3])  # fmt: skip
    assert png == tmp_path / "out" / "cm.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image_axis, bar_axis = figures[0].axes  # the matrix and its colour bar
    assert image_axis.get_title() == "test split"
    assert [t.get_text() for t in image_axis.get_yticklabels()] == ["a", "b", "d"]
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in image_axis.texts}
    assert cells == {(0, 0): "1", (1, 1): "1", (1, 2): "1", (2, 2): "2", (2, 0): "1"}  # zero cells stay empty
    shown = image_axis.images[0].get_array()
    assert shown[2].tolist() == pytest.approx([1 / 3, 0.0, 2 / 3])  # rows normalised over the kept classes
    assert bar_axis.get_ylabel() == "fraction of the true class"
