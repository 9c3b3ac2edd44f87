"""What pose estimators write: COCO keypoint results (MMPose, Detectron2, RTMPose, AlphaPose), OpenPose's
per-frame JSON, MediaPipe Pose landmarks, YOLO-pose (Ultralytics) results, and a generic CSV of one row per
frame and person.

Every reader here returns one :class:`SkeletonSequence` ``(M, T, V, C)`` float32 in the layout of the export:

============  =================================================================  ==========  ============
format        files                                                              layout      channels
============  =================================================================  ==========  ============
coco-json     ``[{"image_id", "keypoints": [x, y, s] * V, "score"}, ...]`` (a    coco17 /    x, y, score
              results file), or a COCO dataset ``{"images", "annotations"}``     halpe26
openpose      a folder of ``*_keypoints.json`` (one a frame, ``people[]``        body25 /    x, y, score
              ``.pose_keypoints_2d``, optional ``person_id``), or one such file   coco18
mediapipe     JSON: a list of frames, each 33 ``{x, y, z, visibility}``           mediapipe33 x, y, z,
              landmarks (or ``{"frame", "landmarks"}``); CSV: one row a frame                 visibility
yolo-pose     a folder of Ultralytics ``save_txt`` files (one a frame: ``cls cx   coco17      x, y, score
              cy w h`` + V x ``x y conf`` per line), one such file, or JSON of
              ``Results.to_json()`` detections, a list a frame
csv-frames    ``frame[,person],<joint>_x,<joint>_y[,<joint>_z][,<joint>_score]``  by the      as named
              one row per frame (and person)                                     joint names
============  =================================================================  ==========  ============

Frame order comes from the file (``image_id``, a ``frame`` key or column) or the last number in each per-frame
file's name (``video_000000000012_keypoints.json``, ``clip_13.txt``); indices with a common stride (every 5th
frame) are divided by it, and a missing index is a frame without a detection. People are linked across frames
by :func:`~sugar_hf.skeleton.readers.pose_tracking.track_people` (or by the file's own person ids), the
``max_persons`` most present are kept, and the frames a kept person was not detected in are filled (scores 0)
and counted in ``meta["tracking"]``. ``meta["coordinate_channels"]`` says how many leading channels are
positions (2 for the x, y, score formats, 3 for MediaPipe), the value ``sugar-hf convert folder
--coordinate-channels`` records. Coordinates are kept as the estimator wrote them (pixels, or MediaPipe's and
Ultralytics' normalised 0..1 image coordinates, y down).

The same limits as every reader (:class:`ReadLimits`): file size (a folder's files in all), frames, detections
per frame (``max_persons``), the returned array, the time of one read; any defect is one
:class:`SkeletonFormatError` naming the file (and the line for text).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

import numpy as np

from ...skeleton_layouts import LAYOUTS, SkeletonLayout, get_layout
from .base import SkeletonSequence, parse_floats, read_text, stem, strict_float
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve
from .nw_ucla import load_json_text, numeric_array
from .pose_tracking import track_people

POSE_FORMATS: tuple[str, ...] = ("coco-json", "openpose", "mediapipe", "yolo-pose", "csv-frames")
"""The export formats :func:`read_pose_export` reads (``format="auto"`` tells them apart by content)."""

DEFAULT_MAX_PERSONS = 2
"""Persons a clip keeps by default (NTU's and pyskl's two)."""

_BY_COUNT = {17: "coco17", 18: "coco18", 25: "body25", 26: "halpe26", 33: "mediapipe33"}
"""The preset layout of a keypoint count (an export names no layout)."""
_MAX_FRAME_DIGITS = 15


class NeedsLayout(SkeletonFormatError):
    """The export does not say its joint order (an unusual keypoint count, unknown joint names): pass one."""


class _Frames:
    """Detections collected per frame index (any integers), then ordered into a clip."""

    def __init__(self, path, limits: ReadLimits) -> None:
        self.path, self.limits = path, limits
        self.by_index: dict[int, list[tuple[np.ndarray, int | None]]] = {}

    def add(self, index: int, pose: np.ndarray | None, pid: int | None = None) -> None:
        dets = self.by_index.setdefault(index, [])
        if pose is not None:
            dets.append((pose, pid))
            if len(dets) > self.limits.max_persons:
                self.limits.check_persons(self.path, len(dets))  # names the limit

    def clip(self, fmt: str, layout: SkeletonLayout, coordinate_channels: int, max_persons: int,
             channel_names: tuple[str, ...], deadline=None) -> SkeletonSequence:  # fmt: skip
        path, lim = self.path, self.limits
        if not self.by_index:
            raise SkeletonFormatError(path, None, "no frames")
        indices = sorted(self.by_index)
        first = indices[0]
        stride = 0
        for i in indices[1:]:
            stride = math.gcd(stride, i - first)
        stride = stride or 1
        frames = (indices[-1] - first) // stride + 1
        lim.check_frames(path, frames)
        channels = len(channel_names)
        lim.check_array(path, (max_persons, frames, layout.num_joints, channels), 4, "skeleton")
        per_frame: list[list[np.ndarray]] = [[] for _ in range(frames)]
        ids: list[list[int | None]] = [[] for _ in range(frames)]
        for i in indices:
            for pose, pid in self.by_index[i]:
                per_frame[(i - first) // stride].append(pose)
                ids[(i - first) // stride].append(pid)
        try:
            data, report = track_people(per_frame, coordinate_channels, max_persons, ids, deadline)
        except ValueError as exc:
            raise SkeletonFormatError(path, None, str(exc)) from None
        meta = {"format": fmt, "coordinate_channels": coordinate_channels, "channels": list(channel_names),
                "first_frame": first, "frame_stride": stride, "tracking": report.to_dict()}  # fmt: skip
        return SkeletonSequence(data=data, name=stem(path), layout=layout.name, meta=meta)


# -- shared helpers ---------------------------------------------------------------------------------------


def _layout_for(path, count: int, layout, what: str) -> SkeletonLayout:
    """The given layout (its joint count must be ``count``) or the preset of ``count`` keypoints."""
    if layout is not None:
        lay = get_layout(layout)
        if lay.num_joints != count:
            raise SkeletonFormatError(
                path, None, f"{what} have {count} keypoints, the layout {lay.name!r} has {lay.num_joints}"
            )
        return lay
    if count not in _BY_COUNT:
        raise NeedsLayout(
            path, None, f"{what} have {count} keypoints: no preset layout has that many "
            f"({', '.join(f'{n}: {name}' for n, name in sorted(_BY_COUNT.items()))}); pass a layout"
        )  # fmt: skip
    return LAYOUTS[_BY_COUNT[count]]


def _frame_number(path, name: str) -> int | None:
    """The last number in a file name (``..._000000000012_keypoints`` -> 12), or ``None``."""
    found = re.findall(r"[0-9]+", name, re.ASCII)
    if not found:
        return None
    if len(found[-1]) > _MAX_FRAME_DIGITS:
        raise SkeletonFormatError(path, None, f"frame number {found[-1][:20]}... in {name[:80]!r} is too long")
    return int(found[-1])


def _int_field(path, value, what: str, line: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**_MAX_FRAME_DIGITS:
        raise SkeletonFormatError(path, line, f"{what} {str(value)[:40]!r} is not an integer >= 0")
    return value


def _flat_keypoints(path, value, count: int | None, per: int, what: str, line: int | None) -> np.ndarray:
    """``[x, y, s, x, y, s, ...]`` (or ``[[x, y, s], ...]``) as ``(V, per)`` float32."""
    if not isinstance(value, list):
        raise SkeletonFormatError(path, line, f"{what} is not a list of numbers")
    array = numeric_array(path, value, line, what)
    if array.ndim == 2 and array.shape[1] == per:
        pass
    elif array.ndim == 1 and array.size % per == 0 and array.size:
        array = array.reshape(-1, per)
    else:
        raise SkeletonFormatError(path, line, f"{what} has shape {array.shape}, expected {per} values a keypoint")
    if count is not None and array.shape[0] != count:
        raise SkeletonFormatError(path, line, f"{what} has {array.shape[0]} keypoints, the clip has {count}")
    return array


def _check_max_persons(max_persons) -> int:
    if isinstance(max_persons, bool) or not isinstance(max_persons, int) or max_persons < 1:
        raise ValueError(f"max_persons must be a positive integer, got {max_persons!r}")
    return max_persons


class _NoDeadline:
    def check(self, line: int | None = None) -> None:
        return None


def _deadline(path, lim: ReadLimits):
    """The read's time bound (``ReadLimits.max_seconds``, where this version of the limits has one)."""
    make = getattr(lim, "deadline", None)
    return make(path) if callable(make) else _NoDeadline()


def _json(path, lim: ReadLimits):
    obj, text = load_json_text(path, lim)
    return obj, text


# -- COCO keypoint results ---------------------------------------------------------------------------------


def read_coco_keypoints(path: str | os.PathLike, layout=None, max_persons: int = DEFAULT_MAX_PERSONS,
                        limits: ReadLimits | None = None) -> SkeletonSequence:  # fmt: skip
    """A COCO keypoint *results* file (``[{"image_id", "category_id", "keypoints": [x, y, s] * V, "score"}]``,
    as MMPose, Detectron2, RTMPose and AlphaPose write it) or a COCO dataset file (``{"images": [{"id",
    "file_name"}], "annotations": [...]}``) as one clip. The frame of a detection is its ``image_id`` when that
    is an integer, else the last number of the ``image_id`` string or of the image's ``file_name``. 17
    keypoints are ``coco17``, 26 ``halpe26`` (or any ``layout`` with that count); channels x, y, score."""
    lim = resolve(limits)
    max_persons = _check_max_persons(max_persons)
    deadline = _deadline(path, lim)
    obj, _ = _json(path, lim)
    return _coco_clip(path, obj, layout, max_persons, lim, deadline)


def _coco_clip(path, obj, layout, max_persons, lim, deadline) -> SkeletonSequence:
    names: dict = {}
    if isinstance(obj, dict) and isinstance(obj.get("annotations"), list):
        images = obj.get("images", [])
        if not isinstance(images, list):
            raise SkeletonFormatError(path, None, "'images' is not a list")
        for k, image in enumerate(images):
            if not isinstance(image, dict) or "id" not in image:
                raise SkeletonFormatError(path, None, f"image {k} is not an object with an 'id'")
            name = image.get("file_name")
            if name is not None and not isinstance(name, str):
                raise SkeletonFormatError(path, None, f"image {k}: file_name is not a string")
            key = image["id"]
            if not isinstance(key, (int, str)) or isinstance(key, bool):
                raise SkeletonFormatError(path, None, f"image {k}: id {str(key)[:40]!r} is not an integer or string")
            names[key] = name
        obj = obj["annotations"]
    if not isinstance(obj, list) or not obj:
        raise SkeletonFormatError(path, None, "expected a non-empty JSON list of COCO keypoint detections")
    frames = _Frames(path, lim)
    count = None
    for k, det in enumerate(obj):
        if k % 1024 == 0:
            deadline.check()
        what = f"detection {k}"
        if not isinstance(det, dict) or "keypoints" not in det or "image_id" not in det:
            raise SkeletonFormatError(path, None, f"{what} is not an object with 'image_id' and 'keypoints'")
        pose = _flat_keypoints(path, det["keypoints"], count, 3, f"{what}: 'keypoints'", None)
        count = pose.shape[0]
        frames.add(_coco_frame(path, det["image_id"], names, what), pose)
    lay = _layout_for(path, count, layout, "the detections")
    return frames.clip("coco-json", lay, 2, max_persons, ("x", "y", "score"), deadline)


def _coco_frame(path, image_id, names: dict, what: str) -> int:
    if isinstance(image_id, bool) or not isinstance(image_id, (int, str)):
        raise SkeletonFormatError(path, None, f"{what}: image_id {str(image_id)[:40]!r} is not an integer or string")
    name = names.get(image_id)
    if isinstance(name, str):
        number = _frame_number(path, Path(name).stem)
        if number is not None:
            return number
    if isinstance(image_id, int):
        return _int_field(path, image_id, f"{what}: image_id")
    number = _frame_number(path, image_id)
    if number is None:
        raise SkeletonFormatError(path, None, f"{what}: image_id {image_id[:40]!r} holds no frame number")
    return number


# -- OpenPose ----------------------------------------------------------------------------------------------


def _list_frame_files(path: Path, suffix: str, lim: ReadLimits) -> list[tuple[int | None, Path]]:
    """``[(frame number or None, file)]`` of the ``suffix`` files of a folder, in frame order; the folder's
    files together must fit ``max_file_bytes`` and be at most ``max_frames``."""
    found, total = [], 0
    try:
        entries = os.scandir(path)
    except OSError as exc:
        raise SkeletonFormatError(path, None, f"cannot list the folder: {exc.strerror or exc}") from None
    with entries:
        for entry in entries:
            if not entry.name.lower().endswith(suffix) or entry.name.startswith("."):
                continue
            lim.check_frames(path, len(found) + 1)
            size = lim.check_file(entry.path)
            total += size
            lim.check(path, "max_file_bytes", total, f"the folder's {suffix} files hold {total} bytes")
            found.append((_frame_number(entry.path, entry.name[: -len(suffix)]), Path(entry.path)))
    if not found:
        raise SkeletonFormatError(path, None, f"the folder holds no {suffix} file")
    if any(n is None for n, _ in found):
        return [(None, p) for _, p in sorted(found, key=lambda item: item[1].name)]
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        dup = next(n for n in numbers if numbers.count(n) > 1)
        raise SkeletonFormatError(path, None, f"two files carry frame number {dup}")
    return sorted(found, key=lambda item: item[0])


def read_openpose(path: str | os.PathLike, layout=None, max_persons: int = DEFAULT_MAX_PERSONS,
                  limits: ReadLimits | None = None) -> SkeletonSequence:  # fmt: skip
    """An OpenPose ``--write_json`` folder (one ``*_keypoints.json`` a frame, ordered by the frame number in
    the name) or one such file (a one-frame clip). ``people[].pose_keypoints_2d`` holds x, y, confidence per
    keypoint: 25 are ``body25``, 18 ``coco18``. A ``person_id`` other than ``-1`` on every person links
    people by id (OpenPose's ``--tracking``); otherwise they are tracked."""
    lim = resolve(limits)
    max_persons = _check_max_persons(max_persons)
    deadline = _deadline(path, lim)
    p = Path(path)
    frames = _Frames(path, lim)
    count = [None]
    if p.is_dir():
        files = _list_frame_files(p, ".json", lim)
        for t, (number, file) in enumerate(files):
            deadline.check()
            obj, _ = _json(file, lim)
            _openpose_frame(file, obj, t if number is None else number, frames, count)
    else:
        obj, _ = _json(path, lim)
        _openpose_frame(path, obj, 0, frames, count)
    if count[0] is None:
        raise SkeletonFormatError(path, None, "no person in any frame ('people' is empty everywhere)")
    lay = _layout_for(path, count[0], layout, "OpenPose's people")
    return frames.clip("openpose", lay, 2, max_persons, ("x", "y", "score"), deadline)


def _openpose_frame(path, obj, index: int, frames: _Frames, count: list) -> None:
    if not isinstance(obj, dict) or not isinstance(obj.get("people"), list):
        raise SkeletonFormatError(path, None, "expected an OpenPose JSON object with a 'people' list")
    frames.add(index, None)
    for k, person in enumerate(obj["people"]):
        what = f"people[{k}]"
        if not isinstance(person, dict) or "pose_keypoints_2d" not in person:
            raise SkeletonFormatError(path, None, f"{what} has no 'pose_keypoints_2d'")
        if person["pose_keypoints_2d"] == []:
            continue
        pose = _flat_keypoints(path, person["pose_keypoints_2d"], count[0], 3, f"{what}.pose_keypoints_2d", None)
        count[0] = pose.shape[0]
        frames.add(index, pose, _openpose_id(path, person.get("person_id"), what))


def _openpose_id(path, value, what: str) -> int | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None or value == -1:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SkeletonFormatError(path, None, f"{what}.person_id {str(value)[:40]!r} is not an integer id")
    return value


# -- MediaPipe ---------------------------------------------------------------------------------------------

_LANDMARK_KEYS = ("x", "y", "z", "visibility")


def read_mediapipe(path: str | os.PathLike, max_persons: int = DEFAULT_MAX_PERSONS,
                   limits: ReadLimits | None = None) -> SkeletonSequence:  # fmt: skip
    """MediaPipe Pose landmarks (33 a pose: x, y, z, visibility) as JSON or CSV, layout ``mediapipe33``.

    JSON: a list of frames (or ``{"frames": [...]}``); a frame is a list of 33 landmarks (``{"x", "y", "z",
    "visibility"}`` objects or ``[x, y, z, visibility]`` lists), a list of such poses (several people), an
    empty list / ``null`` (nobody detected), or ``{"frame": i, "landmarks" | "pose_landmarks": ...}``.
    CSV: :func:`read_csv_frames` with 33 joints and x, y, z, visibility columns."""
    lim = resolve(limits)
    max_persons = _check_max_persons(max_persons)
    if str(path).lower().endswith(".csv"):
        seq = read_csv_frames(path, layout="mediapipe33", max_persons=max_persons, limits=lim)
        if tuple(seq.meta["channels"]) != _LANDMARK_KEYS:
            raise SkeletonFormatError(
                path, 1, f"MediaPipe columns give {seq.meta['channels']}, expected x, y, z, visibility per landmark"
            )
        seq.meta["format"] = "mediapipe"
        return seq
    deadline = _deadline(path, lim)
    obj, _ = _json(path, lim)
    return _mediapipe_clip(path, obj, max_persons, lim, deadline)


def _frame_entry(path, t: int, frame, keys: tuple[str, str]):
    """Frame ``t`` of a JSON export -> ``(frame index, its payload)``: a dict frame may give its own ``frame``
    number and holds its payload under exactly one of ``keys``; any other frame is its own payload at index ``t``."""
    if not isinstance(frame, dict):
        return t, frame
    index = _int_field(path, frame["frame"], f"frame {t}: 'frame'") if "frame" in frame else t
    present = [k for k in keys if k in frame]
    if len(present) != 1:
        names = " / ".join(f"'{k}'" for k in keys)
        raise SkeletonFormatError(path, None, f"frame {t} has no (or two) {names}")
    return index, frame[present[0]]


def _mediapipe_clip(path, obj, max_persons, lim, deadline) -> SkeletonSequence:
    if isinstance(obj, dict) and "frames" in obj:
        obj = obj["frames"]
    if not isinstance(obj, list) or not obj:
        raise SkeletonFormatError(path, None, "expected a non-empty JSON list of MediaPipe frames")
    frames = _Frames(path, lim)
    for t, frame in enumerate(obj):
        if t % 1024 == 0:
            deadline.check()
        index, frame = _frame_entry(path, t, frame, ("landmarks", "pose_landmarks"))
        frames.add(index, None)
        if frame is None or frame == []:
            continue
        if not isinstance(frame, list):
            raise SkeletonFormatError(path, None, f"frame {t} is not a list of landmarks")
        poses = frame if _is_pose_list(frame) else [frame]
        for k, pose in enumerate(poses):
            frames.add(index, _landmarks(path, pose, f"frame {t}, pose {k}"))
    return frames.clip("mediapipe", LAYOUTS["mediapipe33"], 3, max_persons, _LANDMARK_KEYS, deadline)


def _is_pose_list(frame: list) -> bool:
    """A frame of several poses: a list of lists of landmarks (a landmark being a dict or a list)."""
    return bool(frame) and isinstance(frame[0], list) and bool(frame[0]) and isinstance(frame[0][0], (dict, list))


def _landmarks(path, pose, what: str) -> np.ndarray:
    if not isinstance(pose, list) or len(pose) != 33:
        size = len(pose) if isinstance(pose, list) else type(pose).__name__
        raise SkeletonFormatError(path, None, f"{what}: expected 33 landmarks, found {size}")
    rows = []
    for j, mark in enumerate(pose):
        if isinstance(mark, dict):
            missing = [k for k in _LANDMARK_KEYS if k not in mark]
            if missing:
                raise SkeletonFormatError(path, None, f"{what}, landmark {j} lacks {missing}")
            rows.append([mark[k] for k in _LANDMARK_KEYS])
        else:
            rows.append(mark)
    return _flat_keypoints(path, rows, 33, 4, f"{what}: landmarks", None)


# -- YOLO-pose (Ultralytics) -------------------------------------------------------------------------------


def read_yolo_pose(path: str | os.PathLike, layout=None, max_persons: int = DEFAULT_MAX_PERSONS,
                   limits: ReadLimits | None = None) -> SkeletonSequence:  # fmt: skip
    """Ultralytics YOLO-pose results: a ``save_txt`` folder (one ``.txt`` a frame, ordered by the frame number
    in the name; a frame without a file had no detection), one such ``.txt`` (a one-frame clip), or JSON.

    A text line is ``class cx cy w h`` then V keypoints of ``x y conf`` (``x y`` without visibility) and, with
    ``save_conf``, the box confidence last; V is the layout's (``coco17`` by default, Ultralytics' pose
    models). JSON is ``Results.to_json()`` / ``summary()`` output: a list of detections ``{"keypoints":
    {"x": [...], "y": [...], "visible": [...]}}`` for one frame, or a list of such lists (or of ``{"frame",
    "detections"}``) for a clip. Channels x, y, conf (x, y when the file has no confidences)."""
    lim = resolve(limits)
    max_persons = _check_max_persons(max_persons)
    deadline = _deadline(path, lim)
    lay = get_layout(layout or "coco17")
    p = Path(path)
    frames = _Frames(path, lim)
    if p.is_dir() or not str(path).lower().endswith(".json"):
        files = _list_frame_files(p, ".txt", lim) if p.is_dir() else [(0, p)]
        per = None
        for t, (number, file) in enumerate(files):
            deadline.check()
            per = _yolo_text(file, lim, lay.num_joints, per, t if number is None else number, frames)
        channels = ("x", "y", "score") if per == 3 else ("x", "y")
        return frames.clip("yolo-pose", lay, 2, max_persons, channels, deadline)
    obj, _ = _json(path, lim)
    return _yolo_json_clip(path, obj, lay, max_persons, lim, deadline)


def _yolo_text(path, lim: ReadLimits, joints: int, per: int | None, index: int, frames: _Frames) -> int | None:
    frames.add(index, None)
    _, lines = read_text(path, lim)
    rows = [(k + 1, line) for k, line in enumerate(lines) if line.strip()]
    if not rows:
        return per
    widths = {5 + 3 * joints: 3, 6 + 3 * joints: 3, 5 + 2 * joints: 2, 6 + 2 * joints: 2}
    for lineno, line in rows:
        n = len(line.split())
        if n not in widths or (per is not None and widths[n] != per):
            expect = sorted(w for w, k in widths.items() if per is None or k == per)
            raise SkeletonFormatError(
                path, lineno, f"{n} values; a YOLO-pose line of {joints} keypoints has {' or '.join(map(str, expect))}"
            )
        per = widths[n]
        values = parse_floats(path, [line], lineno)[0 : 5 + per * joints]
        frames.add(index, values[5:].reshape(joints, per).astype(np.float32))
    return per


def _yolo_json_clip(path, obj, lay: SkeletonLayout, max_persons, lim, deadline) -> SkeletonSequence:
    if not isinstance(obj, list) or not obj:
        raise SkeletonFormatError(path, None, "expected a non-empty JSON list of YOLO-pose detections or frames")
    clip = obj if all(isinstance(f, (list, dict)) and not _is_detection(f) for f in obj) else [obj]
    frames = _Frames(path, lim)
    per = None
    for t, frame in enumerate(clip):
        if t % 1024 == 0:
            deadline.check()
        index, frame = _frame_entry(path, t, frame, ("detections", "results"))
        if not isinstance(frame, list):
            raise SkeletonFormatError(path, None, f"frame {t} is not a list of detections")
        frames.add(index, None)
        for k, det in enumerate(frame):
            pose = _yolo_detection(path, det, lay.num_joints, f"frame {t}, detection {k}")
            if per is not None and pose.shape[1] != per:
                raise SkeletonFormatError(path, None, f"frame {t}, detection {k}: 'visible' present in some only")
            per = pose.shape[1]
            frames.add(index, pose)
    channels = ("x", "y", "score") if per in (None, 3) else ("x", "y")
    return frames.clip("yolo-pose", lay, 2, max_persons, channels, deadline)


def _is_detection(item) -> bool:
    return isinstance(item, dict) and "keypoints" in item


def _yolo_detection(path, det, joints: int, what: str) -> np.ndarray:
    if not _is_detection(det):
        raise SkeletonFormatError(path, None, f"{what} is not an object with 'keypoints'")
    kp = det["keypoints"]
    if isinstance(kp, dict):
        if "x" not in kp or "y" not in kp:
            raise SkeletonFormatError(path, None, f"{what}: 'keypoints' lacks 'x' / 'y'")
        cols = [kp["x"], kp["y"]] + ([kp["visible"]] if "visible" in kp else [])
        for name, col in zip(("x", "y", "visible"), cols):
            if not isinstance(col, list) or len(col) != joints:
                size = len(col) if isinstance(col, list) else type(col).__name__
                raise SkeletonFormatError(path, None, f"{what}: keypoints.{name} has {size} values, expected {joints}")
        return numeric_array(path, cols, 1, f"{what}: keypoints").T.copy()
    if isinstance(kp, list) and kp and isinstance(kp[0], list) and len(kp[0]) == 2:
        return _flat_keypoints(path, kp, joints, 2, f"{what}: 'keypoints'", None)
    return _flat_keypoints(path, kp, joints, 3, f"{what}: 'keypoints'", None)


# -- csv-frames --------------------------------------------------------------------------------------------

_FRAME_COLUMNS = ("frame", "frame_index", "frame_idx", "frame_id")
_PERSON_COLUMNS = ("person", "person_id", "track_id", "track")
_IGNORED_COLUMNS = ("timestamp", "timestamp_ms", "time", "video", "file", "image", "image_id")
_POSITION = ("x", "y", "z")
_SCORES = {"score": "score", "conf": "score", "confidence": "score", "c": "score", "v": "visibility",
           "vis": "visibility", "visibility": "visibility", "presence": "presence", "s": "score"}  # fmt: skip
_CHANNELS = {**{k: k for k in _POSITION}, **_SCORES}
_JOINT_FIRST = re.compile(r"(?P<joint>.+?)[_.\- ](?P<ch>[A-Za-z]+)", re.ASCII)
_CHANNEL_FIRST = re.compile(r"(?P<ch>[A-Za-z]+)_?(?P<joint>[0-9]+)", re.ASCII)


def _parse_header(path, header: list[str]) -> tuple[int | None, int | None, list[str], list[str], list[list[int]]]:
    """``(frame column, person column, joints, channels, columns[joint][channel])`` of a csv-frames header."""
    frame_col = person_col = None
    joints: list[str] = []
    cells: dict[str, dict[str, int]] = {}
    for k, raw in enumerate(header):
        name = raw.strip().lower()
        if name in _FRAME_COLUMNS and frame_col is None:
            frame_col = k
            continue
        if name in _PERSON_COLUMNS and person_col is None:
            person_col = k
            continue
        if name in _IGNORED_COLUMNS:
            continue
        m = _CHANNEL_FIRST.fullmatch(name)
        if m is None or m.group("ch") not in _CHANNELS:
            m = _JOINT_FIRST.fullmatch(name)
        if m is None or m.group("ch") not in _CHANNELS:
            raise SkeletonFormatError(
                path, 1, f"column {raw[:40]!r} is not frame, person or <joint>_<x|y|z|score|visibility>"
            )
        joint, channel = m.group("joint"), _CHANNELS[m.group("ch")]
        if joint not in cells:
            joints.append(joint)
            cells[joint] = {}
        if channel in cells[joint]:
            raise SkeletonFormatError(path, 1, f"joint {joint!r} has two {channel} columns")
        cells[joint][channel] = k
    if not joints:
        raise SkeletonFormatError(path, 1, "the header names no joint columns (<joint>_x, <joint>_y, ...)")
    channels = [c for c in (*_POSITION, "score", "visibility", "presence") if c in cells[joints[0]]]
    for joint in joints:
        if sorted(cells[joint]) != sorted(channels):
            raise SkeletonFormatError(
                path, 1, f"joint {joint!r} has columns {sorted(cells[joint])}, joint {joints[0]!r} {channels}"
            )
    positions = [c for c in channels if c in _POSITION]
    if positions not in (["x", "y"], ["x", "y", "z"]) or len(channels) - len(positions) > 2:
        raise SkeletonFormatError(path, 1, f"joint columns give {channels}: expected x, y[, z] and at most two scores")
    return frame_col, person_col, joints, channels, [[cells[j][c] for c in channels] for j in joints]


def _csv_layout(path, joints: list[str], channels: list[str], layout) -> SkeletonLayout:
    if layout is not None:
        return _layout_for(path, len(joints), layout, "the CSV's joints")
    wanted = [j.lower() for j in joints]
    for lay in LAYOUTS.values():
        if list(lay.joint_names) == wanted:
            return lay
    if all(j.isdigit() for j in joints) and [int(j) for j in joints] == list(range(len(joints))):
        return _layout_for(path, len(joints), None, "the CSV's joints")
    raise NeedsLayout(
        path, 1, f"the joint names ({', '.join(joints[:5])}...) are not those of a preset layout: pass a layout"
    )


def read_csv_frames(path: str | os.PathLike, layout=None, max_persons: int = DEFAULT_MAX_PERSONS,
                    limits: ReadLimits | None = None) -> SkeletonSequence:  # fmt: skip
    """A CSV of one row per frame (and person): ``frame[,person],<joint>_x,<joint>_y[,<joint>_z][,<joint>_score]``.

    Joint columns are ``<joint>_<channel>`` (``nose_x``, ``left_wrist_score``) or ``<channel><index>`` (``x0``,
    ``visibility_12``); channels x, y, optional z, then up to two of score / conf / visibility / presence, the
    same for every joint, in the order x, y, z, score, visibility, presence. Joints named as a preset layout's
    (``coco17``: ``nose, left_eye, ...``) pick it; numbered joints ``0..V-1`` pick the preset of V keypoints
    (17, 18, 25, 26, 33); ``layout`` overrides both. Without a ``frame`` column, rows are frames in order;
    a ``person`` column gives person ids (tracked otherwise); a row with every joint cell empty is a frame
    without a detection. ``frame``-like extra columns ``timestamp`` / ``time`` are ignored."""
    lim = resolve(limits)
    max_persons = _check_max_persons(max_persons)
    deadline = _deadline(path, lim)
    text, _ = read_text(path, lim)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise SkeletonFormatError(path, 1, f"not a CSV header: {exc}") from None
    limit = lim.max_joints * lim.max_channels + 8
    if len(header) > limit:
        raise SkeletonFormatError(path, 1, f"{len(header)} columns, more than max_joints x max_channels allow")
    frame_col, person_col, joints, channels, columns = _parse_header(path, header)
    lim.check(path, "max_joints", len(joints), f"{len(joints)} joints", 1)
    lay = _csv_layout(path, joints, channels, layout)
    npos = sum(c in _POSITION for c in channels)
    frames = _Frames(path, lim)
    order = np.array(columns).reshape(-1)
    any_ids, rows = False, 0
    try:
        for row in reader:
            lineno = reader.line_num
            if not row or all(not cell.strip(_ASCII_SPACE) for cell in row):
                continue
            rows += 1
            if rows % 4096 == 0:
                deadline.check(lineno)
            if len(row) != len(header):
                raise SkeletonFormatError(path, lineno, f"{len(row)} cells, the header has {len(header)}")
            index = rows - 1 if frame_col is None else _cell_int(path, row[frame_col], "frame", lineno)
            pid = None if person_col is None else _cell_int(path, row[person_col], "person", lineno)
            any_ids = any_ids or pid is not None
            cells = [row[k].strip(_ASCII_SPACE) for k in order]  # str.strip() would drop a no-break space
            if not any(cells):
                frames.add(index, None)
                continue
            values = [strict_float(c) for c in cells]
            if any(v is None for v in values):
                bad = next(c for c, v in zip(cells, values) if v is None)
                raise SkeletonFormatError(path, lineno, f"not a number: {bad[:40]!r}" if bad else "an empty joint cell")
            pose = np.array(values, dtype=np.float64).reshape(len(joints), len(channels))
            if not np.isfinite(pose.astype(np.float32)).all():
                raise SkeletonFormatError(path, lineno, "a value is not finite in float32")
            frames.add(index, pose.astype(np.float32), pid)
    except csv.Error as exc:
        raise SkeletonFormatError(path, reader.line_num, f"malformed CSV: {exc}") from None
    if not rows:
        raise SkeletonFormatError(path, 2, "no data rows")
    seq = frames.clip("csv-frames", lay, npos, max_persons, tuple(channels), deadline)
    return seq


_ASCII_SPACE = " \t\r\n"


def _cell_int(path, cell: str, what: str, lineno: int) -> int:
    text = cell.strip(_ASCII_SPACE)
    if not re.fullmatch(r"[0-9]{1,15}", text, re.ASCII):  # _MAX_FRAME_DIGITS
        raise SkeletonFormatError(path, lineno, f"{what} {text[:40]!r} is not an integer >= 0")
    return int(text)


# -- any export --------------------------------------------------------------------------------------------


def classify_json(obj) -> str | None:
    """Which format a parsed JSON document is: a pose format, ``"nw_ucla"``, ``"toyota"``, or ``None``."""
    if isinstance(obj, dict):
        if "skeletons" in obj:
            return "nw_ucla"
        if isinstance(obj.get("people"), list):
            return "openpose"
        if isinstance(obj.get("annotations"), list):
            return "coco-json"
        if "njts" in obj or (isinstance(obj.get("frames"), list) and _first_leaf_has(obj["frames"], "pose2d")):
            return "toyota"
        if "frames" in obj:
            return "mediapipe"
        return None
    if not isinstance(obj, list) or not obj:
        return None
    first = next((item for item in obj if item not in (None, [])), None)
    if isinstance(first, dict):
        if "image_id" in first and "keypoints" in first:
            return "coco-json"
        if "keypoints" in first or "detections" in first or "results" in first:
            return "yolo-pose"
        if "landmarks" in first or "pose_landmarks" in first or "visibility" in first:
            return "mediapipe"
        return None
    if isinstance(first, list):
        inner = next((item for item in first if item not in (None, [])), None)
        if isinstance(inner, dict) and "keypoints" in inner:
            return "yolo-pose"
        if isinstance(inner, dict) and "visibility" in inner:
            return "mediapipe"
        if isinstance(inner, list) and inner and isinstance(inner[0], dict) and "visibility" in inner[0]:
            return "mediapipe"
        if isinstance(inner, list) and len(first) == 33 and len(inner) == 4:
            return "mediapipe"
    if None in obj and all(item in (None, []) for item in obj):
        return "mediapipe"
    return None


def _first_leaf_has(frames: list, key: str) -> bool:
    for frame in frames[:50]:
        if isinstance(frame, list) and frame and isinstance(frame[0], dict):
            return key in frame[0]
    return False


JSON_FORMATS_HELP = (
    "NW-UCLA ({'skeletons': ...}), COCO keypoint results ([{'image_id', 'keypoints'}]), an OpenPose frame "
    "({'people': [...]}), MediaPipe landmarks ([[{'x', 'y', 'z', 'visibility'} * 33], ...]) or YOLO-pose "
    "results ([{'keypoints': {'x', 'y', 'visible'}}])"
)


def detect_pose_format(path: str | os.PathLike, limits: ReadLimits | None = None) -> str:
    """The export format of a file or folder, by content: a folder of ``.json`` is ``openpose``, of ``.txt``
    ``yolo-pose``; ``.json`` by its structure (:func:`classify_json`); ``.csv`` with 33 x, y, z, visibility
    joints ``mediapipe``, else ``csv-frames``; ``.txt`` ``yolo-pose``. Anything else (or an NW-UCLA / Toyota
    JSON) raises :class:`SkeletonFormatError` saying what was found."""
    lim = resolve(limits)
    p = Path(path)
    if p.is_dir():
        try:
            with os.scandir(p) as entries:
                suffixes = set()
                for k, entry in enumerate(entries):
                    if k > lim.max_frames:
                        break
                    if not entry.name.startswith("."):
                        suffixes.add(Path(entry.name).suffix.lower())
        except OSError as exc:
            raise SkeletonFormatError(path, None, f"cannot list the folder: {exc.strerror or exc}") from None
        if ".json" in suffixes and ".txt" not in suffixes:
            return "openpose"
        if ".txt" in suffixes and ".json" not in suffixes:
            return "yolo-pose"
        raise SkeletonFormatError(
            path, None, "a folder of pose exports holds OpenPose .json or YOLO-pose .txt files (one a frame), "
            f"found {sorted(suffixes)[:8] or 'nothing'}"
        )  # fmt: skip
    suffix = p.suffix.lower()
    if suffix == ".json":
        obj, _ = _json(path, lim)
        kind = classify_json(obj)
        if kind in POSE_FORMATS:
            return kind
        found = {"nw_ucla": "an NW-UCLA clip", "toyota": "a Toyota Smarthome clip"}.get(kind)
        raise SkeletonFormatError(
            path, 1, f"{found or 'a JSON document of no known layout'}, not a pose export; expected {JSON_FORMATS_HELP}"
        )
    if suffix == ".csv":
        text, lines = read_text(path, lim)
        try:
            header = next(csv.reader([lines[0]]))
        except (csv.Error, StopIteration, IndexError):
            raise SkeletonFormatError(path, 1, "not a CSV header") from None
        _, _, joints, channels, _ = _parse_header(path, header)
        return "mediapipe" if len(joints) == 33 and tuple(channels) == _LANDMARK_KEYS else "csv-frames"
    if suffix == ".txt":
        return "yolo-pose"
    raise SkeletonFormatError(
        path, None, f"not a pose export ({suffix or 'no suffix'}): expected a .json, .csv or .txt file or a folder"
    )


def read_pose_export(path: str | os.PathLike, format: str = "auto", layout=None,
                     max_persons: int = DEFAULT_MAX_PERSONS, limits: ReadLimits | None = None,
                     fallback_layout=None) -> SkeletonSequence:  # fmt: skip
    """Read one clip of any :data:`POSE_FORMATS` export (``format="auto"``: :func:`detect_pose_format`).

    ``layout`` names the joint order and overrides the export's own (its joint count must match);
    ``fallback_layout`` is used only when the export does not say it (a keypoint count no preset has, joint
    names of no preset). MediaPipe is always ``mediapipe33``."""
    if format not in (None, "auto", *POSE_FORMATS):
        raise ValueError(f"unknown pose export format {format!r}; known: {', '.join(POSE_FORMATS)} or auto")
    try:
        return _read_export(path, format, layout, max_persons, limits)
    except NeedsLayout:
        if layout is not None or fallback_layout is None:
            raise
        return _read_export(path, format, fallback_layout, max_persons, limits)


def _read_export(path, format, layout, max_persons, limits) -> SkeletonSequence:
    p = Path(path)
    if format in (None, "auto"):
        if p.suffix.lower() == ".json" and not p.is_dir():
            return _read_json_clip(path, layout, max_persons, limits, pose_only=True)
        format = detect_pose_format(path, limits)
    if format == "coco-json":
        return read_coco_keypoints(path, layout, max_persons, limits)
    if format == "openpose":
        return read_openpose(path, layout, max_persons, limits)
    if format == "mediapipe":
        if layout is not None and get_layout(layout).name != "mediapipe33":
            raise ValueError(f"MediaPipe exports are in the mediapipe33 layout, not {layout!r}")
        return read_mediapipe(path, max_persons, limits)
    if format == "yolo-pose":
        return read_yolo_pose(path, layout, max_persons, limits)
    return read_csv_frames(path, layout, max_persons, limits)


def read_json_clip(path: str | os.PathLike, layout=None, max_persons: int = DEFAULT_MAX_PERSONS,
                   limits: ReadLimits | None = None, pose_only: bool = False,
                   fallback_layout=None) -> SkeletonSequence:  # fmt: skip
    """One ``.json`` clip of any kind, told apart by content (parsed once): a pose export (COCO results,
    an OpenPose frame, MediaPipe, YOLO-pose), an NW-UCLA or a Toyota Smarthome clip (unless ``pose_only``).
    A JSON document of no known kind is a :class:`SkeletonFormatError` listing what is expected.
    ``layout`` / ``fallback_layout`` as for :func:`read_pose_export`."""
    try:
        return _read_json_clip(path, layout, max_persons, limits, pose_only)
    except NeedsLayout:
        if layout is not None or fallback_layout is None:
            raise
        return _read_json_clip(path, fallback_layout, max_persons, limits, pose_only)


def _read_json_clip(path, layout, max_persons, limits, pose_only) -> SkeletonSequence:
    lim = resolve(limits)
    max_persons = _check_max_persons(max_persons)
    deadline = _deadline(path, lim)
    obj, _ = _json(path, lim)
    kind = classify_json(obj)
    if kind == "coco-json":
        return _coco_clip(path, obj, layout, max_persons, lim, deadline)
    if kind == "mediapipe":
        return _mediapipe_clip(path, obj, max_persons, lim, deadline)
    if kind == "yolo-pose":
        return _yolo_json_clip(path, obj, get_layout(layout or "coco17"), max_persons, lim, deadline)
    if kind == "openpose":
        frames, count = _Frames(path, lim), [None]
        _openpose_frame(path, obj, 0, frames, count)
        if count[0] is None:
            raise SkeletonFormatError(path, None, "no person in the frame ('people' is empty)")
        lay = _layout_for(path, count[0], layout, "OpenPose's people")
        return frames.clip("openpose", lay, 2, max_persons, ("x", "y", "score"), deadline)
    if kind in ("nw_ucla", "toyota") and not pose_only:
        from .nw_ucla import read_nw_ucla
        from .toyota import read_toyota_json

        return read_nw_ucla(path, limits=lim) if kind == "nw_ucla" else read_toyota_json(path, limits=lim)
    found = {"nw_ucla": "an NW-UCLA clip", "toyota": "a Toyota Smarthome clip"}.get(kind)
    raise SkeletonFormatError(
        path, 1, f"{found or 'a JSON document of no known layout'}"
        f"{', not a pose export' if found else ''}; expected {JSON_FORMATS_HELP}"
    )  # fmt: skip
