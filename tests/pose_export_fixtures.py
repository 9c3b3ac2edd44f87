"""Small synthetic pose-estimator exports, written by the tests (COCO results, OpenPose, MediaPipe, YOLO-pose,
csv-frames), shared by ``tests/test_pose_exports.py``, ``tests/test_readme_pose_exports.py`` and the fuzz
families.

:func:`make_clip` draws ``(M, T, V, C)`` keypoints of people moving by class (a class-specific frequency of the
upper joints), each person in its own region of a 640 x 480 image so that boxes never overlap; the writers put
the same clip into each format, dropping the detections listed in ``drop`` (``{(person, frame)}``) and
shuffling the order of the people within each frame, as estimators do.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from sugar_hf.skeleton_layouts import get_layout

WIDTH, HEIGHT = 640.0, 480.0


def make_clip(layout: str, frames: int = 12, persons: int = 1, cls: int = 0, seed: int = 0,
              channels: int = 3, normalised: bool = False) -> np.ndarray:  # fmt: skip
    """``(persons, frames, V, channels)`` float32: x, y in pixels (or 0..1 when ``normalised``), then z (when
    ``channels == 4``) and a score in 0.5..1."""
    rng = np.random.default_rng(seed)
    v = get_layout(layout).num_joints
    out = np.zeros((persons, frames, v, channels), dtype=np.float32)
    t = np.arange(frames)[:, None]
    for m in range(persons):
        base_x = 80 + 220 * m + 60 * rng.random(v)
        base_y = 100 + 250 * rng.random(v)
        upper = (base_y < 220).astype(np.float32)
        out[m, :, :, 0] = base_x + 15 * upper * np.sin((cls + 1) * 0.5 * t + m)
        out[m, :, :, 1] = base_y + 10 * upper * np.cos((cls + 1) * 0.5 * t)
        if channels == 4:
            out[m, :, :, 2] = rng.normal(0, 0.1, (frames, v))
        out[m, :, :, -1] = rng.uniform(0.5, 1.0, (frames, v))
    if normalised:
        out[..., 0] /= WIDTH
        out[..., 1] /= HEIGHT
    return np.round(out, 4)


def _people(clip: np.ndarray, t: int, drop, rng) -> list[int]:
    order = [m for m in range(clip.shape[0]) if (m, t) not in drop]
    rng.shuffle(order)
    return order


def write_coco_results(path: Path, clip: np.ndarray, drop=frozenset(), image_ids: str = "int", seed: int = 0) -> Path:
    """A COCO keypoint results list; ``image_ids``: ``int`` (1-based frame numbers) or ``name`` (strings)."""
    rng = np.random.default_rng(seed)
    dets = []
    for t in range(clip.shape[1]):
        for m in _people(clip, t, drop, rng):
            image_id = t + 1 if image_ids == "int" else f"frame_{t + 1:06d}.jpg"
            dets.append({"image_id": image_id, "category_id": 1, "keypoints": clip[m, t].reshape(-1).tolist(),
                         "score": 0.9})  # fmt: skip
    path.write_text(json.dumps(dets), encoding="utf-8")
    return path


def write_openpose(folder: Path, clip: np.ndarray, drop=frozenset(), ids: bool = False, seed: int = 0) -> Path:
    """An OpenPose ``--write_json`` folder: ``<name>_<frame:012d>_keypoints.json`` per frame."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for t in range(clip.shape[1]):
        people = [{"person_id": [m] if ids else [-1], "pose_keypoints_2d": clip[m, t].reshape(-1).tolist(),
                   "face_keypoints_2d": [], "hand_left_keypoints_2d": []} for m in _people(clip, t, drop, rng)]  # fmt: skip
        doc = {"version": 1.3, "people": people}
        (folder / f"{folder.name}_{t:012d}_keypoints.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def write_mediapipe_json(path: Path, clip: np.ndarray, drop=frozenset()) -> Path:
    """MediaPipe landmarks: ``[{"frame": t, "landmarks": [{x, y, z, visibility} * 33]}]`` (one person)."""
    frames = []
    for t in range(clip.shape[1]):
        marks = [] if (0, t) in drop else [dict(zip(("x", "y", "z", "visibility"), map(float, j))) for j in clip[0, t]]
        frames.append({"frame": t, "landmarks": marks})
    path.write_text(json.dumps(frames), encoding="utf-8")
    return path


def write_mediapipe_csv(path: Path, clip: np.ndarray, drop=frozenset()) -> Path:
    """One row a frame: ``frame,x0,y0,z0,visibility0,...,visibility32``; a frame without a pose has empty cells."""
    header = ["frame"] + [f"{c}{j}" for j in range(33) for c in ("x", "y", "z", "visibility")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for t in range(clip.shape[1]):
            cells = [""] * (33 * 4) if (0, t) in drop else [f"{v:.4f}" for v in clip[0, t].reshape(-1)]
            writer.writerow([t, *cells])
    return path


def write_yolo_txt(folder: Path, clip: np.ndarray, drop=frozenset(), seed: int = 0) -> Path:
    """An Ultralytics ``save_txt --save_conf`` folder (normalised coordinates): ``<name>_<frame>.txt`` with
    ``0 cx cy w h`` + 17 x ``x y conf`` + box confidence per person; frames without a person have no file."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for t in range(clip.shape[1]):
        lines = []
        for m in _people(clip, t, drop, rng):
            kp = clip[m, t]
            x0, y0 = kp[:, :2].min(0)
            x1, y1 = kp[:, :2].max(0)
            box = [(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0]
            lines.append(" ".join(["0", *(f"{v:.5f}" for v in box), *(f"{v:.5f}" for v in kp.reshape(-1)), "0.91"]))
        if lines:
            (folder / f"{folder.name}_{t + 1}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def write_yolo_json(path: Path, clip: np.ndarray, drop=frozenset(), seed: int = 0) -> Path:
    """``Results.to_json()`` detections, one list a frame."""
    rng = np.random.default_rng(seed)
    frames = []
    for t in range(clip.shape[1]):
        dets = []
        for m in _people(clip, t, drop, rng):
            kp = clip[m, t]
            dets.append({"name": "person", "class": 0, "confidence": 0.9,
                         "box": {"x1": float(kp[:, 0].min()), "y1": float(kp[:, 1].min()),
                                 "x2": float(kp[:, 0].max()), "y2": float(kp[:, 1].max())},
                         "keypoints": {"x": kp[:, 0].tolist(), "y": kp[:, 1].tolist(), "visible": kp[:, 2].tolist()}})  # fmt: skip
        frames.append(dets)
    path.write_text(json.dumps(frames), encoding="utf-8")
    return path


def write_csv_frames(path: Path, clip: np.ndarray, layout: str, drop=frozenset(), channels=("x", "y", "score"),
                     person_column: bool = True) -> Path:  # fmt: skip
    """``frame,person,<joint>_<channel>...`` with the layout's joint names, one row per frame and person."""
    names = get_layout(layout).joint_names
    header = ["frame", *(["person"] if person_column else []), *(f"{j}_{c}" for j in names for c in channels)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for t in range(clip.shape[1]):
            for m in range(clip.shape[0]):
                if (m, t) in drop:
                    continue
                cells = [f"{v:.4f}" for v in clip[m, t].reshape(-1)]
                writer.writerow([t, *([m] if person_column else []), *cells])
    return path


EXPORT_LAYOUTS = {"coco-json": "coco17", "openpose": "body25", "mediapipe": "mediapipe33", "yolo-pose": "coco17",
                  "csv-frames": "halpe26"}  # fmt: skip
"""The layout each corpus of :func:`write_export_corpus` is written in."""


def write_export(path_stem: Path, fmt: str, clip: np.ndarray, drop=frozenset(), variant: int = 0) -> Path:
    """One clip in ``fmt`` at ``path_stem`` + the format's suffix (a folder for OpenPose / YOLO-pose text);
    ``variant`` picks the second spelling of a format (names as image ids, person ids, MediaPipe CSV, YOLO JSON)."""
    if fmt == "coco-json":
        return write_coco_results(path_stem.with_suffix(".json"), clip, drop, "name" if variant else "int")
    if fmt == "openpose":
        return write_openpose(path_stem, clip, drop, ids=bool(variant))
    if fmt == "mediapipe":
        writer = write_mediapipe_csv if variant else write_mediapipe_json
        return writer(path_stem.with_suffix(".csv" if variant else ".json"), clip, drop)
    if fmt == "yolo-pose":
        return write_yolo_json(path_stem.with_suffix(".json"), clip, drop) if variant else write_yolo_txt(path_stem, clip, drop)
    return write_csv_frames(path_stem.with_suffix(".csv"), clip, EXPORT_LAYOUTS[fmt], drop)


def write_export_corpus(root: Path, fmt: str, classes=("wave", "clap"), subjects=("s01", "s02", "s03"),
                        per_class: int = 2, frames: int = 12) -> Path:  # fmt: skip
    """``root/exports/<subject>_<class>_<k>[.suffix]`` in ``fmt`` (two people, MediaPipe one, a few missing
    detections each) and ``root/labels.csv`` (``file,label,subject``); returns the CSV."""
    layout = EXPORT_LAYOUTS[fmt]
    persons = 1 if fmt == "mediapipe" else 2
    (root / "exports").mkdir(parents=True, exist_ok=True)
    rows = []
    seed = 0
    for subject in subjects:
        for c, label in enumerate(classes):
            for k in range(per_class):
                seed += 1
                clip = make_clip(layout, frames, persons, cls=c, seed=seed, channels=4 if fmt == "mediapipe" else 3,
                                 normalised=fmt in ("mediapipe", "yolo-pose"))  # fmt: skip
                drop = {(persons - 1, (seed + 2) % frames), (0, seed % frames)}
                path = write_export(root / "exports" / f"{subject}_{label}_{k}", fmt, clip, drop, variant=k % 2)
                rows.append({"file": path.relative_to(root).as_posix(), "label": label, "subject": subject})
    with open(root / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root / "labels.csv"
