"""UTD-MHAD Kinect skeleton ``.mat`` files (``d_skel``: 20 joints x 3 x frames)."""

from __future__ import annotations

import os
import re

import numpy as np

from .base import SkeletonSequence, stem
from .errors import SkeletonFormatError

_NAME = re.compile(r"a(\d+)_s(\d+)_t(\d+)")


def parse_utd_name(name: str) -> dict[str, int]:
    """``"a3_s1_t2_skeleton"`` -> ``{"action": 3, "subject": 1, "trial": 2}``."""
    m = _NAME.search(name)
    if m is None:
        raise ValueError(f"{name!r} is not a UTD-MHAD name (aA_sS_tT)")
    return dict(zip(("action", "subject", "trial"), (int(g) for g in m.groups())))


def read_utd_mhad(path: str | os.PathLike) -> SkeletonSequence:
    """Read ``d_skel`` into ``data`` ``(1, frames, 20, 3)``, layout ``utd_mhad20``; ``label`` = action - 1.

    ``.mat`` is binary, so errors carry ``line=None``.
    """
    from scipy.io import loadmat

    try:
        mat = loadmat(str(path))
    except Exception as exc:  # scipy raises many types on corrupt files; all mean "not a valid .mat"
        raise SkeletonFormatError(
            path, None, f"not a readable MATLAB file: {type(exc).__name__}: {exc}"
        ) from None
    if "d_skel" not in mat:
        raise SkeletonFormatError(path, None, "no 'd_skel' variable")
    skel = mat["d_skel"]
    if not isinstance(skel, np.ndarray) or skel.ndim != 3 or skel.shape[:2] != (20, 3):
        raise SkeletonFormatError(
            path, None, f"d_skel has shape {getattr(skel, 'shape', None)}, expected (20, 3, T)"
        )
    if skel.shape[2] == 0:
        raise SkeletonFormatError(path, None, "zero frames")
    try:
        data = skel.astype(np.float32).transpose(2, 0, 1)[None]
    except (TypeError, ValueError):
        raise SkeletonFormatError(path, None, "d_skel is not numeric") from None
    if not np.isfinite(data).all():
        raise SkeletonFormatError(path, None, "NaN or infinite value")
    name = stem(path)
    try:
        meta = parse_utd_name(name)
        label = meta["action"] - 1
    except ValueError:
        meta, label = {}, None
    return SkeletonSequence(
        data=np.ascontiguousarray(data), name=name, layout="utd_mhad20", label=label, meta=meta
    )
