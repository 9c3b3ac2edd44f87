"""Figures of the demo: a confusion-matrix PNG and a skeleton animation GIF (matplotlib + pillow)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..skeleton_layouts import get_layout


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], num_classes: int) -> np.ndarray:
    """Counts ``(num_classes, num_classes)``: row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        matrix[int(t), int(p)] += 1
    return matrix


def plot_confusion_matrix(
    matrix: np.ndarray, class_names: Sequence[str], path: str | Path, title: str = ""
) -> Path:
    """Save a row-normalised confusion matrix with the counts written in each cell."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = matrix.sum(1, keepdims=True)
    norm = np.divide(matrix, rows, out=np.zeros(matrix.shape, dtype=float), where=rows > 0)
    size = 1.6 + 0.55 * len(class_names)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                        color="white" if norm[i, j] > 0.5 else "black", fontsize=8)  # fmt: skip
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.046, label="fraction of the true class")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def animate_skeleton(skeleton: np.ndarray, path: str | Path, layout: str = "ntu25", title: str = "",
                     fps: int = 15, step: int = 2) -> Path:  # fmt: skip
    """Save a GIF of a clip ``(persons, frames, joints, 3)`` or ``(frames, joints, 3)`` seen from the front
    (x right, y up), every ``step``-th frame."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter

    x = np.asarray(skeleton, dtype=np.float32)
    x = x[None] if x.ndim == 3 else x
    present = np.abs(x).reshape(x.shape[0], -1).sum(1) > 0
    x = x[present] if present.any() else x[:1]
    edges = get_layout(layout).inward_edges
    points = x[..., :2].reshape(-1, 2)
    lo, hi = points.min(0), points.max(0)
    pad = 0.1 * float((hi - lo).max() + 1e-6)
    fig, ax = plt.subplots(figsize=(3.6, 4.2))
    ax.set_xlim(lo[0] - pad, hi[0] + pad)
    ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")
    ax.axis("off")
    lines = [[ax.plot([], [], "-", lw=2.5, color=f"C{m}")[0] for _ in edges] for m in range(len(x))]
    dots = [ax.plot([], [], "o", ms=3, color="k")[0] for _ in range(len(x))]
    label = ax.set_title(title, fontsize=9)
    frames = list(range(0, x.shape[1], step))

    def draw(t):
        for m, body in enumerate(x):
            for line, (a, b) in zip(lines[m], edges):
                line.set_data(body[t, [a, b], 0], body[t, [a, b], 1])
            dots[m].set_data(body[t, :, 0], body[t, :, 1])
        return [*sum(lines, []), *dots, label]

    animation = FuncAnimation(fig, draw, frames=frames, blit=False)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    animation.save(path, writer=PillowWriter(fps=fps))
    plt.close(fig)
    return path
