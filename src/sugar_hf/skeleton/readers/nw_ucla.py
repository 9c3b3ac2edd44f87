"""NW-UCLA ``all_sqe`` JSON files (CTR-GCN release): ``{"file_name", "label", "skeletons": T x 20 x 3}``."""

from __future__ import annotations

import json
import os
import re

import numpy as np

from .base import SkeletonSequence, read_text, stem
from .errors import SkeletonFormatError

_NAME = re.compile(r"a(\d+)_s(\d+)_e(\d+)_v(\d+)")


def parse_nw_ucla_name(name: str) -> dict[str, int]:
    """``"a01_s02_e03_v01"`` -> ``{"action": 1, "subject": 2, "repetition": 3, "view": 1}``."""
    m = _NAME.search(name)
    if m is None:
        raise ValueError(f"{name!r} is not an NW-UCLA name (aAA_sSS_eEE_vVV)")
    return dict(zip(("action", "subject", "repetition", "view"), (int(g) for g in m.groups())))


def load_json(path: str | os.PathLike):
    """Parse a JSON file; syntax errors become :class:`SkeletonFormatError` with the line."""
    text, _ = read_text(path)
    try:
        return json.loads(text, parse_constant=lambda c: _bad_constant(path, text, c))
    except json.JSONDecodeError as exc:
        raise SkeletonFormatError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise SkeletonFormatError(path, 1, "JSON nested too deeply") from None


def _bad_constant(path, text: str, constant: str):
    line = text[: text.find(constant)].count("\n") + 1
    raise SkeletonFormatError(path, line, f"{constant} is not a valid coordinate")


def line_of(text_or_path, key: str) -> int:
    """1-based line of the first occurrence of ``"key"`` in a JSON text (1 when absent)."""
    text = text_or_path
    pos = text.find(f'"{key}"')
    return text[: max(pos, 0)].count("\n") + 1


def to_array(path, value, shape_tail: tuple[int, ...], line: int, what: str) -> np.ndarray:
    """Convert nested lists to float32 of shape ``(T, *shape_tail)`` or fail naming the line."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise SkeletonFormatError(path, line, f"{what} is not a rectangular array of numbers") from None
    if array.ndim != 1 + len(shape_tail) or array.shape[1:] != shape_tail:
        raise SkeletonFormatError(
            path, line, f"{what} has shape {array.shape}, expected (frames, {shape_tail})"
        )
    if array.shape[0] == 0:
        raise SkeletonFormatError(path, line, f"{what} has zero frames")
    if not np.isfinite(array).all():
        raise SkeletonFormatError(path, line, f"{what} contains NaN or infinite values")
    return array.astype(np.float32)


def read_nw_ucla(path: str | os.PathLike) -> SkeletonSequence:
    """Read one NW-UCLA ``all_sqe`` file into ``data`` ``(1, frames, 20, 3)``, layout ``kinect_v1_20``.

    ``label`` is the file's compact label minus one (0..9, the order of ``CORPUS_CLASSES["nw_ucla"]``);
    ``meta`` has ``action`` (the aXX id), ``subject``, ``repetition``, ``view``.
    """
    obj = load_json(path)
    text, _ = read_text(path)
    if not isinstance(obj, dict) or "skeletons" not in obj:
        raise SkeletonFormatError(path, 1, "expected a JSON object with a 'skeletons' key")
    line = line_of(text, "skeletons")
    data = to_array(path, obj["skeletons"], (20, 3), line, "'skeletons'")
    label = obj.get("label")
    if label is not None and (isinstance(label, bool) or not isinstance(label, int) or not 1 <= label <= 10):
        raise SkeletonFormatError(path, line_of(text, "label"), f"label {label!r} is not an integer in 1..10")
    name = stem(path)
    try:
        meta = parse_nw_ucla_name(name)
    except ValueError:
        meta = {}
    return SkeletonSequence(
        data=data[None],
        name=name,
        layout="kinect_v1_20",
        label=None if label is None else label - 1,
        meta=meta,
    )
