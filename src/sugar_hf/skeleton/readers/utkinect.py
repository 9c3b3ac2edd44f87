"""UTKinect-Action3D ``joints_sSS_eEE.txt`` recordings and the ``actionLabel.txt`` frame ranges."""

from __future__ import annotations

import os
import re

import numpy as np

from .base import SkeletonSequence, parse_floats, read_text, stem
from .errors import SkeletonFormatError

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
MAX_ROWS = 1_000_000


def read_utkinect_joints(path: str | os.PathLike) -> SkeletonSequence:
    """Read one recording: ``data`` ``(1, rows, 20, 3)``; ``meta["frame_ids"]`` holds the first column."""
    _, lines = read_text(path)
    rows = [k for k, line in enumerate(lines) if line.strip()]
    if len(rows) > MAX_ROWS:
        raise SkeletonFormatError(path, rows[MAX_ROWS] + 1, f"more than {MAX_ROWS} rows")
    if rows and rows[-1] - rows[0] + 1 != len(rows):
        gap = next(k for k in range(rows[0], rows[-1]) if not lines[k].strip())
        raise SkeletonFormatError(path, gap + 1, "empty line inside the data")
    values = parse_floats(path, [lines[k] for k in rows], rows[0] + 1, 61)
    frame_ids = values[:, 0]
    bad = np.flatnonzero((frame_ids != np.round(frame_ids)) | (frame_ids < 0))
    if bad.size:
        raise SkeletonFormatError(
            path, rows[bad[0]] + 1, f"frame id {frame_ids[bad[0]]} is not a non-negative integer"
        )
    name = stem(path)
    m = _NAME.search(name)
    meta = {"frame_ids": frame_ids.astype(np.int64)}
    if m:
        meta.update(subject=int(m.group(1)), recording=int(m.group(2)))
    data = values[:, 1:].reshape(len(rows), 20, 3).astype(np.float32)[None]
    return SkeletonSequence(data=data, name=name, layout="kinect_v1_20", meta=meta)


def read_utkinect_labels(path: str | os.PathLike) -> dict[str, list[tuple[int, int, int, int]]]:
    """Parse ``actionLabel.txt``: ``{"s01_e01": [(label, start_id, end_id, line), ...]}``.

    Bounds are inclusive frame ids. A segment given as ``NaN NaN`` (one in the official release) is
    left out (it is unlabelled, not malformed); any other defect raises :class:`SkeletonFormatError`.
    """
    _, lines = read_text(path)
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
        try:
            start, end = int(parts[0]), int(parts[1])
        except ValueError:
            raise SkeletonFormatError(
                path, k, f"frame bounds are not integers: {bounds.strip()[:40]!r}"
            ) from None
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
