"""What every reader returns, and small helpers they share."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .errors import SkeletonFormatError
from .limits import Deadline, ReadLimits, _os_reason, resolve


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


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_CHUNK = 16 * 2**20


def open_regular(path: str | os.PathLike, limits: ReadLimits | None = None) -> tuple[BinaryIO, int]:
    """``(binary file, size)`` of a regular file within ``limits.max_file_bytes``.

    The path is checked with ``os.stat`` (through symlinks) *before* it is opened, so a FIFO, socket, device or
    directory is never opened (a FIFO without a writer would block, ``/dev/zero`` never ends); it is opened
    non-blocking and checked again with ``fstat`` on the descriptor, since the path can change in between.
    """
    lim = resolve(limits)
    lim.check_file(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as exc:
        raise SkeletonFormatError(path, None, f"cannot read file: {_os_reason(exc)}") from None
    try:
        size = lim.check_stat(path, os.fstat(fd))
        return os.fdopen(fd, "rb"), size
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | os.PathLike, limits: ReadLimits | None = None, deadline: Deadline | None = None) -> bytes:
    """The bytes of a regular file (see :func:`open_regular`), read in chunks within ``limits.max_seconds``;
    a file that grows or shrinks while it is read is refused (what was read is not the file that was checked)."""
    lim = resolve(limits)
    deadline = deadline or lim.deadline(path)
    fp, size = open_regular(path, lim)
    chunks, total = [], 0
    try:
        with fp:
            while total <= size:
                chunk = fp.read(min(_READ_CHUNK, size + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                deadline.check()
    except OSError as exc:
        raise SkeletonFormatError(path, None, f"cannot read file: {_os_reason(exc)}") from None
    if total != size:
        how = "grew" if total > size else "shrank"
        raise SkeletonFormatError(path, None, f"the file {how} while it was read ({size} bytes at the start)")
    return b"".join(chunks)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_OTHER_LINE_BREAKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
"""What ``str.splitlines`` also splits on: counted with LF / CR before any split."""


def check_line_count(path, raw: bytes, limits: ReadLimits) -> None:
    """Refuse more than ``limits.max_lines`` line breaks, counted in the bytes (every break ``splitlines`` knows)."""
    newlines = max(raw.count(b"\n"), raw.count(b"\r")) + sum(map(raw.count, _OTHER_LINE_BREAKS))
    limits.check(path, "max_lines", newlines, f"{newlines} line breaks")


def decode_text(
    path, raw: bytes, limits: ReadLimits | None = None, line_bound: bool = True
) -> tuple[str, list[str]]:
    """``(text, lines)`` of raw bytes (UTF-8, optional UTF-8 BOM dropped; LF, CRLF or CR line ends).

    Refused: UTF-16 / NUL bytes, invalid UTF-8, an empty file, more than ``limits.max_lines`` lines (counted
    in the bytes, before anything is split) and, when ``line_bound``, a line longer than
    ``limits.max_line_bytes`` (line formats; JSON is one line and bounded by the file size)."""
    lim = resolve(limits)
    if raw.startswith(_UTF16_BOMS) or b"\x00" in raw:
        at = raw.find(b"\x00")
        line = raw[: max(at, 0)].count(b"\n") + 1
        what = "UTF-16 text" if raw.startswith(_UTF16_BOMS) or (at >= 0 and at < 4) else "a NUL byte"
        raise SkeletonFormatError(path, line, f"{what}: expected UTF-8 text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    check_line_count(path, raw, lim)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SkeletonFormatError(path, line, "not UTF-8 text") from None
    if not text.strip():
        raise SkeletonFormatError(path, 1, "file is empty")
    lines = text.splitlines()
    lim.check(path, "max_lines", len(lines), f"{len(lines)} lines")
    if line_bound and lines:
        longest = max(map(len, lines))
        if longest > lim.max_line_bytes:
            k = next(k for k, line in enumerate(lines) if len(line) == longest)
            lim.check(path, "max_line_bytes", longest, f"a line of {longest} characters", k + 1)
    return text, lines


def read_text(
    path: str | os.PathLike, limits: ReadLimits | None = None, line_bound: bool = True
) -> tuple[str, list[str]]:
    """Read a text file as UTF-8 (LF, CRLF or CR line ends) and return ``(text, lines)``; empty files fail.

    Only a regular file within ``limits.max_file_bytes`` is read (:func:`read_bytes`); the text is checked by
    :func:`decode_text` (lines bounded in count and, when ``line_bound``, length)."""
    lim = resolve(limits)
    return decode_text(path, read_bytes(path, lim), lim, line_bound)


# Plain decimal numbers only: no '1_000', no non-ASCII digits, no 'nan'/'inf' spellings, no hex.
FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
INT_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMERIC_TEXT = re.compile(r"[0-9eE+\-. \t\n]*", re.ASCII)
NONFINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
MAX_INT_DIGITS = 18
MAX_NUMBER_CHARS = 64
"""Longest number token a text or JSON reader accepts (a float32 needs at most ~50 significant characters;
a million-digit mantissa is refused, not parsed)."""
_LONG_TOKEN = re.compile(rf"[^ \t\r\n]{{{MAX_NUMBER_CHARS + 1},}}")
FLOAT32_OVERFLOW = 2.0**128 - 2.0**103
"""The smallest magnitude that rounds to inf when cast to float32."""

_CHUNK_LINES = 4096


def strict_float(token: str) -> float | None:
    """``float(token)`` for a plain decimal number (``FLOAT_RE``, at most ``MAX_NUMBER_CHARS``), else ``None``."""
    return float(token) if len(token) <= MAX_NUMBER_CHARS and FLOAT_RE.fullmatch(token) else None


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
    deadline: Deadline | None = None,
) -> np.ndarray:
    """Parse whitespace-separated numbers of ``lines`` (1-based ``first_line`` is ``lines[0]``) strictly.

    Returns ``dtype`` ``(len(lines), per_line)`` when ``per_line`` is given, else a flat array. A token that
    is not a plain decimal number (see ``FLOAT_RE``: ``1_000``, non-ASCII digits, ``nan``, ``inf`` are
    refused), a wrong count on any line, or a value that is not finite in ``dtype`` *and* in float32 (``1e39``)
    raises :class:`SkeletonFormatError` naming the line. Works in chunks of lines, so the memory is the
    result plus one chunk's tokens; ``deadline`` is checked between chunks. A token longer than
    ``MAX_NUMBER_CHARS`` is refused before it is converted.
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
        if deadline is not None:
            deadline.check(first_line + c0)
    return out


def _convert(path, lines: list[str], first_line: int, tokens: list, per_line: int | None) -> np.ndarray:
    """float64 of ``tokens`` (all from ``lines``: a flat list, or one list a line) or the error naming the
    first bad line."""
    values = None
    joined = "\n".join(lines)
    long = _LONG_TOKEN.search(joined)
    if long is not None:
        line = first_line + joined.count("\n", 0, long.start())
        raise SkeletonFormatError(
            path, line, f"a token of more than {MAX_NUMBER_CHARS} characters: {long.group(0)[:20]!r}..."
        )
    if _NUMERIC_TEXT.fullmatch(joined):
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
