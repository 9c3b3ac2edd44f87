"""NTU ``.skeleton`` reading throughput: sugar-hf's reader against plain line-by-line Python readers.

Usage: python benchmarks/parse_speed.py [SKELETON_DIR] [--repeat N]
(default folder: $SUGAR_HF_SHARED_DATA/ntu_rgbd/skeletons or ../shared/data/ntu_rgbd/skeletons)

Prints files/s and MB/s of each reader in the same run (passes interleaved, best pass), the speed-up, and the projected wall time to read
all 114,480 NTU120 files on 2 cores (reading + denoising, as the converter does).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from sugar_hf.skeleton.readers import ntu as ntu_reader
from sugar_hf.skeleton.readers import read_ntu_skeleton
from sugar_hf.skeleton.transforms import denoise_bodies

NTU120_FILES = 114_480


def plain_reader(path: Path) -> np.ndarray:
    """The straightforward line-by-line reader: readline, split, float() each value, nested lists."""
    with open(path) as f:
        frames = []
        for _ in range(int(f.readline())):
            bodies = []
            for _ in range(int(f.readline())):
                f.readline()  # body info
                bodies.append([[float(v) for v in f.readline().split()] for _ in range(int(f.readline()))])
            frames.append(bodies)
    out = np.zeros((2, len(frames), 25, 3), dtype=np.float32)
    for t, bodies in enumerate(frames):
        for m, joints in enumerate(bodies[:2]):
            out[m, t] = np.asarray(joints)[:, :3]
    return out


def reference_style_reader(path: Path) -> np.ndarray:
    """The dict-per-joint reader of the SGN/CTR-GCN preprocessing scripts (``read_skeleton_filter``)."""
    body_keys = ["bodyID", "clipedEdges", "handLeftConfidence", "handLeftState", "handRightConfidence",
                 "handRightState", "isResticted", "leanX", "leanY", "trackingState"]  # fmt: skip
    joint_keys = ["x", "y", "z", "depthX", "depthY", "colorX", "colorY", "orientationW", "orientationX",
                  "orientationY", "orientationZ", "trackingState"]  # fmt: skip
    with open(path) as f:
        seq = {"numFrame": int(f.readline()), "frameInfo": []}
        for _ in range(seq["numFrame"]):
            frame = {"numBody": int(f.readline()), "bodyInfo": []}
            for _ in range(frame["numBody"]):
                body = {k: float(v) for k, v in zip(body_keys, f.readline().split())}
                body["numJoint"] = int(f.readline())
                body["jointInfo"] = [
                    {k: float(v) for k, v in zip(joint_keys, f.readline().split())}
                    for _ in range(body["numJoint"])
                ]
                frame["bodyInfo"].append(body)
            seq["frameInfo"].append(frame)
    out = np.zeros((2, seq["numFrame"], 25, 3), dtype=np.float32)
    for t, frame in enumerate(seq["frameInfo"]):
        for m, body in enumerate(frame["bodyInfo"][:2]):
            for j, v in enumerate(body["jointInfo"]):
                out[m, t, j] = (v["x"], v["y"], v["z"])
    return out


def ours(path: Path) -> np.ndarray:
    return read_ntu_skeleton(path).data


def ours_with_denoise(path: Path) -> np.ndarray:
    return denoise_bodies(read_ntu_skeleton(path).data)


def measure(readers: dict, files: list[Path], repeat: int) -> dict[str, float]:
    """Seconds a file for each reader: passes interleaved across readers, the fastest of ``repeat`` passes.

    Interleaving makes a load change on a shared machine hit every reader alike; the best pass is the one
    least disturbed by other processes.
    """
    for reader in readers.values():
        reader(files[0])  # warm-up
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(repeat):
        for name, reader in readers.items():
            start = time.perf_counter()
            for f in files:
                reader(f)
            best[name] = min(best[name], (time.perf_counter() - start) / len(files))
    return best


def default_folder() -> Path:
    env = os.environ.get("SUGAR_HF_SHARED_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"
    return root / "ntu_rgbd" / "skeletons"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=default_folder())
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.skeleton"))
    if not files:
        raise SystemExit(f"no .skeleton files in {args.folder}")
    mb = sum(f.stat().st_size for f in files) / len(files) / 1e6
    print(f"{len(files)} files, {mb * 1000:.0f} kB each on average, best of {args.repeat} interleaved passes, "
          f"1 process; C fast path: {'on' if ntu_reader._ntu_fast is not None else 'OFF (not built)'}")  # fmt: skip
    readers = {
        "plain line-by-line Python": plain_reader,
        "reference-script style (dicts)": reference_style_reader,
        "sugar-hf read_ntu_skeleton": ours,
        "sugar-hf read + denoise": ours_with_denoise,
    }
    results = measure(readers, files, args.repeat)
    for name, seconds in results.items():
        print(
            f"{name:32s} {1 / seconds:8.1f} files/s {mb / seconds:7.2f} MB/s  ({seconds * 1000:.2f} ms/file)"
        )
    base = results["sugar-hf read_ntu_skeleton"]
    print(f"speed-up vs plain line-by-line: {results['plain line-by-line Python'] / base:.1f}x; "
          f"vs reference-script style: {results['reference-script style (dicts)'] / base:.1f}x")  # fmt: skip
    hours = NTU120_FILES * results["sugar-hf read + denoise"] / 2 / 60
    print(f"projected: all {NTU120_FILES:,} NTU120 files read + denoised on 2 cores in ~{hours:.1f} min "
          f"(parsing only; Arrow writing adds a little)")  # fmt: skip


if __name__ == "__main__":
    main()
