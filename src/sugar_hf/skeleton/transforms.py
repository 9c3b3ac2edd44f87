"""Vectorised NumPy transforms on skeleton arrays in the fixed layout ``(persons, frames, joints, channels)``.

Each function does one job and returns a new array; none of them mutates its input. Frames in which a body
is all zeros are treated as "not present" (the convention of the NTU/PKU-MMD releases).
"""

from __future__ import annotations

import numpy as np

from ..skeleton_layouts import SkeletonLayout


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


def coordinate_count(channels: int, coordinates: int | None = None) -> int:
    """How many leading channels are coordinates: ``coordinates`` (capped at ``channels``), or the first three
    (x, y, z; x, y for 2-D data) when it is ``None``. The channels after them (e.g. a pose estimator's keypoint
    confidence) are values, not positions: never translated, rotated or differenced as positions."""
    if coordinates is None:
        return min(channels, 3)
    if coordinates < 0:
        raise ValueError(f"coordinates must be >= 0 or None, got {coordinates}")
    return min(channels, int(coordinates))


def center_on_joint(
    skeleton: np.ndarray, layout: SkeletonLayout, coordinates: int | None = None
) -> np.ndarray:
    """Translate so that the layout's centre joint of the first body in its first valid frame is the origin.

    Absent (all-zero) bodies stay zero, as CTR-GCN's NTU preprocessing does. Only the coordinate channels move
    (:func:`coordinate_count`); a confidence channel is kept as it is.
    """
    x = as_persons_first(skeleton)
    k = coordinate_count(x.shape[-1], coordinates)
    present = np.abs(x).sum(axis=(2, 3)) > 0  # (M, T)
    valid_frames = np.flatnonzero(present[0]) if present[0].any() else np.flatnonzero(present.any(0))
    if valid_frames.size == 0:
        return x.copy()
    first = valid_frames[0]
    person = 0 if present[0, first] else int(np.argmax(present[:, first]))
    origin = np.zeros(x.shape[-1], dtype=x.dtype)
    origin[:k] = x[person, first, layout.center, :k]
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


def align_view(skeleton: np.ndarray, layout: SkeletonLayout, coordinates: int | None = None) -> np.ndarray:
    """pyskl-style view normalisation of 3-D data: first-frame spine onto +z, then shoulders onto +x.

    Layouts without spine joints only get the shoulder rotation; 2-D data (fewer than three coordinate
    channels, :func:`coordinate_count`) is returned unchanged.
    """
    x = as_persons_first(skeleton)
    if coordinate_count(x.shape[-1], coordinates) < 3 or layout.shoulders is None:
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


# --- Cleaning (SGN / CTR-GCN NTU preprocessing) -------------------------------------------------------


def _body_motion(body: np.ndarray, frames: np.ndarray) -> float:
    """Summed per-coordinate variance over the given frames and all joints (SGN's ``motion``)."""
    if frames.size == 0:
        return 0.0
    points = body[frames, :, :3].reshape(-1, min(body.shape[-1], 3))
    return float(np.var(points, axis=0).sum())


def denoise_bodies(
    bodies: np.ndarray,
    *,
    min_length: int = 11,
    spread_threshold: float = 0.8,
    noise_ratio_threshold: float = 0.69754,
    max_bodies: int = 2,
    drop_empty_frames: bool = True,
) -> np.ndarray:
    """SGN / CTR-GCN body denoising and two-actor selection for multi-body Kinect data.

    Needs ``(bodies, frames, joints, channels)`` with one slot per tracked body id (all zeros where the body
    is absent, as :func:`sugar_hf.skeleton.readers.read_ntu_skeleton` returns). With more than one body:

    1. drop bodies present in ``<= min_length`` frames;
    2. per body, a frame is noisy when its x-spread exceeds ``spread_threshold`` x its y-spread; drop bodies
       whose noisy-frame ratio exceeds ``noise_ratio_threshold`` (SGN's 0.69754);
    3. rank the rest by motion (summed variance of the coordinates, over non-noisy frames) and fill
       ``max_bodies`` actor slots greedily: a body joins the first actor whose frames it does not overlap.

    If the filters would remove every body, the unfiltered bodies are ranked instead. Frames in which no
    actor is present are dropped when ``drop_empty_frames``.

    Returns:
        float32 ``(max_bodies, frames', joints, channels)``.
    """
    x = as_persons_first(bodies)
    present = np.abs(x).sum(axis=(2, 3)) > 0  # (B, T)
    candidates, motion = _rank_bodies(x, present, min_length, spread_threshold, noise_ratio_threshold)
    out, occupied = _fill_actor_slots(x, present, sorted(candidates, key=lambda b: -motion[b]), max_bodies)
    if drop_empty_frames and occupied.any():
        out = out[:, occupied.any(axis=0)]
    return out


def _rank_bodies(
    x: np.ndarray, present: np.ndarray, min_length: int, spread_threshold: float, noise_ratio_threshold: float
) -> tuple[list[int], dict[int, float]]:
    """Steps 1 and 2 of :func:`denoise_bodies`: ``(kept body indices, motion of each body)``."""
    candidates = list(range(x.shape[0]))
    motion = {b: _body_motion(x[b], np.flatnonzero(present[b])) for b in candidates}
    if len(candidates) > 1:
        kept = [b for b in candidates if present[b].sum() > min_length]
        spread_kept = []
        for b in kept:
            frames = np.flatnonzero(present[b])
            xy = x[b, frames, :, :2]
            spread = xy.max(axis=1) - xy.min(axis=1)  # (frames, 2)
            valid = spread[:, 0] <= spread_threshold * spread[:, 1]
            if frames.size and 1.0 - valid.mean() > noise_ratio_threshold:
                continue
            motion[b] = min(motion[b], _body_motion(x[b], frames[valid]))
            spread_kept.append(b)
        candidates = spread_kept or candidates
    return candidates, motion


def _fill_actor_slots(
    x: np.ndarray, present: np.ndarray, order: list[int], max_bodies: int
) -> tuple[np.ndarray, np.ndarray]:
    """Step 3 of :func:`denoise_bodies`: bodies in ``order`` join the first slot they do not overlap;
    returns ``(slots (max_bodies, T, V, C), occupied (max_bodies, T))``."""
    out = np.zeros((max_bodies, *x.shape[1:]), dtype=np.float32)
    occupied = np.zeros((max_bodies, x.shape[1]), dtype=bool)
    for b in order:
        for slot in range(max_bodies):
            if not (occupied[slot] & present[b]).any():
                out[slot, present[b]] = x[b, present[b]]
                occupied[slot] |= present[b]
                break
    return out, occupied


# --- Temporal crop / resize, rotation, streams ----------------------------------------------------------


def valid_crop_resize(
    skeleton: np.ndarray,
    num_frames: int = 64,
    ratio: float | tuple[float, float] = (0.5, 1.0),
    rng: np.random.Generator | None = None,
    min_length: int = 64,
) -> np.ndarray:
    """CTR-GCN's ``valid_crop_resize``: crop the valid (non-empty) frames, then resize to ``num_frames``.

    Args:
        skeleton: ``(M, T, V, C)`` or ``(T, V, C)``.
        num_frames: Output length (64 in CTR-GCN / SUGAR).
        ratio: A float (test time, e.g. 0.95): a centred crop of that fraction; or ``(low, high)`` (train,
            e.g. ``(0.5, 1.0)``): a random fraction in that range at a random valid offset. The crop keeps at
            least ``min(min_length, valid)`` frames.
        rng: NumPy generator for the random crop.

    Returns:
        float32 ``(M, num_frames, V, C)``.
    """
    x = as_persons_first(skeleton)
    present = (np.abs(x).sum(axis=(0, 2, 3)) > 0).nonzero()[0]
    begin, end = (int(present[0]), int(present[-1]) + 1) if present.size else (0, x.shape[1])
    valid = end - begin
    if isinstance(ratio, (int, float)):
        bias = int((1 - ratio) * valid / 2)
        cropped = x[:, begin + bias : end - bias] if valid - 2 * bias > 0 else x[:, begin:end]
    else:
        rng = rng if rng is not None else np.random.default_rng()
        p = rng.uniform(ratio[0], ratio[1])
        length = int(min(max(int(np.floor(valid * p)), min_length), valid))
        offset = int(rng.integers(0, valid - length + 1))
        cropped = x[:, begin + offset : begin + offset + length]
    return resample_frames(cropped, num_frames)


def rotation_matrix(angles: np.ndarray) -> np.ndarray:
    """``R = Rz @ Ry @ Rx`` for angles ``(ax, ay, az)`` in radians (CTR-GCN's ``_rot`` order)."""
    ax, ay, az = (float(a) for a in angles)
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, sx], [0, -sx, cx]])
    ry = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    rz = np.array([[cz, sz, 0], [-sz, cz, 0], [0, 0, 1]])
    return (rz @ ry @ rx).astype(np.float32)


def random_rotation(
    skeleton: np.ndarray,
    max_angle: float = 0.3,
    rng: np.random.Generator | None = None,
    coordinates: int | None = None,
) -> np.ndarray:
    """Rotate the xyz channels of the whole sequence by one random rotation, each axis angle uniform in
    ``[-max_angle, max_angle]`` radians (CTR-GCN's ``random_rot``, theta 0.3). Absent bodies stay zero;
    2-D data (two coordinate channels, :func:`coordinate_count`) rotates in-plane only; other channels stay."""
    x = as_persons_first(skeleton)
    rng = rng if rng is not None else np.random.default_rng()
    angles = rng.uniform(-max_angle, max_angle, size=3)
    present = np.abs(x).sum(axis=(2, 3)) > 0
    out = x.copy()
    k = coordinate_count(x.shape[-1], coordinates)
    if k >= 3:
        rot = rotation_matrix(angles)
        out[..., :3] = x[..., :3] @ rot.T
    elif k == 2:
        c, s = np.cos(angles[2]), np.sin(angles[2])
        out[..., :2] = x[..., :2] @ np.array([[c, s], [-s, c]], dtype=np.float32).T
    return np.where(present[..., None, None], out, 0.0).astype(np.float32)


def bone_stream(skeleton: np.ndarray, layout: SkeletonLayout, coordinates: int | None = None) -> np.ndarray:
    """Bones: each joint minus its parent along the layout's inward edges; the root joint is zero.

    Channels after the coordinates (:func:`coordinate_count`, e.g. keypoint confidence) are not differenced:
    a bone carries the mean of its two ends (pyskl's ``JointToBone`` for 2-D keypoints with scores), the root
    its own value."""
    x = as_persons_first(skeleton)
    k = coordinate_count(x.shape[-1], coordinates)
    out = np.zeros_like(x)
    out[..., k:] = x[..., k:]
    child = np.array([c for c, _ in layout.inward_edges], dtype=np.int64)
    parent = np.array([p for _, p in layout.inward_edges], dtype=np.int64)
    out[:, :, child, :k] = x[:, :, child, :k] - x[:, :, parent, :k]
    out[:, :, child, k:] = (x[:, :, child, k:] + x[:, :, parent, k:]) / 2
    return out


def motion_stream(skeleton: np.ndarray, coordinates: int | None = None) -> np.ndarray:
    """Frame differences ``x[t + 1] - x[t]``; the last frame is zero (CTR-GCN's motion modality).

    Channels after the coordinates (:func:`coordinate_count`) are not differenced: each frame keeps its own
    value."""
    x = as_persons_first(skeleton)
    k = coordinate_count(x.shape[-1], coordinates)
    out = np.zeros_like(x)
    out[:, :-1, :, :k] = x[:, 1:, :, :k] - x[:, :-1, :, :k]
    out[..., k:] = x[..., k:]
    return out
