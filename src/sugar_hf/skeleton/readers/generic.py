"""Corpora we do not know: NumPy ``.npy`` / ``.npz`` arrays, and a folder of them with a CSV of labels."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from ..layouts import SkeletonLayout, get_layout
from .base import SkeletonSequence, read_text, stem
from .errors import SkeletonFormatError


def read_array(
    path: str | os.PathLike, layout: str | SkeletonLayout = "ntu25", key: str | None = None
) -> SkeletonSequence:
    """Read one ``.npy`` or ``.npz`` skeleton (``(T, V, C)`` or ``(M, T, V, C)``) checked against ``layout``.

    For ``.npz``, ``key`` picks the array (default: the only one, or ``"skeleton"``). Pickled objects are
    refused. Binary format: errors carry ``line=None``.
    """
    lay = get_layout(layout)
    try:
        loaded = np.load(str(path), allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                names = loaded.files
                pick = key or ("skeleton" if "skeleton" in names else (names[0] if len(names) == 1 else None))
                if pick is None or pick not in names:
                    raise SkeletonFormatError(path, None, f"choose the array with key=...; found {names}")
                array = loaded[pick]
        else:
            array = loaded
    except SkeletonFormatError:
        raise
    except Exception as exc:
        raise SkeletonFormatError(
            path, None, f"not a readable NumPy file: {type(exc).__name__}: {exc}"
        ) from None
    if not np.issubdtype(array.dtype, np.number):
        raise SkeletonFormatError(path, None, f"array dtype {array.dtype} is not numeric")
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4:
        raise SkeletonFormatError(path, None, f"shape {array.shape}: expected (T, V, C) or (M, T, V, C)")
    if array.shape[2] != lay.num_joints:
        raise SkeletonFormatError(
            path, None, f"{array.shape[2]} joints, layout {lay.name!r} has {lay.num_joints}"
        )
    if array.shape[1] == 0 or array.shape[0] == 0:
        raise SkeletonFormatError(path, None, "zero frames or persons")
    if not 1 <= array.shape[3] <= 16:
        raise SkeletonFormatError(path, None, f"{array.shape[3]} channels a joint")
    data = array.astype(np.float32)
    if not np.isfinite(data).all():
        raise SkeletonFormatError(path, None, "NaN or infinite value")
    return SkeletonSequence(data=data, name=stem(path), layout=lay.name)


def read_label_csv(path: str | os.PathLike) -> list[dict[str, str]]:
    """Rows of a labels CSV with a header containing at least ``file`` and ``label`` columns."""
    text, _ = read_text(path)
    reader = csv.DictReader(text.splitlines())
    fields = reader.fieldnames or []
    if "file" not in fields or "label" not in fields:
        raise SkeletonFormatError(path, 1, f"header must name 'file' and 'label' columns, found {fields}")
    rows = []
    for k, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise SkeletonFormatError(path, k, "wrong number of columns")
        if not row["file"].strip() or not row["label"].strip():
            raise SkeletonFormatError(path, k, "empty file or label")
        row["_line"] = str(k)
        rows.append(row)
    if not rows:
        raise SkeletonFormatError(path, 1, "no rows")
    return rows


def read_array_folder(
    folder: str | os.PathLike, labels_csv: str | os.PathLike, layout: str | SkeletonLayout
) -> tuple[list[SkeletonSequence], list[str]]:
    """Read every array listed in ``labels_csv`` (paths relative to ``folder``).

    ``label`` column values are class names; the returned class list is their sorted set unless all are
    integers (then ids are used as given). Extra CSV columns (``subject``, ``camera``, ``split``...) go to
    ``meta``. Returns ``(sequences, class_names)``; an unreadable array raises.
    """
    rows = read_label_csv(labels_csv)
    raw = [r["label"].strip() for r in rows]
    if all(v.isdigit() for v in raw):
        classes = [str(i) for i in range(max(int(v) for v in raw) + 1)]
    else:
        classes = sorted(set(raw))
    out = []
    for row, value in zip(rows, raw):
        seq = read_array(Path(folder) / row["file"].strip(), layout)
        seq.label = classes.index(value)
        seq.meta.update({k: v for k, v in row.items() if k not in ("file", "label", "_line")})
        out.append(seq)
    return out, classes
