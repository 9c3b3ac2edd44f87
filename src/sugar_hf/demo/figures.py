"""Figures of the demo: a skeleton animation GIF (matplotlib + pillow); the confusion matrix is
:func:`sugar_hf.metrics.plot_confusion_matrix`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..skeleton_layouts import get_layout


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
