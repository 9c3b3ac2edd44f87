"""The one error type every reader raises for a malformed input file."""

from __future__ import annotations

import os


class SkeletonFormatError(ValueError):
    """A skeleton, label or split file does not follow its format.

    Every reader in :mod:`sugar_hf.skeleton.readers` turns *any* defect of its input (truncation, a
    non-number, a wrong joint count, zero frames, NaN/inf, an empty file, an absurd count...) into this
    error, so callers need to catch only one type. The message reads ``"<file>:<line>: <reason>"``; for
    binary formats (``.mat``, ``.npy``/``.npz``) or whole-file problems ``line`` is ``None`` and the
    message reads ``"<file>: <reason>"``.

    Attributes:
        path: The offending file, as given to the reader.
        line: 1-based line number of the defect, or ``None`` when the format has no lines.
        reason: What is wrong, in words.
    """

    def __init__(self, path: str | os.PathLike, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.path, self.line, self.reason))


class ReadLimitExceeded(SkeletonFormatError):
    """An input is larger than a :class:`~sugar_hf.skeleton.readers.ReadLimits` field allows.

    A :class:`SkeletonFormatError` like any other (same message), which also says which limit was hit, so a
    caller such as the Space can word the refusal in its own units.

    Attributes:
        limit: The ``ReadLimits`` field, such as ``"max_frames"``.
        value: The size found (frames, bytes, persons... in the field's unit).
        maximum: The limit's value.
    """

    def __init__(
        self, path: str | os.PathLike, line: int | None, reason: str, limit: str, value: int, maximum: int
    ) -> None:
        super().__init__(path, line, reason)
        self.limit, self.value, self.maximum = limit, int(value), int(maximum)

    def __reduce__(self):
        return (type(self), (self.path, self.line, self.reason, self.limit, self.value, self.maximum))
