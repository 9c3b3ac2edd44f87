"""The row schema every corpus converts to, and the conversions between rows and skeleton arrays.

Row schema (all corpora)::

    name         string   sample / clip name
    source       string   the raw file (recording) the row came from
    skeleton     Array3D(shape=(None, V, C), float32)  persons stacked along time: (num_persons * T, V, C)
    num_persons  int32    M; ``skeleton.reshape(M, T, V, C)`` recovers the (persons, frames, ...) array
    num_frames   int32    T
    label        ClassLabel(official class names)
    subject, camera, setup, view   int32 ids (-1 when the corpus has no such id)
"""

from __future__ import annotations

import numpy as np

from ..skeleton.readers import SkeletonSequence
from ..skeleton_layouts import get_layout

ID_COLUMNS = ("subject", "camera", "setup", "view")


def skeleton_features(
    layout: str, class_names: list[str], channels: int = 3, name_columns: tuple[str, ...] = ()
):
    """The explicit ``datasets.Features`` of a corpus with the given joint layout and channel count;
    ``name_columns`` adds ``<id>_name`` string columns (the original string ids of a folder corpus)."""
    from datasets import Array3D, ClassLabel, Features, Value

    layout = get_layout(layout)
    c = channels
    return Features(
        {
            "name": Value("string"),
            "source": Value("string"),
            "skeleton": Array3D(shape=(None, layout.num_joints, c), dtype="float32"),
            "num_persons": Value("int32"),
            "num_frames": Value("int32"),
            "label": ClassLabel(names=list(class_names)),
            **{k: Value("int32") for k in ID_COLUMNS},
            **{f"{k}_name": Value("string") for k in name_columns},
        }
    )


def sequence_to_row(seq: SkeletonSequence, source: str) -> dict:
    """Flatten a :class:`SkeletonSequence` into a dataset row (persons stacked along time)."""
    m, t, v, c = seq.data.shape
    row = {
        "name": seq.name,
        "source": source,
        "skeleton": np.ascontiguousarray(seq.data, dtype=np.float32).reshape(m * t, v, c),
        "num_persons": m,
        "num_frames": t,
        "label": seq.label,
    }
    for key in ID_COLUMNS:
        value = seq.meta.get(key, -1)
        row[key] = value if isinstance(value, int) else -1
    return row


def row_to_skeleton(row: dict) -> np.ndarray:
    """Recover ``(persons, frames, joints, channels)`` float32 from a row."""
    skel = np.asarray(row["skeleton"], dtype=np.float32)
    return skel.reshape(int(row["num_persons"]), int(row["num_frames"]), *skel.shape[1:])


def keep_present(data: np.ndarray) -> np.ndarray:
    """Drop the all-zero persons of ``(M, T, V, C)`` data (keeping the first when every person is zero)."""
    present = np.abs(data).sum(axis=(1, 2, 3)) > 0
    return data[present] if present.any() else data[:1]
