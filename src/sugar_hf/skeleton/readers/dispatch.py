"""Read any supported single-clip skeleton file by its suffix (the CLI, the Space, ``sugar-hf predict`` and
the pipeline all read uploads and paths through :func:`read_skeleton_file`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...skeleton_layouts import SkeletonLayout
from .generic import read_array
from .limits import ReadLimits
from .ntu import read_ntu_skeleton
from .nw_ucla import read_nw_ucla
from .utd_mhad import read_utd_mhad

SKELETON_FILE_SUFFIXES: tuple[str, ...] = (".skeleton", ".npy", ".npz", ".json", ".mat")
"""What :func:`read_skeleton_file` reads: NTU, NumPy arrays (in a given layout), NW-UCLA, UTD-MHAD."""


def read_skeleton_file(
    path: str | os.PathLike,
    layout: str | SkeletonLayout = "ntu25",
    limits: ReadLimits | None = None,
) -> tuple[np.ndarray, str]:
    """Read one clip from any file in :data:`SKELETON_FILE_SUFFIXES`; returns ``(array (M, T, V, C), layout
    name)``.

    ``.skeleton`` is NTU RGB+D, ``.json`` NW-UCLA, ``.mat`` UTD-MHAD (each in its own layout); ``.npy`` /
    ``.npz`` arrays are read in ``layout``. ``limits`` as for every reader. Another suffix raises
    ``ValueError``; a malformed file :class:`~sugar_hf.skeleton.readers.SkeletonFormatError`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".skeleton":
        seq = read_ntu_skeleton(path, limits=limits)
    elif suffix == ".json":
        seq = read_nw_ucla(path, limits=limits)
    elif suffix == ".mat":
        seq = read_utd_mhad(path, limits=limits)
    elif suffix in (".npy", ".npz"):
        seq = read_array(path, layout=layout, limits=limits)
    else:
        raise ValueError(
            f"{path}: unsupported skeleton file type {suffix!r} (.skeleton, .json, .mat, .npy, .npz)"
        )
    return seq.data, seq.layout
