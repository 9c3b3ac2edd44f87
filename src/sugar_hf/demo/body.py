"""A small kinematic body model that poses the 25 NTU RGB+D (Kinect v2) joints.

The body is described in its own frame: +y up, +z the direction the person faces, +x the person's left; the
floor is ``y = 0``. A :class:`Pose` gives the pelvis offset, trunk and head angles, and targets for the wrists
and ankles; arms and legs reach their targets with two-bone inverse kinematics, so bone lengths stay fixed in
every frame. :func:`to_camera` then places the body in front of a Kinect-style camera (x right, y up, z away
from the camera) at a chosen yaw and distance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..skeleton_layouts import NTU25

J = {name: i for i, name in enumerate(NTU25.joint_names)}

#: Bone lengths in metres of a 1.75 m adult (scaled per subject).
BASE_BONES: dict[str, float] = {
    "spine_lower": 0.26, "spine_upper": 0.24, "neck": 0.07, "head": 0.14, "shoulder": 0.18, "upper_arm": 0.29,
    "forearm": 0.25, "hand": 0.08, "hand_tip": 0.07, "thumb": 0.05, "hip": 0.09, "thigh": 0.43, "shin": 0.41,
    "ankle_height": 0.08, "foot": 0.13,
}  # fmt: skip


@dataclass(frozen=True)
class BodyModel:
    """One subject's bone lengths (metres)."""

    bones: dict[str, float] = field(default_factory=lambda: dict(BASE_BONES))

    @classmethod
    def random(cls, rng: np.random.Generator, height_range: tuple[float, float] = (0.88, 1.12),
               bone_jitter: float = 0.05) -> BodyModel:  # fmt: skip
        """A subject: an overall scale and an independent jitter of each bone (left and right alike)."""
        scale = rng.uniform(*height_range)
        return cls(
            {k: v * scale * (1.0 + rng.uniform(-bone_jitter, bone_jitter)) for k, v in BASE_BONES.items()}
        )

    @property
    def arm_length(self) -> float:
        return self.bones["upper_arm"] + self.bones["forearm"]

    @property
    def leg_length(self) -> float:
        return self.bones["thigh"] + self.bones["shin"]

    @property
    def pelvis_height(self) -> float:
        """Pelvis height when standing straight with the feet flat."""
        return self.leg_length * 0.995 + self.bones["ankle_height"] + 0.05 * self.bones["hip"] / 0.09


@dataclass
class Pose:
    """The body over a clip, in its own frame: every field is a constant or holds one value per frame
    (scalars ``(frames,)``, vectors ``(frames, 3)``).

    Attributes:
        pelvis: offset of the pelvis from its standing position ``(x, y, z)``, metres.
        trunk_pitch: forward bend of the trunk about the hips, radians (positive leans forward).
        trunk_yaw: twist of the trunk, radians.
        head_yaw / head_pitch: head rotation relative to the trunk (pitch positive looks down).
        hands: per side (``"left"``, ``"right"``) a wrist target ``(out, up, forward)`` relative to that
            shoulder in trunk coordinates, in units of the arm length; ``None`` hangs the arm at rest.
        elbows: per side the direction the elbow points, ``(out, up, forward)`` in trunk coordinates.
        feet: per side an ankle target ``(out, up, forward)`` relative to the standing ankle position, metres,
            in body coordinates; ``None`` keeps the foot where it stands.
    """

    pelvis: ArrayLike = (0.0, 0.0, 0.0)
    trunk_pitch: ArrayLike = 0.0
    trunk_yaw: ArrayLike = 0.0
    head_yaw: ArrayLike = 0.0
    head_pitch: ArrayLike = 0.0
    hands: dict[str, ArrayLike | None] = field(default_factory=dict)
    elbows: dict[str, ArrayLike] = field(default_factory=dict)
    feet: dict[str, ArrayLike | None] = field(default_factory=dict)


REST_HAND = (0.06, -0.96, 0.08)
REST_ELBOW = (0.2, 0.0, -1.0)
SIDES = {"left": 1.0, "right": -1.0}


def _mat(rows, a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    m = np.zeros(a.shape + (3, 3))
    for (i, j), v in rows.items():
        m[..., i, j] = v(a) if callable(v) else v
    return m


def rot_x(a) -> np.ndarray:
    """Rotation(s) about x ``(..., 3, 3)``; a positive angle turns +y towards +z."""
    return _mat(
        {(0, 0): 1.0, (1, 1): np.cos, (1, 2): lambda a: -np.sin(a), (2, 1): np.sin, (2, 2): np.cos}, a
    )


def rot_y(a) -> np.ndarray:
    """Rotation(s) about the vertical axis ``(..., 3, 3)``; a positive angle turns +z towards +x."""
    return _mat(
        {(1, 1): 1.0, (0, 0): np.cos, (0, 2): np.sin, (2, 0): lambda a: -np.sin(a), (2, 2): np.cos}, a
    )


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1, keepdims=True)


def two_bone_ik(root: np.ndarray, target: np.ndarray, a: float, b: float, pole: np.ndarray):
    """Middle and end joints ``(..., 3)`` of two-bone chains reaching ``target`` from ``root`` (bone lengths
    ``a``, ``b``), bending towards ``pole``. Out-of-reach targets are pulled in to 99.9 % of the reach."""
    d_vec = target - root
    d = np.linalg.norm(d_vec, axis=-1, keepdims=True)
    u = np.where(d > 1e-9, d_vec / np.maximum(d, 1e-9), np.array([0.0, -1.0, 0.0]))
    d = np.clip(d, abs(a - b) + 1e-4, (a + b) * 0.999)
    x = (a * a - b * b + d * d) / (2 * d)
    h = np.sqrt(np.maximum(a * a - x * x, 0.0))
    p = pole - _dot(pole, u) * u
    fallback = np.cross(u, [1.0, 0.0, 0.0])
    p = np.where(np.linalg.norm(p, axis=-1, keepdims=True) < 1e-6, fallback, p)
    return root + u * x + _unit(p) * h, root + u * d


def _frames(value, n: int) -> np.ndarray:
    """A per-frame ``(n, 3)`` array from a 3-vector or an ``(n, 3)`` array."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n, 3))


def _apply(m: np.ndarray, v) -> np.ndarray:
    return np.einsum("tij,tj->ti", m, np.broadcast_to(np.asarray(v, dtype=np.float64), m.shape[:-1]))


def _arm(
    out: np.ndarray, body: BodyModel, pose: Pose, side: str, frame: dict[str, np.ndarray], n: int
) -> None:
    """One arm's joints into ``out``: the hand target reached by two-bone IK, then the hand, tip and thumb."""
    b, sign, trunk, left = body.bones, SIDES[side], frame["trunk"], frame["left"]
    shoulder = frame["top"] + left * sign * b["shoulder"] - frame["up"] * 0.02
    out[:, J[f"{side}_shoulder"]] = shoulder
    mirror = np.array([sign, 1.0, 1.0])
    target = _frames(pose.hands.get(side, REST_HAND) if pose.hands.get(side) is not None else REST_HAND, n)
    elbow_dir = _frames(pose.elbows.get(side, REST_ELBOW), n)
    wrist_target = shoulder + _apply(trunk, target * mirror) * body.arm_length
    elbow, wrist = two_bone_ik(
        shoulder, wrist_target, b["upper_arm"], b["forearm"], _apply(trunk, elbow_dir * mirror)
    )
    along = _unit(wrist - elbow)
    hand = wrist + along * b["hand"]
    palm = np.where(np.abs(_dot(along, left)) < 0.95, np.cross(along, left * sign), frame["fwd"])
    palm = _unit(palm - _dot(palm, along) * along)
    out[:, J[f"{side}_elbow"]] = elbow
    out[:, J[f"{side}_wrist"]] = wrist
    out[:, J[f"{side}_hand"]] = hand
    out[:, J[f"{side}_hand_tip"]] = hand + along * b["hand_tip"]
    out[:, J[f"{side}_thumb"]] = hand + (0.5 * along + 0.866 * palm) * b["thumb"]


def _leg(
    out: np.ndarray, body: BodyModel, pose: Pose, side: str, frame: dict[str, np.ndarray], n: int
) -> None:
    """One leg's joints into ``out``: the hip turned with a share of the trunk's yaw, the foot target (rest
    stance plus the pose's offset) reached by two-bone IK."""
    b, sign = body.bones, SIDES[side]
    mirror = np.array([sign, 1.0, 1.0])
    hip = frame["pelvis"] + _apply(rot_y(frame["yaw"] * 0.3), [sign * b["hip"], -0.05 * b["hip"] / 0.09, 0.0])
    out[:, J[f"{side}_hip"]] = hip
    stand = np.array([sign * b["hip"], b["ankle_height"], 0.0])
    foot = pose.feet.get(side)
    ankle_target = stand + (_frames(foot, n) * mirror if foot is not None else 0.0)
    knee, ankle = two_bone_ik(
        hip, _frames(ankle_target, n), b["thigh"], b["shin"], _frames([0.1 * sign, 0.0, 1.0], n)
    )
    out[:, J[f"{side}_knee"]] = knee
    out[:, J[f"{side}_ankle"]] = ankle
    out[:, J[f"{side}_foot"]] = ankle + np.array([0.0, -0.6 * b["ankle_height"], b["foot"]])


def pose_joints(body: BodyModel, pose: Pose, num_frames: int) -> np.ndarray:
    """The 25 NTU joints ``(frames, 25, 3)`` in body coordinates; every pose field is a constant or has one
    value per frame."""
    b, n = body.bones, num_frames
    out = np.zeros((n, 25, 3))

    def per_frame(x):
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))

    pelvis = np.array([0.0, body.pelvis_height, 0.0]) + _frames(pose.pelvis, n)
    yaw = per_frame(pose.trunk_yaw)
    trunk = rot_y(yaw) @ rot_x(per_frame(pose.trunk_pitch))
    up, fwd, left = _apply(trunk, [0, 1.0, 0]), _apply(trunk, [0, 0, 1.0]), _apply(trunk, [1.0, 0, 0])
    out[:, J["spine_base"]] = pelvis
    out[:, J["spine_mid"]] = pelvis + up * b["spine_lower"]
    top = pelvis + up * (b["spine_lower"] + b["spine_upper"])
    out[:, J["spine_shoulder"]] = top
    neck = top + up * b["neck"]
    out[:, J["neck"]] = neck
    head = trunk @ rot_y(per_frame(pose.head_yaw)) @ rot_x(per_frame(pose.head_pitch))
    out[:, J["head"]] = neck + _apply(head, [0.0, b["head"], 0.35 * b["head"]])
    frame = {"pelvis": pelvis, "yaw": yaw, "trunk": trunk, "up": up, "fwd": fwd, "left": left, "top": top}
    for side in SIDES:
        _arm(out, body, pose, side, frame, n)
        _leg(out, body, pose, side, frame, n)
    return out


def to_camera(joints: np.ndarray, yaw: float, distance: float, height: float = 0.0) -> np.ndarray:
    """Body coordinates ``(..., 25, 3)`` -> Kinect camera coordinates (x right, y up, z away from the camera).

    At ``yaw = 0`` the person faces the camera; a positive yaw turns the person towards the camera's left.
    The camera looks horizontally from ``height`` above the floor at ``distance`` from the person.
    """
    x = joints @ rot_y(yaw).T
    cam = np.empty_like(x)
    cam[..., 0] = x[..., 0]
    cam[..., 1] = x[..., 1] - height
    cam[..., 2] = distance - x[..., 2]
    return cam
