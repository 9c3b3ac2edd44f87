"""UTKinect-Action3D ``joints_sSS_eEE.txt`` recordings and the ``actionLabel.txt`` frame ranges."""

from __future__ import annotations

import os
import re

import numpy as np

from .base import SkeletonSequence, decode_text, parse_floats, read_bytes, read_text, stem, strict_int
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve

UTK_CLASSES = (
    "walk",
    "sitDown",
    "standUp",
    "pickUp",
    "carry",
    "throw",
    "push",
    "pull",
    "waveHands",
    "clapHands",
)
_NAME = re.compile(r"s(\d+)_e(\d+)")
MAX_ROWS = ReadLimits().max_frames  # the default limit (see ReadLimits.max_frames)
MAX_FRAME_ID = 2**53
"""Frame ids are integers below 2**53 (exact in float64; the real ones are < 10,000)."""


def read_utkinect_joints(path: str | os.PathLike, limits: ReadLimits | None = None) -> SkeletonSequence:
    """Read one recording: ``data`` ``(1, rows, 20, 3)``; ``meta["frame_ids"]`` holds the first column.

    Every row holds exactly 61 plain decimal numbers (a frame id, then 20 x xyz), finite in float32; the
    frame id is a non-negative integer below 2**53.
    """
    lim = resolve(limits)
    deadline = lim.deadline(path)
    lines = decode_text(path, read_bytes(path, lim, deadline), lim)[1]
    rows = [k for k, line in enumerate(lines) if line.strip()]
    if len(rows) > lim.max_frames:
        lim.check_frames(path, len(rows), rows[lim.max_frames] + 1)
    if rows and rows[-1] - rows[0] + 1 != len(rows):
        gap = next(k for k in range(rows[0], rows[-1]) if not lines[k].strip())
        raise SkeletonFormatError(path, gap + 1, "empty line inside the data")
    lim.check_array(path, (1, len(rows), 20, 3), 4, "skeleton")
    values = parse_floats(path, [lines[k] for k in rows], rows[0] + 1, 61, deadline=deadline)
    frame_ids = values[:, 0]
    bad = np.flatnonzero((frame_ids != np.round(frame_ids)) | (frame_ids < 0) | (frame_ids >= MAX_FRAME_ID))
    if bad.size:
        raise SkeletonFormatError(
            path,
            rows[bad[0]] + 1,
            f"frame id {lines[rows[bad[0]]].split()[0][:40]} is not an integer in 0..2**53",
        )
    name = stem(path)
    m = _NAME.search(name)
    meta = {"frame_ids": frame_ids.astype(np.int64)}
    if m:
        meta.update(subject=int(m.group(1)), recording=int(m.group(2)))
    data = values[:, 1:].reshape(len(rows), 20, 3).astype(np.float32)[None]
    return SkeletonSequence(data=data, name=name, layout="kinect_v1_20", meta=meta)


def read_utkinect_labels(
    path: str | os.PathLike, limits: ReadLimits | None = None
) -> dict[str, list[tuple[int, int, int, int]]]:
    """Parse ``actionLabel.txt``: ``{"s01_e01": [(label, start_id, end_id, line), ...]}``.

    Bounds are inclusive frame ids. A segment given as ``NaN NaN`` (one in the official release) is
    left out (it is unlabelled, not malformed); any other defect raises :class:`SkeletonFormatError`.
    """
    _, lines = read_text(path, limits)
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    current = None
    for k, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if ":" not in text:
            if not _NAME.fullmatch(text):
                raise SkeletonFormatError(
                    path, k, f"expected a recording name like 's01_e01', found {text[:40]!r}"
                )
            current = text
            out[current] = []
            continue
        if current is None:
            raise SkeletonFormatError(path, k, "segment before any recording name")
        action, _, bounds = text.partition(":")
        action = action.strip()
        if action not in UTK_CLASSES:
            raise SkeletonFormatError(path, k, f"unknown action {action[:40]!r}")
        parts = bounds.split()
        if len(parts) != 2:
            raise SkeletonFormatError(path, k, f"expected 'action: start end', found {text[:60]!r}")
        if all(p.lower() == "nan" for p in parts):
            continue
        start, end = strict_int(parts[0]), strict_int(parts[1])
        if start is None or end is None:
            raise SkeletonFormatError(path, k, f"frame bounds are not integers: {bounds.strip()[:40]!r}")
        if start < 0 or end < start:
            raise SkeletonFormatError(path, k, f"bad frame range {start}..{end}")
        out[current].append((UTK_CLASSES.index(action), start, end, k))
    if not out:
        raise SkeletonFormatError(path, 1, "no recording in the label file")
    return out


def cut_utkinect_clips(
    recording: SkeletonSequence, segments: list[tuple[int, int, int, int]], label_path: str | os.PathLike
) -> list[SkeletonSequence]:
    """Rows whose frame id lies in each segment's inclusive bounds; an empty selection is an error."""
    ids = recording.meta["frame_ids"]
    clips = []
    for label, start, end, line in segments:
        mask = (ids >= start) & (ids <= end)
        if not mask.any():
            raise SkeletonFormatError(label_path, line, f"no frame of {recording.name} in {start}..{end}")
        meta = {k: v for k, v in recording.meta.items() if k != "frame_ids"}
        meta.update(start=start, end=end, source=recording.name)
        clips.append(
            SkeletonSequence(
                data=recording.data[:, mask].copy(),
                name=f"{recording.name}_{UTK_CLASSES[label]}",
                layout=recording.layout,
                label=label,
                meta=meta,
            )
        )
    return clips
