"""Several people per frame -> a few persons with a stable order across the clip.

A pose estimator writes, for every frame, a list of detections in no particular order (OpenPose sorts by
nothing, MMPose / YOLO by score). :func:`track_people` links detections across frames, keeps the ``M`` most
present persons and fills the frames a kept person was not detected in, as pyskl's video demo does
(``demo/demo_skeleton.py``: tracks within a 30-frame window, an assignment per frame, the longest tracks kept),
with two differences: detections are matched by the IoU of their keypoint boxes (the nearest box centre when
no box overlaps), and a kept person's missing frames are **filled and counted**, never left as silent zeros:

- inside the person's span (between two detections), positions are interpolated linearly;
- before the first / after the last detection, the nearest detection's positions are carried;
- the non-position channels (a keypoint confidence, MediaPipe's visibility) of every filled frame are 0, so a
  filled joint reads as "not seen" to a model that takes scores as values.

The counts go into a :class:`TrackingReport` (``meta["tracking"]`` of the sequence a pose-export reader
returns), which ``sugar-hf convert folder`` prints and records per clip.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

MAX_GAP = 30
"""Frames a track may go undetected and still be continued (pyskl's ``thre``)."""
MIN_IOU = 0.1
"""Keypoint boxes overlapping less than this are matched by centre distance instead."""
MAX_CENTRE_DISTANCE = 1.0
"""Without overlap, a detection continues a track only if the box centres are within this many box diagonals."""


@dataclass
class TrackingReport:
    """What tracking and filling did to one clip.

    Attributes:
        frames: Frames of the clip (``T``).
        persons: Persons kept (``M``).
        detections: Usable detections read (a detection with no visible keypoint is not usable).
        empty_detections: Detections without a single visible keypoint (dropped).
        tracks: Distinct persons found (tracks, or ids the file gave).
        dropped_tracks: Tracks beyond ``M`` (the least present), not in the clip.
        frames_without_detection: Frames in which no kept person was detected.
        filled: Per kept person, the frames filled (interpolated or carried, scores 0).
        by_id: ``True`` when the file's own person ids linked the detections (no tracker).
    """

    frames: int
    persons: int
    detections: int = 0
    empty_detections: int = 0
    tracks: int = 0
    dropped_tracks: int = 0
    frames_without_detection: int = 0
    filled: list[int] = field(default_factory=list)
    by_id: bool = False

    @property
    def filled_total(self) -> int:
        return int(sum(self.filled))

    def to_dict(self) -> dict:
        return dict(asdict(self), filled_total=self.filled_total)

    def summary(self) -> str:
        kept = f"{self.persons} of {self.tracks} persons" + (" (by id)" if self.by_id else " (tracked)")
        filled = ", ".join(str(n) for n in self.filled)
        return (f"{self.frames} frames, {kept}; filled frames per person: {filled} (scores 0); "
                f"{self.frames_without_detection} frames without a detection")  # fmt: skip


def keypoint_box(pose: np.ndarray, coordinate_channels: int) -> np.ndarray | None:
    """``(x0, y0, x1, y1)`` of the visible keypoints of one detection ``(V, C)``, or ``None`` if none is.

    A keypoint is visible when its score (the first channel after the positions) is above 0, or, for data
    without a score, when its position is not all zero (OpenPose writes 0, 0, 0 for an undetected joint)."""
    visible = _visible(pose, coordinate_channels)
    if not visible.any():
        return None
    xy = pose[visible, :2]
    return np.concatenate([xy.min(0), xy.max(0)])


def _visible(pose: np.ndarray, coordinate_channels: int) -> np.ndarray:
    if pose.shape[1] > coordinate_channels:
        return pose[:, coordinate_channels] > 0
    return np.abs(pose[:, :coordinate_channels]).sum(1) > 0


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _cost(a: np.ndarray, b: np.ndarray) -> float:
    """0..1: 1 - IoU when the boxes overlap enough; 1..2 by centre distance (in box diagonals); inf: too far."""
    iou = _iou(a, b)
    if iou >= MIN_IOU:
        return 1.0 - iou
    scale = 0.5 * (np.hypot(a[2] - a[0], a[3] - a[1]) + np.hypot(b[2] - b[0], b[3] - b[1]))
    dist = float(np.hypot((a[0] + a[2] - b[0] - b[2]) / 2, (a[1] + a[3] - b[1] - b[3]) / 2))
    if scale <= 0:  # single-point boxes: only the same point continues
        return 1.0 if dist == 0 else np.inf
    ratio = dist / scale
    return 1.0 + ratio if ratio <= MAX_CENTRE_DISTANCE else np.inf


def _link(frames: list[list[tuple[np.ndarray, np.ndarray]]], deadline=None) -> list[dict[int, np.ndarray]]:
    """Tracks ``[{frame: pose}]`` of per-frame ``[(pose, box)]`` by an optimal assignment per frame."""
    from scipy.optimize import linear_sum_assignment

    tracks: list[dict] = []  # {"poses": {t: pose}, "box": last box, "last": t}
    for t, dets in enumerate(frames):
        if deadline is not None and t % 256 == 0:
            deadline.check()
        if not dets:
            continue
        active = [k for k, tr in enumerate(tracks) if tr["last"] >= t - MAX_GAP]
        assigned: set[int] = set()
        if active:
            cost = np.array([[_cost(tracks[k]["box"], box) for _, box in dets] for k in active])
            finite = np.where(np.isfinite(cost), cost, 1e6)
            rows, cols = linear_sum_assignment(finite)
            for r, c in zip(rows, cols):
                if np.isfinite(cost[r, c]):
                    tr = tracks[active[r]]
                    tr["poses"][t], tr["box"], tr["last"] = dets[c][0], dets[c][1], t
                    assigned.add(int(c))
        for c, (pose, box) in enumerate(dets):
            if c not in assigned:
                tracks.append({"poses": {t: pose}, "box": box, "last": t})
    return [tr["poses"] for tr in tracks]


def _fill(poses: dict[int, np.ndarray], frames: int, coordinate_channels: int) -> tuple[np.ndarray, int]:
    """``(T, V, C)`` of one person's detections, the other frames filled (see the module docstring)."""
    times = np.array(sorted(poses))
    stack = np.stack([poses[t] for t in times])
    v, c = stack.shape[1:]
    out = np.zeros((frames, v, c), dtype=np.float32)
    out[times] = stack
    missing = np.setdiff1d(np.arange(frames), times)
    if missing.size:
        k = coordinate_channels
        flat = stack[..., :k].reshape(len(times), -1)
        filled = np.empty((missing.size, flat.shape[1]), dtype=np.float32)
        for j in range(flat.shape[1]):  # np.interp carries the end values outside the span
            filled[:, j] = np.interp(missing, times, flat[:, j])
        out[missing, :, :k] = filled.reshape(missing.size, v, k)
        out[missing, :, k:] = 0.0
    return out, int(missing.size)


def track_people(
    frames: list[list[np.ndarray]],
    coordinate_channels: int,
    max_persons: int = 2,
    ids: list[list[int | None]] | None = None,
    deadline=None,
) -> tuple[np.ndarray, TrackingReport]:
    """``(data (M, T, V, C) float32, report)`` of per-frame detection lists (each detection ``(V, C)``).

    ``ids`` (same nesting as ``frames``) are the file's own person ids (OpenPose ``person_id``, a CSV's
    ``person`` column): when every detection has one, detections are grouped by id instead of tracked.
    ``M`` is ``min(max_persons, persons found)``; the kept persons are the most present ones, most present
    first (ties: the one that appears first, then the file's order), so the order is the same however the
    estimator ordered its detections. Raises ``ValueError`` when no frame has a usable detection.
    """
    if max_persons < 1:
        raise ValueError("max_persons must be at least 1")
    report = TrackingReport(frames=len(frames), persons=0)
    usable: list[list[tuple[np.ndarray, np.ndarray]]] = []
    usable_ids: list[list[int | None]] = []
    for t, dets in enumerate(frames):
        kept, kept_ids = [], []
        for d, pose in enumerate(dets):
            box = keypoint_box(pose, coordinate_channels)
            if box is None:
                report.empty_detections += 1
                continue
            kept.append((pose, box))
            kept_ids.append(ids[t][d] if ids is not None else None)
        usable.append(kept)
        usable_ids.append(kept_ids)
        report.detections += len(kept)
    if not report.detections:
        raise ValueError("no person detected in any frame (no keypoint with a score above 0)")
    by_id = ids is not None and all(i is not None for row in usable_ids for i in row)
    if by_id:
        groups: dict[int, dict[int, np.ndarray]] = {}
        for t, (dets, row) in enumerate(zip(usable, usable_ids)):
            for (pose, _), pid in zip(dets, row):
                if t in groups.setdefault(pid, {}):
                    raise ValueError(f"person id {pid} appears twice in frame {t}")
                groups[pid][t] = pose
        tracks = list(groups.values())
    else:
        tracks = _link(usable, deadline)
    order = sorted(range(len(tracks)), key=lambda k: (-len(tracks[k]), min(tracks[k]), k))
    chosen = order[:max_persons]
    report.tracks, report.persons, report.by_id = len(tracks), len(chosen), by_id
    report.dropped_tracks = len(tracks) - len(chosen)
    persons = []
    seen = np.zeros(len(frames), dtype=bool)
    for k in chosen:
        data, filled = _fill(tracks[k], len(frames), coordinate_channels)
        persons.append(data)
        report.filled.append(filled)
        seen[list(tracks[k])] = True
    report.frames_without_detection = int((~seen).sum())
    return np.stack(persons), report
