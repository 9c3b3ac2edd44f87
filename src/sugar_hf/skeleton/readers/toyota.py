"""Toyota Smarthome: trimmed LCR-Net++ skeleton JSON (13 joints, 2-D and 3-D) and the untrimmed TSU npz.

Trimmed clip JSON (one file a clip, LCR-Net++ output)::

    {"njts": 13, "frames": [[{"pose2d": [x1..x13, y1..y13], "pose3d": [x1..x13, y1..y13, z1..z13],
                              "cumscore": s}, ...detections], ...frames]}

Coordinates are stored per axis (all x, then all y, then z), in the LCR-Net 13-joint order of layout
``toyota13``. Nested ``[[x, y], ...]`` per-joint lists are accepted too.
"""

from __future__ import annotations

import math
import os
import re

import numpy as np

from .base import SkeletonSequence, as_float32, read_text, stem
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve
from .nw_ucla import load_json_text, numeric_array

_NAME = re.compile(
    r"^(?P<action>[^_]+)_p(?P<subject>\d+)_r(?P<recording>\d+)_v(?P<video>\d+)_c(?P<camera>\d+)"
)
TOYOTA_JOINTS = 13
TSU_CLASSES = 51
"""Classes of TSU's ``Action_list.txt`` (ids 0..50)."""


def parse_toyota_name(name: str) -> dict:
    """``"Cook.Cleandishes_p02_r00_v02_c03"`` -> action name, subject, recording, video, camera."""
    m = _NAME.match(name)
    if m is None:
        raise ValueError(f"{name!r} is not a Toyota Smarthome clip name (Action_pXX_rXX_vXX_cXX)")
    d = m.groupdict()
    return {"action": d["action"], **{k: int(d[k]) for k in ("subject", "recording", "video", "camera")}}


def _pose(path, det, key: str, dims: int, line: int) -> np.ndarray:
    if not isinstance(det.get(key), list):
        raise SkeletonFormatError(path, line, f"detection lacks a numeric {key!r}")
    arr = numeric_array(path, det[key], line, repr(key))
    if arr.shape == (TOYOTA_JOINTS, dims):
        return arr
    if arr.shape == (TOYOTA_JOINTS * dims,):
        return arr.reshape(dims, TOYOTA_JOINTS).T
    raise SkeletonFormatError(
        path, line, f"{key!r} has shape {arr.shape}, expected {TOYOTA_JOINTS * dims} values"
    )


def read_toyota_json(
    path: str | os.PathLike, dims: int = 3, max_persons: int = 1, limits: ReadLimits | None = None
) -> SkeletonSequence:
    """Read a trimmed clip into ``data`` ``(persons, frames, 13, dims)`` (``dims`` 3 = pose3d, 2 = pose2d).

    Detections of a frame are kept in file order (LCR-Net sorts them by score); frames without a
    detection are zeros. ``label`` is left ``None``: the converter maps ``meta["action"]`` to the protocol's
    class list. Coordinates must be JSON numbers (strings and booleans are refused), finite in float32.
    """
    if dims not in (2, 3):
        raise ValueError("dims must be 2 (pose2d) or 3 (pose3d)")
    lim = resolve(limits)
    obj, text = load_json_text(path, lim)
    frames = obj.get("frames") if isinstance(obj, dict) else None
    line = text[: max(text.find('"frames"'), 0)].count("\n") + 1
    if not isinstance(frames, list):
        raise SkeletonFormatError(path, 1, "expected a JSON object with a 'frames' list")
    if not frames:
        raise SkeletonFormatError(path, line, "zero frames")
    njts = obj.get("njts", TOYOTA_JOINTS)
    if type(njts) is not int or njts != TOYOTA_JOINTS:
        raise SkeletonFormatError(path, 1, f"njts is {str(njts)[:40]!r}, expected {TOYOTA_JOINTS}")
    lim.check_frames(path, len(frames), line)
    lim.check_persons(path, max_persons, line)
    lim.check_array(path, (max_persons, len(frames), TOYOTA_JOINTS, dims), 4, "skeleton")
    key = "pose3d" if dims == 3 else "pose2d"
    data = np.zeros((max_persons, len(frames), TOYOTA_JOINTS, dims), dtype=np.float32)
    for t, dets in enumerate(frames):
        if not isinstance(dets, list):
            raise SkeletonFormatError(path, line, f"frame {t} is not a list of detections")
        for m, det in enumerate(dets):  # every detection is checked, also those beyond max_persons
            if not isinstance(det, dict):
                raise SkeletonFormatError(path, line, f"frame {t}: detection is not an object")
            pose = _pose(path, det, key, dims, line)
            for other, other_dims in (("pose2d", 2), ("pose3d", 3)):
                if other != key and other in det:
                    _pose(path, det, other, other_dims, line)
            score = det.get("cumscore", 0.0)
            if type(score) not in (int, float) or not math.isfinite(score):
                raise SkeletonFormatError(path, line, f"frame {t}: cumscore {str(score)[:40]!r} is not a number")
            if m < max_persons:
                data[m, t] = pose
    if not np.isfinite(data).all():
        raise SkeletonFormatError(path, line, "NaN or infinite value")
    if not data.any():
        raise SkeletonFormatError(path, line, "no detection in any frame")
    name = stem(path)
    try:
        meta = parse_toyota_name(name)
    except ValueError:
        meta = {}
    return SkeletonSequence(data=data, name=name, layout="toyota13", meta=meta)


def read_tsu_npz(
    path: str | os.PathLike, key: str = "kpts", limits: ReadLimits | None = None
) -> SkeletonSequence:
    """Read a TSU untrimmed LCR-Net 2-D pose npz: ``kpts`` ``(frames, 17, 2)`` COCO slots -> ``(1, T, 17, 2)``.

    The member's declared shape and size are checked against ``limits`` before it is inflated; complex,
    object and non-numeric arrays are refused. Binary format: errors carry ``line=None``.
    """
    from .generic import load_npz_member

    lim = resolve(limits)

    def check(shape, dtype):
        if len(shape) != 3 or tuple(shape[1:]) != (17, 2):
            raise SkeletonFormatError(path, None, f"{key} has shape {tuple(shape)}, expected (frames, 17, 2)")
        lim.check_frames(path, shape[0])

    kpts = load_npz_member(path, key, lim, check)
    if kpts.shape[0] == 0:
        raise SkeletonFormatError(path, None, "zero frames")
    data = as_float32(path, kpts, None, key)
    name = stem(path).replace("_LCRNet2d", "")
    m = re.match(r"P(\d+)T(\d+)C(\d+)", name)
    meta = {"subject": int(m.group(1)), "take": int(m.group(2)), "camera": int(m.group(3))} if m else {}
    return SkeletonSequence(data=data[None], name=name, layout="coco17", meta=meta)


def read_tsu_annotations(
    path: str | os.PathLike,
    video: str | None = None,
    num_classes: int = TSU_CLASSES,
    limits: ReadLimits | None = None,
) -> list[tuple[int, int, int]]:
    """Read TSU segment annotations ``{video: {"actions": [[class_id, start, end], ...]}}``.

    Returns ``(class_id, start, end)`` (class ids 0..``num_classes``-1 of ``Action_list.txt``, frames
    inclusive, ``end`` below ``limits.max_frames``); anything else is a :class:`SkeletonFormatError`.
    """
    lim = resolve(limits)
    obj, text = load_json_text(path, lim)
    if not isinstance(obj, dict) or not obj:
        raise SkeletonFormatError(path, 1, "expected an object keyed by video name")
    entry = obj.get(video) if video is not None else next(iter(obj.values()))
    line = text[: max(text.find('"actions"'), 0)].count("\n") + 1
    if not isinstance(entry, dict) or not isinstance(entry.get("actions"), list):
        raise SkeletonFormatError(path, line, f"no 'actions' list for video {video!r}")
    segments = []
    for k, seg in enumerate(entry["actions"]):
        ok = (
            isinstance(seg, list)
            and len(seg) == 3
            and all(isinstance(v, int) and not isinstance(v, bool) for v in seg)
        )
        if not ok or seg[1] < 0 or seg[2] < seg[1]:
            raise SkeletonFormatError(
                path, line, f"action {k} is not [class_id, start, end]: {str(seg)[:60]}"
            )
        if not 0 <= seg[0] < num_classes:
            raise SkeletonFormatError(
                path, line, f"action {k}: class id {seg[0]} outside 0..{num_classes - 1}"
            )
        if seg[2] >= lim.max_frames:
            raise SkeletonFormatError(
                path, line, f"action {k}: frame {seg[2]} beyond {lim.max_frames} frames"
            )
        segments.append((seg[0], seg[1], seg[2]))
    return segments


def read_tsu_action_list(path: str | os.PathLike, limits: ReadLimits | None = None) -> list[str]:
    """``id<TAB>name`` lines (ids 0..N-1 in order, ASCII digits) -> names."""
    _, lines = read_text(path, limits)
    names = []
    for k, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        ident, _, name = line.strip().partition("\t")
        if not (ident.isascii() and ident.isdigit()) or int(ident) != len(names) or not name.strip():
            raise SkeletonFormatError(path, k, f"expected '{len(names)}<TAB>name', found {line[:60]!r}")
        names.append(name.strip())
    return names
