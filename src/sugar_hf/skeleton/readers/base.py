"""What every reader returns, and small helpers they share."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import SkeletonFormatError


@dataclass
class SkeletonSequence:
    """One skeleton sequence (a trimmed clip or a whole untrimmed recording).

    Attributes:
        data: float32 array ``(persons, frames, joints, channels)``; an absent body in a frame is all zeros.
        name: Sample name (file stem, or ``<stem>_<index>`` for clips cut out of a longer recording).
        layout: Name of the joint layout (see :func:`sugar_hf.skeleton.get_layout`).
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


def read_text(path: str | os.PathLike) -> tuple[str, list[str]]:
    """Read a text file as UTF-8 (LF, CRLF or CR line ends) and return ``(text, lines)``; empty files fail."""
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


def parse_floats(path, lines: list[str], first_line: int, per_line: int | None = None) -> np.ndarray:
    """Parse whitespace-separated floats of ``lines`` (1-based ``first_line`` is ``lines[0]``) strictly.

    Returns float64 ``(len(lines), per_line)`` when ``per_line`` is given, else a flat array. Any
    non-number, a wrong count on a line or a NaN/inf raises :class:`SkeletonFormatError` naming the line.
    """
    tokens = " ".join(lines).split()
    try:
        values = np.array(tokens, dtype=np.float64)
    except ValueError:
        values = None
    ok = values is not None and (per_line is None or values.size == per_line * len(lines))
    if ok and np.isfinite(values).all():
        return values.reshape(len(lines), per_line) if per_line is not None else values
    # Slow path, only on error: find the first bad line.
    for i, line in enumerate(lines):
        parts = line.split()
        if per_line is not None and len(parts) != per_line:
            raise SkeletonFormatError(
                path, first_line + i, f"expected {per_line} numbers, found {len(parts)}"
            )
        try:
            row = np.array(parts, dtype=np.float64)
        except ValueError:
            bad = next(t for t in parts if not _is_float(t))
            raise SkeletonFormatError(path, first_line + i, f"not a number: {bad[:40]!r}") from None
        if not np.isfinite(row).all():
            raise SkeletonFormatError(path, first_line + i, "NaN or infinite value")
    raise SkeletonFormatError(path, first_line, "malformed numbers")  # pragma: no cover


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_int(path, lines: list[str], index: int, what: str, low: int = 0, high: int | None = None) -> int:
    """Parse ``lines[index]`` (0-based) as one integer in ``[low, high]``; EOF and junk name the line."""
    if index >= len(lines):
        raise SkeletonFormatError(path, len(lines), f"file ends early: expected {what} at line {index + 1}")
    text = lines[index].strip()
    try:
        value = int(text)
    except ValueError:
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


def finite_or_fail(path, array: np.ndarray, line: int | None = None) -> np.ndarray:
    if array.size and not np.isfinite(array).all():
        raise SkeletonFormatError(path, line, "NaN or infinite value")
    return array
