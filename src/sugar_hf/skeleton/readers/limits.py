"""The one place for the size limits every reader enforces on untrusted input.

Each reader checks the declared sizes of its input (a frame count, an ``.npy`` header, a MAT-file's
dimensions, the inflated size of a compressed member, the dense ``bodies x frames`` of NTU) against a
:class:`ReadLimits` *before* it allocates, and refuses a larger file with a
:class:`~sugar_hf.skeleton.readers.SkeletonFormatError` naming the file and the limit. The defaults are far
above every released corpus (NTU clips have < 300 frames, PKU-MMD recordings < 8,000, TSU videos < 100,000)
and keep one read well inside a few GiB of memory.

Override, from the narrowest to the widest scope::

    from sugar_hf.skeleton.readers import ReadLimits, read_ntu_skeleton, set_default_limits, use_limits

    small = ReadLimits(max_frames=5_000, max_file_bytes=16 * 2**20, max_array_bytes=64 * 2**20)
    read_ntu_skeleton(path, limits=small)      # one call (every reader takes ``limits=``)
    with use_limits(small):                    # every read inside the block (this thread or task)
        ...
    set_default_limits(small)                  # the process default (a Space or converter sets it once)

``set_default_limits`` is per process: worker processes started with ``fork`` inherit it, ``spawn`` workers
must call it again. ``limits=None`` (the default of every reader) means :func:`get_default_limits`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import ReadLimitExceeded, SkeletonFormatError

GiB = 2**30
MiB = 2**20


@dataclass(frozen=True)
class ReadLimits:
    """Size limits on one input file (all inclusive).

    Attributes:
        max_file_bytes: Size of the file on disk (checked with ``stat`` before it is read).
        max_frames: Frames (rows of a row-per-frame text, ``T`` of an array).
        max_persons: Persons / bodies of a returned array (NTU: distinct ``bodyID``\\s).
        max_joints: Joints of an array (generic ``.npy`` / ``.npz``).
        max_channels: Values a joint of an array.
        max_array_bytes: Bytes of any one array a reader holds: the declared size of an ``.npy`` (``npz``
            member) or MAT variable before it is loaded, and the float32 array a reader returns (NTU's dense
            ``bodies x frames x 25 x C``).
        max_inflated_bytes: Bytes inflated out of one compressed container (an ``.npz`` member, a compressed
            MAT variable); the inflation stops there.
        max_line_bytes: Characters of one line of a line-based text format (NTU, PKU-MMD, UTKinect, label and
            list files), checked before the line is split into numbers.
        max_lines: Lines of a text file (counted in the raw bytes before the text is split).
        max_seconds: Wall-clock seconds one read may take (checked between chunks of reading and parsing).
    """

    max_file_bytes: int = 256 * MiB
    max_frames: int = 1_000_000
    max_persons: int = 64
    max_joints: int = 1024
    max_channels: int = 16
    max_array_bytes: int = 1 * GiB
    max_inflated_bytes: int = 1 * GiB
    max_line_bytes: int = 1 * MiB
    max_lines: int = 8_000_000
    max_seconds: float = 30.0

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            number = (int, float) if name == "max_seconds" else int
            if isinstance(value, bool) or not isinstance(value, number) or not value > 0 or value != value:
                raise ValueError(f"ReadLimits.{name} must be a positive integer, got {value!r}")

    # -- checks shared by the readers (each raises ReadLimitExceeded naming the file) --

    def check(self, path, limit: str, value: int, what: str, line: int | None = None) -> None:
        """Refuse ``value`` above the field ``limit``: ``"<what>, more than the limit of <max> (<limit>)"``."""
        maximum = getattr(self, limit)
        if value > maximum:
            reason = f"{what}, more than the limit of {maximum} ({limit})"
            raise ReadLimitExceeded(path, line, reason, limit, value, maximum)

    def check_file(self, path: str | os.PathLike) -> int:
        """The file's size in bytes; refuses anything but a regular file (a FIFO, socket, device or directory,
        also behind a symlink), a file larger than ``max_file_bytes`` and an unreadable path."""
        try:
            st = os.stat(path)
        except (OSError, ValueError) as exc:
            raise SkeletonFormatError(path, None, f"cannot read file: {_os_reason(exc)}") from None
        return self.check_stat(path, st)

    def check_stat(self, path, st: os.stat_result) -> int:
        """:meth:`check_file` on a ``stat`` result (of the path, or ``fstat`` of the opened descriptor)."""
        if not stat.S_ISREG(st.st_mode):
            raise SkeletonFormatError(path, None, f"not a regular file ({_file_kind(st.st_mode)}): refused")
        size = st.st_size
        self.check(path, "max_file_bytes", size, f"file is {size} bytes")
        blocks = getattr(st, "st_blocks", None)
        if blocks is not None and size > SPARSE_MIN_BYTES and blocks * 512 < size // SPARSE_RATIO:
            raise SkeletonFormatError(
                path, None, f"sparse file: {size} bytes with only {blocks * 512} on disk (holes): refused"
            )
        return size

    def deadline(self, path) -> Deadline:
        """A :class:`Deadline` of ``max_seconds`` for one read of ``path``, starting now."""
        return Deadline(path, self.max_seconds)

    def check_frames(self, path, frames: int, line: int | None = None) -> None:
        self.check(path, "max_frames", frames, f"{frames} frames", line)

    def check_persons(self, path, persons: int, line: int | None = None) -> None:
        self.check(path, "max_persons", persons, f"{persons} persons/bodies", line)

    def check_array(self, path, shape: tuple[int, ...], itemsize: int, what: str = "array") -> None:
        """Refuse a declared array of ``shape`` x ``itemsize`` bytes above ``max_array_bytes``."""
        count = 1
        for n in shape:
            count *= int(n)
        nbytes = count * int(itemsize)
        self.check(path, "max_array_bytes", nbytes, f"{what} of shape {tuple(shape)} needs {nbytes} bytes")


SPARSE_MIN_BYTES = 1 * MiB
SPARSE_RATIO = 8
"""A file above ``SPARSE_MIN_BYTES`` that occupies less than 1/``SPARSE_RATIO`` of its size on disk has holes
(``truncate``-extended, or written with seeks): no skeleton file is written that way, and a sparse file lets
a small disk footprint claim hundreds of MB of zeros."""


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory")):  # fmt: skip
        if test(mode):
            return name
    return "not a plain file"


def _os_reason(exc: Exception) -> str:
    """An OSError's reason without repeating the path (the error names the file already)."""
    return getattr(exc, "strerror", None) or type(exc).__name__


class Deadline:
    """The time bound of one read: :meth:`check` raises :class:`ReadLimitExceeded` (``max_seconds``) once
    the read has run longer than its limit."""

    def __init__(self, path, seconds: float) -> None:
        self.path, self.seconds = path, seconds
        self.end = time.monotonic() + seconds

    def check(self, line: int | None = None) -> None:
        if time.monotonic() > self.end:
            reason = f"reading took more than {self.seconds:g} s (max_seconds)"
            raise ReadLimitExceeded(self.path, line, reason, "max_seconds", int(self.seconds) + 1, int(self.seconds))


_DEFAULT = ReadLimits()
_override: contextvars.ContextVar[ReadLimits | None] = contextvars.ContextVar(
    "sugar_hf_read_limits", default=None
)


def get_default_limits() -> ReadLimits:
    """The limits a reader uses when called with ``limits=None``."""
    override = _override.get()
    return _DEFAULT if override is None else override


def set_default_limits(limits: ReadLimits | None) -> ReadLimits:
    """Set the process-wide default (``None``: back to ``ReadLimits()``); returns the previous default."""
    global _DEFAULT
    if limits is not None and not isinstance(limits, ReadLimits):
        raise TypeError("set_default_limits needs a ReadLimits")
    previous, _DEFAULT = _DEFAULT, limits or ReadLimits()
    return previous


@contextlib.contextmanager
def use_limits(limits: ReadLimits) -> Iterator[ReadLimits]:
    """Use ``limits`` as the default inside a ``with`` block (a context variable: other threads and asyncio
    tasks keep their own)."""
    if not isinstance(limits, ReadLimits):
        raise TypeError("use_limits needs a ReadLimits")
    token = _override.set(limits)
    try:
        yield limits
    finally:
        _override.reset(token)


def resolve(limits: ReadLimits | None) -> ReadLimits:
    return get_default_limits() if limits is None else limits
