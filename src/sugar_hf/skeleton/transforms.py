"""Vectorised NumPy transforms on skeleton arrays in the fixed layout ``(persons, frames, joints, channels)``.

Each function does one job and returns a new array; none of them mutates its input. Frames in which a body
is all zeros are treated as "not present" (the convention of the NTU/PKU-MMD releases).
"""

from __future__ import annotations

import numpy as np

from .layouts import SkeletonLayout


def as_persons_first(skeleton: np.ndarray) -> np.ndarray:
    """Accept ``(frames, joints, channels)`` or ``(persons, frames, joints, channels)``; return 4-D float32."""
    array = np.asarray(skeleton, dtype=np.float32)
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4:
        raise ValueError(
            f"skeleton must have shape (frames, joints, channels) or (persons, frames, joints, channels), got {array.shape}"
        )
    if array.shape[1] == 0:
        raise ValueError("skeleton has zero frames")
    if not np.isfinite(array).all():
        raise ValueError("skeleton contains NaN or infinite values")
    return array


def center_on_joint(skeleton: np.ndarray, layout: SkeletonLayout) -> np.ndarray:
    """Translate so that the layout's centre joint of the first body in its first valid frame is the origin.

    Absent (all-zero) bodies stay zero, as CTR-GCN's NTU preprocessing does.
    """
    x = as_persons_first(skeleton)
    present = np.abs(x).sum(axis=(2, 3)) > 0  # (M, T)
    valid_frames = np.flatnonzero(present[0]) if present[0].any() else np.flatnonzero(present.any(0))
    if valid_frames.size == 0:
        return x.copy()
    first = valid_frames[0]
    person = 0 if present[0, first] else int(np.argmax(present[:, first]))
    origin = x[person, first, layout.center]
    return np.where(present[..., None, None], x - origin, 0.0).astype(np.float32)


def _rotation_onto(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rotation matrix that maps unit vector ``source`` onto unit vector ``target`` (Rodrigues)."""
    s = source / (np.linalg.norm(source) + 1e-8)
    t = target / (np.linalg.norm(target) + 1e-8)
    axis = np.cross(s, t)
    sin = np.linalg.norm(axis)
    cos = float(np.dot(s, t))
    if sin < 1e-8:
        if cos > 0:
            return np.eye(3, dtype=np.float32)
        # Opposite vectors: rotate by pi about any axis orthogonal to s.
        ortho = np.array([1.0, 0.0, 0.0]) if abs(s[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        axis = np.cross(s, ortho)
        axis /= np.linalg.norm(axis)
        k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
        return (np.eye(3) + 2 * k @ k).astype(np.float32)
    axis = axis / sin
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return (np.eye(3) + sin * k + (1 - cos) * k @ k).astype(np.float32)


def align_view(skeleton: np.ndarray, layout: SkeletonLayout) -> np.ndarray:
    """pyskl-style view normalisation of 3-D data: first-frame spine onto +z, then shoulders onto +x.

    Layouts without spine joints only get the shoulder rotation; 2-D data is returned unchanged.
    """
    x = as_persons_first(skeleton)
    if x.shape[-1] < 3 or layout.shoulders is None:
        return x.copy()
    present = np.abs(x).sum(axis=(2, 3)) > 0
    if not present[0].any():
        return x.copy()
    frame = x[0, int(np.flatnonzero(present[0])[0])]
    rotation = np.eye(3, dtype=np.float32)
    if layout.spine is not None:
        bottom, top = layout.spine
        rotation = _rotation_onto(frame[top, :3] - frame[bottom, :3], np.array([0.0, 0.0, 1.0]))
    left, right = layout.shoulders
    shoulder_axis = rotation @ (frame[right, :3] - frame[left, :3])
    if layout.spine is not None:
        shoulder_axis[2] = 0.0  # rotate about z only, keeping the spine on +z
    rotation = _rotation_onto(shoulder_axis, np.array([1.0, 0.0, 0.0])) @ rotation
    out = x.copy()
    out[..., :3] = np.einsum("ij,mtvj->mtvi", rotation, x[..., :3])
    return np.where(present[..., None, None], out, 0.0).astype(np.float32)


def resample_frames(skeleton: np.ndarray, num_frames: int) -> np.ndarray:
    """Linearly interpolate the time axis to exactly ``num_frames`` (the test-time resize of CTR-GCN)."""
    x = as_persons_first(skeleton)
    t = x.shape[1]
    if t == num_frames:
        return x.copy()
    positions = np.linspace(0, t - 1, num_frames, dtype=np.float64)
    lower = np.floor(positions).astype(np.int64)
    upper = np.minimum(lower + 1, t - 1)
    weight = (positions - lower).astype(np.float32)[None, :, None, None]
    return ((1 - weight) * x[:, lower] + weight * x[:, upper]).astype(np.float32)


def pad_or_trim_persons(skeleton: np.ndarray, num_persons: int) -> np.ndarray:
    """Keep the first ``num_persons`` bodies, padding with zero bodies when there are fewer."""
    x = as_persons_first(skeleton)
    if x.shape[0] >= num_persons:
        return x[:num_persons].copy()
    pad = np.zeros((num_persons - x.shape[0], *x.shape[1:]), dtype=np.float32)
    return np.concatenate([x, pad], axis=0)
