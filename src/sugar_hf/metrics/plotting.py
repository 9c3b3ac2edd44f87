"""The confusion-matrix figure of ``sugar-hf evaluate`` and the quickstart (matplotlib, Agg canvas).

One plot for both: the row-normalised matrix (true class down, top-1 prediction across) with each cell's count
written in it, a title and a colour bar. Counts come from :func:`sugar_hf.metrics.confusion_matrix` (the
``confusion_matrix`` entry of :func:`~sugar_hf.metrics.action_recognition_metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

MANY_CLASSES = 30
"""Above this many classes the cells, tick labels and counts are drawn smaller (NTU-60 / NTU-120 stay legible)."""


def _normalised(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its sum (rows without samples stay 0)."""
    rows = matrix.sum(1, keepdims=True)
    return np.divide(matrix, rows, out=np.zeros(matrix.shape, dtype=float), where=rows > 0)


def plot_confusion_matrix(
    matrix,
    class_names: Sequence[str],
    path: str | Path,
    title: str = "",
    classes: Sequence[int] | None = None,
) -> Path:
    """Save the confusion matrix ``matrix`` (counts, row = true class) as a PNG at ``path``; returns the path.

    ``classes`` (ids into ``class_names`` and the matrix) keeps only those rows and columns, e.g. the classes
    that occur in the evaluated split; rows are normalised over the kept columns.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = np.asarray(matrix, dtype=np.int64)
    kept = list(classes) if classes is not None else list(range(len(class_names)))
    counts = counts[np.ix_(kept, kept)]
    names = [class_names[c] for c in kept]
    norm = _normalised(counts)
    many = len(names) > MANY_CLASSES
    size = 1.6 + (0.3 if many else 0.55) * len(names)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ticks = {"fontsize": 6} if many else {}
    ax.set_xticks(
        range(len(names)), names, rotation=90 if many else 45, ha="center" if many else "right", **ticks
    )
    ax.set_yticks(range(len(names)), names, **ticks)
    ax.set_xlabel("predicted (top-1)")
    ax.set_ylabel("true class")
    for i, j in zip(*np.nonzero(counts)):
        ax.text(j, i, str(counts[i, j]), ha="center", va="center",
                color="white" if norm[i, j] > 0.5 else "black", fontsize=5 if many else 8)  # fmt: skip
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.046, label="fraction of the true class")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
