"""What every reader returns, and small helpers they share."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve


@dataclass
class SkeletonSequence:
    """One skeleton sequence (a trimmed clip or a whole untrimmed recording).

    Attributes:
        data: float32 array ``(persons, frames, joints, channels)``; an absent body in a frame is all zeros.
        name: Sample name (file stem, or ``<stem>_<index>`` for clips cut out of a longer recording).
        layout: Name of the joint layout (see :func:`sugar_hf.skeleton_layouts.get_layout`).
        label: 0-based class id, or ``None`` when the file carries no label.
        meta: Corpus-specific ids (``subject``, ``camera``, ``setup``, ``view``, ``replication``, ``start``,
            ``end``...) and extras such as NTU ``body_ids``.
    """

    data: np.ndarray
    name: str
    layout: str
    label: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def num_persons(self) -> int:
        return int(self.data.shape[0])

    @property
    def num_frames(self) -> int:
        return int(self.data.shape[1])


def read_text(path: str | os.PathLike, limits: ReadLimits | None = None) -> tuple[str, list[str]]:
    """Read a text file as UTF-8 (LF, CRLF or CR line ends) and return ``(text, lines)``; empty files fail.

    Files above ``limits.max_file_bytes`` are refused before they are read.
    """
    resolve(limits).check_file(path)
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SkeletonFormatError(path, None, f"cannot read file: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SkeletonFormatError(path, line, "not UTF-8 text") from exc
    if not text.strip():
        raise SkeletonFormatError(path, 1, "file is empty")
    return text, text.splitlines()


# Plain decimal numbers only: no '1_000', no non-ASCII digits, no 'nan'/'inf' spellings, no hex.
FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
INT_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMERIC_TEXT = re.compile(r"[0-9eE+\-. \t\n]*", re.ASCII)
NONFINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
MAX_INT_DIGITS = 18
FLOAT32_OVERFLOW = 2.0**128 - 2.0**103
"""The smallest magnitude that rounds to inf when cast to float32."""

_CHUNK_LINES = 4096


def strict_float(token: str) -> float | None:
    """``float(token)`` for a plain decimal number (``FLOAT_RE``), else ``None``."""
    return float(token) if FLOAT_RE.fullmatch(token) else None


def strict_int(token: str) -> int | None:
    """``int(token)`` for ``[+-]digits`` (ASCII, at most 18 digits), else ``None``."""
    token = token.strip()
    if not INT_RE.fullmatch(token) or len(token.lstrip("+-")) > MAX_INT_DIGITS:
        return None
    return int(token)


def parse_floats(
    path,
    lines: list[str],
    first_line: int,
    per_line: int | None = None,
    dtype=np.float64,
) -> np.ndarray:
    """Parse whitespace-separated numbers of ``lines`` (1-based ``first_line`` is ``lines[0]``) strictly.

    Returns ``dtype`` ``(len(lines), per_line)`` when ``per_line`` is given, else a flat array. A token that
    is not a plain decimal number (see ``FLOAT_RE``: ``1_000``, non-ASCII digits, ``nan``, ``inf`` are
    refused), a wrong count on any line, or a value that is not finite in ``dtype`` *and* in float32 (``1e39``)
    raises :class:`SkeletonFormatError` naming the line. Works in chunks of lines, so the memory is the
    result plus one chunk's tokens.
    """
    if per_line is None:
        tokens = " ".join(lines).split()
        out = _convert(path, lines, first_line, tokens, None)
        return out.astype(dtype, copy=False)
    out = np.empty((len(lines), per_line), dtype=dtype)
    for c0 in range(0, len(lines), _CHUNK_LINES):
        chunk = lines[c0 : c0 + _CHUNK_LINES]
        split = [line.split() for line in chunk]
        if any(len(parts) != per_line for parts in split):
            i = next(i for i, parts in enumerate(split) if len(parts) != per_line)
            raise SkeletonFormatError(
                path, first_line + c0 + i, f"expected {per_line} numbers, found {len(split[i])}"
            )
        values = _convert(path, chunk, first_line + c0, split, per_line)
        out[c0 : c0 + len(chunk)] = values.reshape(len(chunk), per_line)
    return out


def _convert(path, lines: list[str], first_line: int, tokens: list, per_line: int | None) -> np.ndarray:
    """float64 of ``tokens`` (all from ``lines``: a flat list, or one list a line) or the error naming the
    first bad line."""
    values = None
    if _NUMERIC_TEXT.fullmatch("\n".join(lines)):
        try:
            values = np.array(tokens, dtype=np.float64)
        except ValueError:
            values = None
    if values is not None and (not values.size or np.abs(values).max() < FLOAT32_OVERFLOW):
        return values
    # Slow path, only on error: find the first bad token.
    for i, line in enumerate(lines):
        for token in line.split():
            number = strict_float(token)
            if number is None:
                if token.lower() in NONFINITE:
                    raise SkeletonFormatError(path, first_line + i, f"NaN or infinite value {token!r}")
                raise SkeletonFormatError(path, first_line + i, f"not a number: {token[:40]!r}")
            if not abs(number) < FLOAT32_OVERFLOW:
                raise SkeletonFormatError(
                    path, first_line + i, f"value {token[:40]!r} is not finite in float32"
                )
        check_numeric_text(path, line, first_line + i)
    raise SkeletonFormatError(path, first_line, "malformed numbers")  # pragma: no cover


_BAD_CHAR = re.compile(r"[^0-9eE+\-. \t]", re.ASCII)


def check_numeric_text(path, line: str, lineno: int) -> None:
    """Refuse a line of numbers with any character but ASCII digits, ``eE+-.``, space and tab (such as a
    no-break space, which ``str.split`` would silently take for a separator)."""
    m = _BAD_CHAR.search(line)
    if m is not None:
        raise SkeletonFormatError(path, lineno, f"unexpected character {m.group(0)!r} among the numbers")


def parse_int(
    path,
    lines: list[str],
    index: int,
    what: str,
    low: int = 0,
    high: int | None = None,
) -> int:
    """Parse ``lines[index]`` (0-based) as one plain integer in ``[low, high]``; EOF and junk name the line."""
    if index >= len(lines):
        raise SkeletonFormatError(path, len(lines), f"file ends early: expected {what} at line {index + 1}")
    text = lines[index].strip()
    value = strict_int(text)
    if value is None:
        raise SkeletonFormatError(
            path, index + 1, f"expected {what} (an integer), found {text[:40]!r}"
        ) from None
    if value < low or (high is not None and value > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise SkeletonFormatError(path, index + 1, f"{what} {value} outside {bound}")
    return value


def stem(path: str | os.PathLike) -> str:
    name = Path(path).name
    for suffix in (".skeleton", ".json", ".txt", ".mat", ".npz", ".npy"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return Path(path).stem


def as_float32(path, array: np.ndarray, line: int | None = None, what: str = "array") -> np.ndarray:
    """Real numeric (or boolean) ``array`` cast to float32 and checked finite *after* the cast; complex
    arrays are refused (never cut to their real part), and so are object, string and structured ones."""
    kind = array.dtype.kind
    if kind == "c":
        raise SkeletonFormatError(path, line, f"{what} is complex ({array.dtype}); a skeleton is real")
    if kind not in "biuf" or array.dtype.fields is not None:
        raise SkeletonFormatError(path, line, f"{what} dtype {array.dtype} is not numeric")
    with np.errstate(over="ignore", invalid="ignore"):
        data = array.astype(np.float32)
    if data.size and not np.isfinite(data).all():  # after the cast: float32 turns 1e39 into inf
        raise SkeletonFormatError(path, line, "NaN or infinite value (or beyond float32)")
    return data
