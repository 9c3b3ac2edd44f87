"""Fuzz formats and mutation families of the pose-estimator export readers (issue 25), registered into
``fuzz_families.FORMATS`` (so ``tests/test_fuzz_readers.py`` and ``benchmarks/fuzz_readers.py`` run them like
every other reader): COCO keypoint results, an OpenPose frame file, MediaPipe JSON and CSV, a YOLO-pose text
frame and JSON, csv-frames. Seeds are synthetic (:mod:`pose_export_fixtures` draws the keypoints)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import numpy as np

from sugar_hf.skeleton_layouts import get_layout


def _clip(rng, layout: str, frames: int, persons: int, channels: int = 3, normalised: bool = False) -> np.ndarray:
    from pose_export_fixtures import make_clip

    return make_clip(layout, frames, persons, seed=int(rng.integers(1 << 30)), channels=channels,
                     normalised=normalised)  # fmt: skip


def seed_coco_results(rng) -> bytes:
    clip = _clip(rng, "coco17", 6, 2)
    dets = [{"image_id": t + 1, "category_id": 1, "keypoints": clip[m, t].reshape(-1).tolist(), "score": 0.9}
            for t in range(6) for m in range(2) if (m + t) % 5]  # fmt: skip
    return json.dumps(dets).encode()


def seed_openpose_frame(rng) -> bytes:
    clip = _clip(rng, "body25", 1, 2)
    people = [{"person_id": [-1], "pose_keypoints_2d": clip[m, 0].reshape(-1).tolist()} for m in range(2)]
    return json.dumps({"version": 1.3, "people": people}).encode()


def seed_mediapipe_json(rng) -> bytes:
    clip = _clip(rng, "mediapipe33", 6, 1, channels=4, normalised=True)
    keys = ("x", "y", "z", "visibility")
    frames = [{"frame": t, "landmarks": [] if t == 3 else [dict(zip(keys, map(float, j))) for j in clip[0, t]]}
              for t in range(6)]  # fmt: skip
    return json.dumps(frames).encode()


def seed_mediapipe_csv(rng) -> bytes:
    clip = _clip(rng, "mediapipe33", 6, 1, channels=4, normalised=True)
    header = ["frame"] + [f"{c}{j}" for j in range(33) for c in ("x", "y", "z", "visibility")]
    rows = [",".join(header)] + [",".join([str(t), *(f"{v:.4f}" for v in clip[0, t].reshape(-1))]) for t in range(6)]
    return ("\n".join(rows) + "\n").encode()


def seed_yolo_txt(rng) -> bytes:
    clip = _clip(rng, "coco17", 1, 2, normalised=True)
    lines = []
    for m in range(2):
        kp = clip[m, 0]
        lines.append(" ".join(["0", "0.5", "0.5", "0.2", "0.4", *(f"{v:.5f}" for v in kp.reshape(-1)), "0.9"]))
    return ("\n".join(lines) + "\n").encode()


def seed_yolo_json(rng) -> bytes:
    clip = _clip(rng, "coco17", 5, 2, normalised=True)
    frames = [[{"name": "person", "class": 0, "confidence": 0.9,
                "keypoints": {"x": clip[m, t, :, 0].tolist(), "y": clip[m, t, :, 1].tolist(),
                              "visible": clip[m, t, :, 2].tolist()}} for m in range(2)] for t in range(5)]  # fmt: skip
    return json.dumps(frames).encode()


def seed_csv_frames(rng) -> bytes:
    clip = _clip(rng, "coco17", 5, 2)
    names = get_layout("coco17").joint_names
    header = ["frame", "person", *(f"{j}_{c}" for j in names for c in ("x", "y", "score"))]
    rows = [",".join(header)]
    for t in range(5):
        for m in range(2):
            rows.append(",".join([str(t), str(m), *(f"{v:.4f}" for v in clip[m, t].reshape(-1))]))
    return ("\n".join(rows) + "\n").encode()


def _reader(name: str) -> Callable:
    def read(path):
        from sugar_hf.skeleton.readers import pose_exports

        return getattr(pose_exports, name)(path)

    return read


def formats(Format) -> dict:
    """The ``Format`` entries (``Format`` is ``fuzz_families.Format``)."""
    entries = [
        Format("coco_results", "results.json", seed_coco_results, _reader("read_coco_keypoints"), "pose_json",
               (17, 3)),
        Format("openpose_frame", "clip_000000000000_keypoints.json", seed_openpose_frame, _reader("read_openpose"),
               "pose_json", (25, 3)),
        Format("mediapipe_json", "landmarks.json", seed_mediapipe_json, _reader("read_mediapipe"), "pose_json",
               (33, 4), persons=1),
        Format("mediapipe_csv", "landmarks.csv", seed_mediapipe_csv, _reader("read_mediapipe"), "pose_text",
               (33, 4), persons=1),
        Format("yolo_txt", "clip_1.txt", seed_yolo_txt, _reader("read_yolo_pose"), "pose_text", (17, 3)),
        Format("yolo_json", "results.json", seed_yolo_json, _reader("read_yolo_pose"), "pose_json", (17, 3)),
        Format("csv_frames", "frames.csv", seed_csv_frames, _reader("read_csv_frames"), "pose_text", (17, 3)),
    ]  # fmt: skip
    return {f.name: f for f in entries}


def _numbers_walk(obj, rng, replace) -> bool:
    """Replace one keypoint number (in a list, or a landmark's x / y / z / visibility) by ``replace`` (in
    place); detection scores, ids and frame numbers are left alone. ``False`` if there is none."""
    spots = []

    def visit(node, key=None):
        if isinstance(node, dict):
            for k, value in node.items():
                if k in ("x", "y", "z", "visibility") and isinstance(value, (int, float)):
                    spots.append((node, k))
                elif k != "person_id":
                    visit(value, k)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    spots.append((node, i))
                else:
                    visit(value)

    visit(obj)
    if not spots:
        return False
    node, key = spots[int(rng.integers(len(spots)))]
    node[key] = replace
    return True


def _keypoint_lists(obj) -> list:
    """The flat keypoint lists of a document (for cutting one short)."""
    found = []

    def visit(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("keypoints", "pose_keypoints_2d", "x", "landmarks") and isinstance(value, list):
                    found.append(value)
                else:
                    visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(obj)
    return found


def pose_family(rng, seed: bytes, fmt_name: str, bad_json, bad_tokens, ok_tokens, pick) -> Iterator[tuple]:
    """Format-aware mutations: a bad / odd number, a keypoint list one short, wrong types, a crowd beyond
    ``max_persons``, huge frame numbers, wrapping, NUL and invalid UTF-8 inside the text."""
    marker = 7.123456789e-7
    at = seed.find(b"0.") + 1
    yield "pose_nul", seed[:at] + b"\x00" + seed[at:], "error"
    yield "pose_invalid_utf8", seed[:at] + b"\xff\xfe" + seed[at:], "error"
    if fmt_name in ("coco_results", "openpose_frame", "mediapipe_json", "yolo_json"):
        yield from _json_family(rng, seed, fmt_name, marker, bad_json, pick)
    else:
        yield from _text_family(rng, seed, fmt_name, bad_tokens, ok_tokens, pick)


def _json_family(rng, seed, fmt_name, marker, bad_json, pick):
    obj = json.loads(seed)
    _numbers_walk(obj, rng, marker)
    text = json.dumps(obj)
    bad = pick(rng, bad_json)
    yield "pose_bad_value", text.replace(json.dumps(marker), bad).encode(), "error"
    yield "pose_ok_value", text.replace(json.dumps(marker), pick(rng, ["0", "-0", "1", "2.5e-3"])).encode(), "any"
    short = json.loads(seed)
    lists = [found for found in _keypoint_lists(short) if found]
    victim = lists[int(rng.integers(len(lists)))]
    if fmt_name == "mediapipe_json":
        victim.pop()
    else:
        del victim[-int(rng.integers(1, 3)) :]
    yield "pose_short_keypoints", json.dumps(short).encode(), "error"
    yield "pose_deep_nesting", ("[" * int(rng.choice([1000, 100000])) + "]" * 3).encode(), "error"
    yield "pose_wrapped", json.dumps([[obj]]).encode(), "error"
    crowd = json.loads(seed)
    if fmt_name == "coco_results":
        crowd += [dict(crowd[0]) for _ in range(70)]
        yield "pose_crowd", json.dumps(crowd).encode(), "error"
        far = json.loads(seed)
        far[-1]["image_id"] = int(pick(rng, [10**9, 10**12, 10**40]))
        yield "pose_far_frame", json.dumps(far).encode(), "error"
        typed = json.loads(seed)
        typed[0]["image_id"] = pick(rng, [1.5, True, None, [1], -3, "no digits"])
        yield "pose_types", json.dumps(typed).encode(), "error"
    elif fmt_name == "openpose_frame":
        crowd["people"] = crowd["people"] * 40
        yield "pose_crowd", json.dumps(crowd).encode(), "error"
        typed = json.loads(seed)
        typed["people"] = pick(rng, [{"0": 1}, "people", 3, [[1, 2]], [{"pose_keypoints_2d": "1 2 3"}]])
        yield "pose_types", json.dumps(typed).encode(), "error"
    elif fmt_name == "mediapipe_json":
        typed = json.loads(seed)
        choice = int(rng.integers(3))
        if choice == 0:
            del typed[0]["landmarks"][5]["visibility"]
        elif choice == 1:
            typed[1]["frame"] = pick(rng, [-1, 1.5, "2", True])
        else:
            typed[2]["landmarks"][0]["x"] = pick(rng, ["0.1", None, [0.1], False])
        yield "pose_types", json.dumps(typed).encode(), "error"
    else:
        crowd[0] = crowd[0] * 40
        yield "pose_crowd", json.dumps(crowd).encode(), "error"
        typed = json.loads(seed)
        typed[1][0]["keypoints"] = pick(rng, [{"x": [1] * 17}, {"x": "1", "y": "2"}, "kp", {"x": [1] * 16, "y": [1] * 16}])
        yield "pose_types", json.dumps(typed).encode(), "error"


def _text_family(rng, seed, fmt_name, bad_tokens, ok_tokens, pick):
    lines = seed.decode().splitlines()
    first = 1 if fmt_name != "yolo_txt" else 0
    sep = "," if fmt_name != "yolo_txt" else " "
    k = int(rng.integers(first, len(lines)))
    cells = lines[k].split(sep)
    j = int(rng.integers(1 if sep == " " else 2, len(cells)))

    def with_cell(token: str) -> bytes:
        changed = cells[:j] + [token] + cells[j + 1 :]
        return ("\n".join(lines[:k] + [sep.join(changed)] + lines[k + 1 :]) + "\n").encode()

    yield "pose_bad_token", with_cell(pick(rng, bad_tokens)), "error"
    yield "pose_ok_token", with_cell(pick(rng, ok_tokens)), "any"
    cut = 2 if fmt_name == "yolo_txt" else 1  # one value fewer is a valid YOLO line (no box confidence)
    yield "pose_missing_cell", ("\n".join(lines[:k] + [sep.join(cells[:-cut])] + lines[k + 1 :]) + "\n").encode(), "error"
    yield "pose_extra_cell", ("\n".join(lines[:k] + [lines[k] + sep + "1.0"] + lines[k + 1 :]) + "\n").encode(), "error"
    if fmt_name == "yolo_txt":
        yield "pose_crowd", ("\n".join(lines * 40) + "\n").encode(), "error"
    else:
        header = lines[0].split(",")
        h = int(rng.integers(1, len(header)))
        header[h] = pick(rng, [t for t in ("elbow_q", "", "x", "nose_x", "frame") if t != header[h]])
        yield "pose_bad_header", ("\n".join([",".join(header), *lines[1:]]) + "\n").encode(), "error"
        frame = lines[k].split(",")
        frame[0] = pick(rng, ["-1", "1.5", "x", "9" * 30, ""])
        yield "pose_bad_frame", ("\n".join(lines[:k] + [",".join(frame)] + lines[k + 1 :]) + "\n").encode(), "error"
