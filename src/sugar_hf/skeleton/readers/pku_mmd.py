"""PKU-MMD (phase 1) untrimmed skeleton text (150 floats a frame) and its action label files."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .base import (
    SkeletonSequence,
    decode_text,
    parse_floats,
    read_bytes,
    read_text,
    stem,
    strict_float,
    strict_int,
)
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve

PKU_VALUES_PER_FRAME = 150  # 2 bodies x 25 joints x xyz
MAX_FRAMES = ReadLimits().max_frames  # the default limit (see ReadLimits.max_frames)


@dataclass(frozen=True)
class ActionSegment:
    """One labelled action instance of an untrimmed recording; frames are row indices, ``end`` inclusive."""

    label: int  # 0-based class id
    start: int
    end: int
    confidence: float = 1.0


def read_pku_skeleton(path: str | os.PathLike, limits: ReadLimits | None = None) -> SkeletonSequence:
    """Read a PKU-MMD skeleton file into ``data`` ``(2, frames, 25, 3)`` float32 (absent body = zeros).

    Every line must hold exactly 150 plain decimal numbers (a line break moved by one token is an error),
    finite in float32. ``meta`` holds ``video`` (e.g. ``"0036"``) and ``view`` (``"L"``, ``"M"`` or ``"R"``)
    from names like ``0036-L.txt``. ``limits`` bounds the file size and frames (default:
    :func:`~sugar_hf.skeleton.readers.get_default_limits`).
    """
    lim = resolve(limits)
    deadline = lim.deadline(path)
    lines = decode_text(path, read_bytes(path, lim, deadline), lim)[1]
    while lines and not lines[-1].strip():
        lines.pop()
    blank = next((k for k, line in enumerate(lines) if not line.strip()), None)
    if blank is not None:
        raise SkeletonFormatError(path, blank + 1, "empty line inside the data")
    lim.check_frames(path, len(lines), min(len(lines), lim.max_frames + 1))
    lim.check_array(path, (2, len(lines), 25, 3), 4, "skeleton")
    values = parse_floats(path, lines, 1, PKU_VALUES_PER_FRAME, dtype=np.float32, deadline=deadline)
    data = np.ascontiguousarray(values.reshape(len(lines), 2, 25, 3).transpose(1, 0, 2, 3))
    name = stem(path)
    video, _, view = name.partition("-")
    return SkeletonSequence(data=data, name=name, layout="ntu25", meta={"video": video, "view": view})


def read_pku_labels(
    path: str | os.PathLike, num_classes: int = 51, limits: ReadLimits | None = None
) -> list[ActionSegment]:
    """Read ``class_id,start,end,confidence`` lines (class ids 1-based in the file, 0-based here).

    Ids and frames are plain ASCII integers, the confidence a plain decimal number."""
    _, lines = read_text(path, limits)
    segments = []
    for k, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) not in (3, 4):
            raise SkeletonFormatError(
                path, k, f"expected 'class,start,end[,confidence]', found {line[:60]!r}"
            )
        cls, start, end = (strict_int(p) for p in parts[:3])
        conf = strict_float(parts[3]) if len(parts) == 4 else 1.0
        if cls is None or start is None or end is None or conf is None:
            raise SkeletonFormatError(path, k, f"not a number in {line[:60]!r}")
        if not 1 <= cls <= num_classes:
            raise SkeletonFormatError(path, k, f"class id {cls} outside 1..{num_classes}")
        if start < 0 or end < start or not np.isfinite(conf):
            raise SkeletonFormatError(path, k, f"bad frame range {start}..{end}")
        segments.append(ActionSegment(cls - 1, start, end, conf))
    return segments


def cut_clips(
    sequence: SkeletonSequence, segments: list[ActionSegment], label_path: str | os.PathLike | None = None
) -> list[SkeletonSequence]:
    """Cut labelled segments out of an untrimmed sequence (frames ``start..end`` inclusive, clamped by one).

    A segment that starts past the end of the recording (beyond the ±1 tolerance of 0/1-based labels)
    raises :class:`SkeletonFormatError` naming the label file and its line.
    """
    clips = []
    num_frames = sequence.num_frames
    for k, seg in enumerate(segments):
        start, end = seg.start, min(seg.end, num_frames - 1)
        if start > num_frames - 1 or seg.end > num_frames:
            raise SkeletonFormatError(
                label_path or sequence.name,
                k + 1,
                f"segment {seg.start}..{seg.end} beyond {num_frames} frames",
            )
        meta = dict(sequence.meta, start=start, end=end, source=sequence.name)
        clips.append(
            SkeletonSequence(
                data=sequence.data[:, start : end + 1].copy(),
                name=f"{sequence.name}_{k:03d}",
                layout=sequence.layout,
                label=seg.label,
                meta=meta,
            )
        )
    return clips


def read_pku_split(path: str | os.PathLike) -> tuple[list[str], list[str]]:
    """Read an official split file (``Training videos:`` line, names, ``Validataion videos:`` line, names)."""
    _, lines = read_text(path)
    parts: dict[str, list[str]] = {"train": [], "test": []}
    current = None
    for k, line in enumerate(lines, start=1):
        low = line.strip().lower()
        if low.startswith("training"):
            current = "train"
        elif low.startswith("valid") or low.startswith("test"):
            current = "test"
        elif low:
            if current is None:
                raise SkeletonFormatError(path, k, "names before a 'Training videos:' header")
            parts[current].extend(n.strip() for n in line.split(",") if n.strip())
    if not parts["train"] or not parts["test"]:
        raise SkeletonFormatError(path, len(lines), "split file lacks training or validation names")
    return parts["train"], parts["test"]
