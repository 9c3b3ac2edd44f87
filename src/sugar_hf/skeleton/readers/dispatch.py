"""Read any supported single-clip skeleton file by its suffix (the CLI, the Space, ``sugar-hf predict`` and
the pipeline all read uploads and paths through :func:`read_skeleton_file`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...skeleton_layouts import SkeletonLayout, get_layout
from .errors import SkeletonFormatError
from .generic import read_array
from .limits import ReadLimits
from .ntu import read_ntu_skeleton
from .pose_exports import read_json_clip, read_pose_export
from .utd_mhad import read_utd_mhad

SKELETON_FILE_SUFFIXES: tuple[str, ...] = (".skeleton", ".npy", ".npz", ".json", ".mat", ".csv", ".txt")
"""What :func:`read_skeleton_file` reads: NTU, NumPy arrays (in a given layout), JSON told apart by content
(NW-UCLA, Toyota Smarthome, COCO keypoint results, an OpenPose frame, MediaPipe, YOLO-pose), UTD-MHAD, and the
pose-estimator exports of :mod:`~sugar_hf.skeleton.readers.pose_exports` (``.csv`` frames, a YOLO-pose
``.txt``; a folder of OpenPose ``.json`` / YOLO-pose ``.txt`` frames)."""


def read_skeleton_file(
    path: str | os.PathLike,
    layout: str | SkeletonLayout = "ntu25",
    limits: ReadLimits | None = None,
) -> tuple[np.ndarray, str]:
    """Read one clip from any file in :data:`SKELETON_FILE_SUFFIXES`; returns ``(array (M, T, V, C), layout
    name)``.

    ``.skeleton`` is NTU RGB+D, ``.mat`` UTD-MHAD, ``.json`` any JSON clip told apart by its content
    (:func:`~sugar_hf.skeleton.readers.pose_exports.read_json_clip`: NW-UCLA, Toyota, or a pose export), ``.csv``
    / ``.txt`` / a folder a pose export (each in its own layout; ``layout`` only where the export does not
    name one); ``.npy`` / ``.npz`` arrays are read in ``layout``. ``limits`` as for every reader. Another suffix raises
    ``SkeletonFormatError`` too: every failure (another suffix such as ``clip.npy.``, a FIFO / device / socket, a
    malformed file, a limit hit, even an unexpected exception inside a reader) is one
    :class:`~sugar_hf.skeleton.readers.SkeletonFormatError` naming the file.
    """
    get_layout(layout)  # a caller's mistake (an unknown layout) is not the file's: raised as it is
    path = Path(path)
    name = path.name
    suffix = name[name.rfind(".") :].lower() if "." in name else ""  # "clip.npy." -> ".", not ".npy"
    try:
        if suffix == ".skeleton":
            seq = read_ntu_skeleton(path, limits=limits)
        elif _is_dir(path):
            seq = read_pose_export(path, fallback_layout=layout, limits=limits)
        elif suffix == ".json":
            seq = read_json_clip(path, fallback_layout=layout, limits=limits)
        elif suffix in (".csv", ".txt"):
            seq = read_pose_export(path, fallback_layout=layout, limits=limits)
        elif suffix == ".mat":
            seq = read_utd_mhad(path, limits=limits)
        elif suffix in (".npy", ".npz"):
            seq = read_array(path, layout=layout, limits=limits)
        else:
            shown = repr(suffix[:20]) if suffix else "(none)"
            raise SkeletonFormatError(
                path, None, f"unsupported skeleton file type {shown} (.skeleton, .json, .mat, .npy, .npz, .csv, "
                ".txt, or a folder of OpenPose / YOLO-pose frames)"
            )
    except (SkeletonFormatError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - a reader bug must still be one error naming the file (issue 24)
        raise SkeletonFormatError(path, None, f"unreadable: {type(exc).__name__}: {exc}"[:300]) from None
    return seq.data, seq.layout


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False
