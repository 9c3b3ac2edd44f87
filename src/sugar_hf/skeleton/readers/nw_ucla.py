"""NW-UCLA ``all_sqe`` JSON files (CTR-GCN release): ``{"file_name", "label", "skeletons": T x 20 x 3}``."""

from __future__ import annotations

import json
import os
import re

import numpy as np

from .base import MAX_NUMBER_CHARS, SkeletonSequence, read_text, stem
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve

MAX_JSON_INT_DIGITS = 30
"""Longer JSON integers are refused while parsing (Python's own limit is 4,300 digits, as a ValueError)."""
MAX_JSON_DEPTH = 16
"""Deeper JSON nesting is refused (a skeleton file nests at most 5 levels: object, frames, detections...)."""

_NAME = re.compile(r"a(\d+)_s(\d+)_e(\d+)_v(\d+)")


def parse_nw_ucla_name(name: str) -> dict[str, int]:
    """``"a01_s02_e03_v01"`` -> ``{"action": 1, "subject": 2, "repetition": 3, "view": 1}``."""
    m = _NAME.search(name)
    if m is None:
        raise ValueError(f"{name!r} is not an NW-UCLA name (aAA_sSS_eEE_vVV)")
    return dict(zip(("action", "subject", "repetition", "view"), (int(g) for g in m.groups())))


def load_json(path: str | os.PathLike, limits: ReadLimits | None = None):
    """Parse a JSON file; syntax errors, ``NaN``/``Infinity``, integers of more than 30 digits, numbers of
    more than ``MAX_NUMBER_CHARS`` characters, duplicate keys in one object and nesting deeper than
    ``MAX_JSON_DEPTH`` become :class:`SkeletonFormatError` with the line."""
    return load_json_text(path, limits)[0]


def load_json_text(path: str | os.PathLike, limits: ReadLimits | None = None):
    """``(object, text)`` of a JSON file (see :func:`load_json`)."""
    text, _ = read_text(path, limits, line_bound=False)
    return _loads(path, text), text


def _check_depth(path, obj) -> None:
    """Refuse nesting deeper than ``MAX_JSON_DEPTH`` (iteratively, so numpy never meets 32+ dimensions and no
    reader recurses; deeper text than the parser's recursion limit is refused by the parser)."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise SkeletonFormatError(path, 1, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((c, depth + 1) for c in children if isinstance(c, (list, dict)))


def _loads(path, text: str):
    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_JSON_INT_DIGITS:
            line = text[: text.find(digits)].count("\n") + 1
            raise SkeletonFormatError(path, line, f"integer of {len(digits)} digits in the JSON")
        return int(digits)

    def parse_float(token: str) -> float:
        if len(token) > MAX_NUMBER_CHARS:
            line = text[: text.find(token)].count("\n") + 1
            raise SkeletonFormatError(path, line, f"a number of {len(token)} characters in the JSON")
        return float(token)

    def unique_keys(pairs: list) -> dict:
        out = dict(pairs)
        if len(out) != len(pairs):
            seen: set = set()
            dup = next(k for k, _ in pairs if k in seen or seen.add(k))
            line = text[: text.find(json.dumps(dup))].count("\n") + 1
            raise SkeletonFormatError(path, line, f"duplicate key {dup[:40]!r} in a JSON object")
        return out

    try:
        obj = json.loads(
            text,
            parse_constant=lambda c: _bad_constant(path, text, c),
            parse_int=parse_int,
            parse_float=parse_float,
            object_pairs_hook=unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise SkeletonFormatError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise SkeletonFormatError(path, 1, "JSON nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # e.g. int/float conversion limits
        if isinstance(exc, SkeletonFormatError):
            raise
        raise SkeletonFormatError(path, 1, f"invalid JSON: {type(exc).__name__}: {exc}"[:200]) from None
    if isinstance(obj, (list, dict)):
        _check_depth(path, obj)
    return obj


def _bad_constant(path, text: str, constant: str):
    line = text[: text.find(constant)].count("\n") + 1
    raise SkeletonFormatError(path, line, f"{constant} is not a valid coordinate")


def line_of(text_or_path, key: str) -> int:
    """1-based line of the first occurrence of ``"key"`` in a JSON text (1 when absent)."""
    text = text_or_path
    pos = text.find(f'"{key}"')
    return text[: max(pos, 0)].count("\n") + 1


def numeric_array(path, value, line: int, what: str) -> np.ndarray:
    """Nested JSON lists of numbers (``int``/``float`` only: no strings, booleans or nulls) as float32,
    finite after the cast, or :class:`SkeletonFormatError` naming the line."""
    try:
        array = np.array(value, dtype=object)
    except (ValueError, TypeError, RuntimeError, RecursionError):
        raise SkeletonFormatError(path, line, f"{what} is not a rectangular array of numbers") from None
    types = set(map(type, array.flat))
    if not types <= {int, float}:
        bad = sorted(t.__name__ for t in types - {int, float}) or ["list"]
        raise SkeletonFormatError(
            path, line, f"{what} is not a rectangular array of numbers (found {', '.join(bad)})"
        )
    try:
        with np.errstate(over="ignore"):
            array = array.astype(np.float64).astype(np.float32)
    except (OverflowError, ValueError, TypeError):
        raise SkeletonFormatError(path, line, f"{what} holds a number beyond float range") from None
    if not np.isfinite(array).all():
        raise SkeletonFormatError(path, line, f"{what} contains NaN or infinite values (or beyond float32)")
    return array


def to_array(path, value, shape_tail: tuple[int, ...], line: int, what: str) -> np.ndarray:
    """Convert nested lists to float32 of shape ``(T, *shape_tail)`` or fail naming the line."""
    if not isinstance(value, list):
        raise SkeletonFormatError(path, line, f"{what} is not a list")
    array = numeric_array(path, value, line, what)
    if array.ndim != 1 + len(shape_tail) or array.shape[1:] != shape_tail:
        raise SkeletonFormatError(
            path, line, f"{what} has shape {array.shape}, expected (frames, {shape_tail})"
        )
    if array.shape[0] == 0:
        raise SkeletonFormatError(path, line, f"{what} has zero frames")
    return array


def read_nw_ucla(path: str | os.PathLike, limits: ReadLimits | None = None) -> SkeletonSequence:
    """Read one NW-UCLA ``all_sqe`` file into ``data`` ``(1, frames, 20, 3)``, layout ``kinect_v1_20``.

    ``label`` is the file's compact label minus one (0..9, the order of ``sugar_hf.corpora.class_names("nw_ucla")``);
    ``meta`` has ``action`` (the aXX id), ``subject``, ``repetition``, ``view``. Coordinates must be JSON
    numbers (strings and booleans are refused), finite in float32.
    """
    lim = resolve(limits)
    obj, text = load_json_text(path, lim)
    if not isinstance(obj, dict) or "skeletons" not in obj:
        raise SkeletonFormatError(path, 1, "expected a JSON object with a 'skeletons' key")
    line = line_of(text, "skeletons")
    data = to_array(path, obj["skeletons"], (20, 3), line, "'skeletons'")
    lim.check_frames(path, data.shape[0], line)
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
