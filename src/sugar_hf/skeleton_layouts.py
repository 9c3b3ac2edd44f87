"""Skeleton layouts: joint names, bones, centre joint and SUGAR's six body parts.

One layout object describes a sensor's joint order. The encoder builds its graph from it, the transforms
centre and align with it, and the knowledge texts name the same six body parts. Everything downstream
refers to a layout by name (``"ntu25"``) so that a saved config can rebuild the graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

BODY_PARTS: tuple[str, ...] = ("head", "hands", "arms", "hips", "legs", "feet")
"""The six body parts of SUGAR's motion descriptions, in the paper's order."""


@dataclass(frozen=True)
class SkeletonLayout:
    """A joint order with its bones.

    Attributes:
        name: Preset name (``"ntu25"``...) or ``"custom"``.
        joint_names: One name per joint, in the order the data stores them.
        inward_edges: 0-based ``(child, parent)`` pairs, each pointing towards ``center``: the "inward"
            subset of the spatial-configuration partition (CTR-GCN, ST-GCN).
        center: 0-based index of the joint the graph is rooted at and the data is centred on.
        body_parts: Joint indices of each of the six body parts (may overlap, may be empty for
            layouts that lack a part, e.g. COCO has no feet joints, so ankles stand in).
        spine: ``(bottom, top)`` joints for view alignment (the spine is rotated onto +z).
        shoulders: ``(left, right)`` joints for view alignment (right-minus-left is rotated onto +x).
    """

    name: str
    joint_names: tuple[str, ...]
    inward_edges: tuple[tuple[int, int], ...]
    center: int
    body_parts: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    spine: tuple[int, int] | None = None
    shoulders: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        n = len(self.joint_names)
        for a, b in self.inward_edges:
            if not (0 <= a < n and 0 <= b < n) or a == b:
                raise ValueError(
                    f"layout {self.name!r}: edge ({a}, {b}) is not a pair of distinct joints in 0..{n - 1}"
                )
        if not 0 <= self.center < n:
            raise ValueError(f"layout {self.name!r}: centre joint {self.center} outside 0..{n - 1}")
        unknown = set(self.body_parts) - set(BODY_PARTS)
        if unknown:
            raise ValueError(
                f"layout {self.name!r}: unknown body parts {sorted(unknown)}; expected {BODY_PARTS}"
            )

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    @property
    def outward_edges(self) -> tuple[tuple[int, int], ...]:
        return tuple((b, a) for a, b in self.inward_edges)

    def adjacency_subsets(self) -> np.ndarray:
        """The three CTR-GCN adjacency subsets ``(3, V, V)``: identity, normalised inward, normalised outward.

        Matches ``graph/tools.py:get_spatial_graph`` of CTR-GCN: ``A[k][i, j]`` is non-zero when joint ``j``
        sends to joint ``i``; in/out subsets are column-normalised by in-degree.
        """
        v = self.num_joints
        identity = np.eye(v, dtype=np.float32)
        inward = _normalize_digraph(_edge_matrix(self.inward_edges, v))
        outward = _normalize_digraph(_edge_matrix(self.outward_edges, v))
        return np.stack([identity, inward, outward])

    def to_dict(self) -> dict:
        """JSON-able form, stored in configs for custom layouts."""
        return {
            "name": self.name,
            "joint_names": list(self.joint_names),
            "inward_edges": [list(e) for e in self.inward_edges],
            "center": self.center,
            "body_parts": {k: list(v) for k, v in self.body_parts.items()},
            "spine": list(self.spine) if self.spine else None,
            "shoulders": list(self.shoulders) if self.shoulders else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SkeletonLayout:
        return cls(
            name=data.get("name", "custom"),
            joint_names=tuple(data["joint_names"]),
            inward_edges=tuple(tuple(e) for e in data["inward_edges"]),
            center=int(data["center"]),
            body_parts={k: tuple(v) for k, v in data.get("body_parts", {}).items()},
            spine=tuple(data["spine"]) if data.get("spine") else None,
            shoulders=tuple(data["shoulders"]) if data.get("shoulders") else None,
        )


def _edge_matrix(edges: Sequence[tuple[int, int]], num_joints: int) -> np.ndarray:
    a = np.zeros((num_joints, num_joints), dtype=np.float32)
    for i, j in edges:
        a[j, i] = 1.0
    return a


def _normalize_digraph(a: np.ndarray) -> np.ndarray:
    degree = a.sum(0)
    inv = np.where(degree > 0, 1.0 / np.maximum(degree, 1e-12), 0.0).astype(np.float32)
    return a @ np.diag(inv)


def _one_based(pairs: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple((a - 1, b - 1) for a, b in pairs)


def _parts_one_based(parts: Mapping[str, Sequence[int]]) -> dict[str, tuple[int, ...]]:
    return {k: tuple(i - 1 for i in v) for k, v in parts.items()}


# fmt: off
NTU25 = SkeletonLayout(
    name="ntu25",
    joint_names=(
        "spine_base", "spine_mid", "neck", "head", "left_shoulder", "left_elbow", "left_wrist", "left_hand",
        "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip", "left_knee", "left_ankle",
        "left_foot", "right_hip", "right_knee", "right_ankle", "right_foot", "spine_shoulder",
        "left_hand_tip", "left_thumb", "right_hand_tip", "right_thumb",
    ),
    # CTR-GCN graph/ntu_rgb_d.py, inward_ori_index (1-based), kept as published.
    inward_edges=_one_based([
        (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10),
        (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23),
        (23, 8), (24, 25), (25, 12),
    ]),
    center=20,
    body_parts=_parts_one_based({
        "head": (3, 4), "hands": (7, 8, 11, 12, 22, 23, 24, 25), "arms": (5, 6, 9, 10),
        "hips": (1, 2, 13, 17, 21), "legs": (14, 15, 18, 19), "feet": (16, 20),
    }),
    spine=(0, 20),
    shoulders=(4, 8),
)

KINECT_V1_20 = SkeletonLayout(
    name="kinect_v1_20",
    joint_names=(
        "hip_center", "spine", "shoulder_center", "head", "left_shoulder", "left_elbow", "left_wrist",
        "left_hand", "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip", "left_knee",
        "left_ankle", "left_foot", "right_hip", "right_knee", "right_ankle", "right_foot",
    ),
    # CTR-GCN graph/ucla.py, inward_ori_index (1-based): NW-UCLA and UTKinect use this SDK order.
    inward_edges=_one_based([
        (1, 2), (2, 3), (4, 3), (5, 3), (6, 5), (7, 6), (8, 7), (9, 3), (10, 9), (11, 10), (12, 11),
        (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19),
    ]),
    center=1,
    body_parts=_parts_one_based({
        "head": (3, 4), "hands": (7, 8, 11, 12), "arms": (5, 6, 9, 10), "hips": (1, 2, 13, 17),
        "legs": (14, 15, 18, 19), "feet": (16, 20),
    }),
    spine=(0, 2),
    shoulders=(4, 8),
)

UTD_MHAD_20 = SkeletonLayout(
    name="utd_mhad20",
    joint_names=(
        "head", "shoulder_center", "spine", "hip_center", "left_shoulder", "left_elbow", "left_wrist",
        "left_hand", "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip", "left_knee",
        "left_ankle", "left_foot", "right_hip", "right_knee", "right_ankle", "right_foot",
    ),
    # Same body as Kinect v1, but UTD-MHAD's Skeleton_joint_order.txt lists head first.
    inward_edges=_one_based([
        (4, 3), (3, 2), (1, 2), (5, 2), (6, 5), (7, 6), (8, 7), (9, 2), (10, 9), (11, 10), (12, 11),
        (13, 4), (14, 13), (15, 14), (16, 15), (17, 4), (18, 17), (19, 18), (20, 19),
    ]),
    center=2,
    body_parts=_parts_one_based({
        "head": (1, 2), "hands": (7, 8, 11, 12), "arms": (5, 6, 9, 10), "hips": (3, 4, 13, 17),
        "legs": (14, 15, 18, 19), "feet": (16, 20),
    }),
    spine=(3, 1),
    shoulders=(4, 8),
)

TOYOTA13 = SkeletonLayout(
    name="toyota13",
    # LCR-Net++ 13-joint order used by Toyota Smarthome.
    joint_names=(
        "right_ankle", "left_ankle", "right_knee", "left_knee", "right_hip", "left_hip", "right_wrist",
        "left_wrist", "right_elbow", "left_elbow", "right_shoulder", "left_shoulder", "head",
    ),
    # Rooted at the head/neck region (no spine joint exists): hips hang from shoulders.
    inward_edges=(
        (0, 2), (1, 3), (2, 4), (3, 5), (4, 10), (5, 11), (6, 8), (7, 9), (8, 10), (9, 11), (10, 12),
        (11, 12),
    ),
    center=12,
    body_parts={"head": (12,), "hands": (6, 7), "arms": (8, 9, 10, 11), "hips": (4, 5), "legs": (2, 3),
                "feet": (0, 1)},
    spine=None,
    shoulders=(11, 10),
)

COCO17 = SkeletonLayout(
    name="coco17",
    joint_names=(
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
        "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
        "right_knee", "left_ankle", "right_ankle",
    ),
    # pyskl graph.py 'coco' inward edges, rooted at the nose.
    inward_edges=(
        (15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6), (9, 7), (7, 5), (10, 8), (8, 6), (5, 0),
        (6, 0), (1, 0), (3, 1), (2, 0), (4, 2),
    ),
    center=0,
    body_parts={"head": (0, 1, 2, 3, 4), "hands": (9, 10), "arms": (5, 6, 7, 8), "hips": (11, 12),
                "legs": (13, 14), "feet": (15, 16)},
    spine=None,
    shoulders=(5, 6),
)

BODY25 = SkeletonLayout(
    name="body25",
    # OpenPose BODY_25 keypoint order (output/pose_keypoints_2d of the body_25 model).
    joint_names=(
        "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
        "left_wrist", "mid_hip", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle",
        "right_eye", "left_eye", "right_ear", "left_ear", "left_big_toe", "left_small_toe", "left_heel",
        "right_big_toe", "right_small_toe", "right_heel",
    ),
    # OpenPose's BODY_25 limbs, oriented towards the neck.
    inward_edges=(
        (0, 1), (15, 0), (16, 0), (17, 15), (18, 16), (2, 1), (3, 2), (4, 3), (5, 1), (6, 5), (7, 6), (8, 1),
        (9, 8), (10, 9), (11, 10), (12, 8), (13, 12), (14, 13), (19, 14), (20, 19), (21, 14), (22, 11),
        (23, 22), (24, 11),
    ),
    center=1,
    body_parts={"head": (0, 1, 15, 16, 17, 18), "hands": (4, 7), "arms": (2, 3, 5, 6), "hips": (8, 9, 12),
                "legs": (10, 11, 13, 14), "feet": (19, 20, 21, 22, 23, 24)},
    spine=(8, 1),
    shoulders=(5, 2),
)

COCO18 = SkeletonLayout(
    name="coco18",
    # OpenPose COCO-18 order (the COCO model of OpenPose; ST-GCN's Kinetics skeletons): COCO-17 plus a neck,
    # in OpenPose's own order, not COCO's.
    joint_names=(
        "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
        "left_wrist", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle",
        "right_eye", "left_eye", "right_ear", "left_ear",
    ),
    # ST-GCN graph.py 'openpose' edges, oriented towards the neck.
    inward_edges=(
        (4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9), (9, 8), (11, 5), (8, 2), (5, 1), (2, 1),
        (0, 1), (15, 0), (14, 0), (17, 15), (16, 14),
    ),
    center=1,
    body_parts={"head": (0, 1, 14, 15, 16, 17), "hands": (4, 7), "arms": (2, 3, 5, 6), "hips": (8, 11),
                "legs": (9, 12), "feet": (10, 13)},
    spine=None,
    shoulders=(5, 2),
)

MEDIAPIPE33 = SkeletonLayout(
    name="mediapipe33",
    # MediaPipe Pose / BlazePose landmark order (PoseLandmark 0..32).
    joint_names=(
        "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
        "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
        "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
        "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index",
    ),
    # A tree of MediaPipe's POSE_CONNECTIONS rooted at the nose (like coco17): the loops of the hands, feet
    # and hips are cut, and the mouth and shoulders hang from the nose (MediaPipe draws no face-body link).
    inward_edges=(
        (1, 0), (2, 1), (3, 2), (7, 3), (4, 0), (5, 4), (6, 5), (8, 6), (9, 0), (10, 0), (11, 0), (12, 0),
        (13, 11), (15, 13), (14, 12), (16, 14), (17, 15), (19, 15), (21, 15), (18, 16), (20, 16), (22, 16),
        (23, 11), (24, 12), (25, 23), (27, 25), (26, 24), (28, 26), (29, 27), (31, 27), (30, 28), (32, 28),
    ),
    center=0,
    body_parts={"head": tuple(range(11)), "hands": tuple(range(15, 23)), "arms": (11, 12, 13, 14),
                "hips": (23, 24), "legs": (25, 26, 27, 28), "feet": (29, 30, 31, 32)},
    spine=None,
    shoulders=(11, 12),
)

HALPE26 = SkeletonLayout(
    name="halpe26",
    # Halpe-26 (AlphaPose, RTMPose body8-halpe26): COCO-17, then head top, neck, hip centre and the feet.
    joint_names=(
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
        "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
        "right_knee", "left_ankle", "right_ankle", "head", "neck", "hip", "left_big_toe", "right_big_toe",
        "left_small_toe", "right_small_toe", "left_heel", "right_heel",
    ),
    # AlphaPose's halpe26 limbs plus nose-neck, oriented towards the neck.
    inward_edges=(
        (17, 18), (0, 18), (1, 0), (2, 0), (3, 1), (4, 2), (5, 18), (6, 18), (7, 5), (9, 7), (8, 6), (10, 8),
        (19, 18), (11, 19), (12, 19), (13, 11), (15, 13), (14, 12), (16, 14), (24, 15), (20, 24), (22, 24),
        (25, 16), (21, 25), (23, 25),
    ),
    center=18,
    body_parts={"head": (0, 1, 2, 3, 4, 17, 18), "hands": (9, 10), "arms": (5, 6, 7, 8), "hips": (11, 12, 19),
                "legs": (13, 14, 15, 16), "feet": (20, 21, 22, 23, 24, 25)},
    spine=(19, 18),
    shoulders=(5, 6),
)

# fmt: on

LAYOUTS: dict[str, SkeletonLayout] = {
    layout.name: layout
    for layout in (NTU25, KINECT_V1_20, UTD_MHAD_20, TOYOTA13, COCO17, BODY25, COCO18, MEDIAPIPE33, HALPE26)
}
"""Named presets. ``nw_ucla`` and ``utkinect`` are aliases of ``kinect_v1_20``; ``pku_mmd`` of ``ntu25``."""

_ALIASES = {
    "nw_ucla": "kinect_v1_20",
    "utkinect": "kinect_v1_20",
    "pku_mmd": "ntu25",
    "ntu": "ntu25",
    "utd_mhad": "utd_mhad20",
    "toyota": "toyota13",
    "kinect_v2": "ntu25",
    "body_25": "body25",
    "openpose_body25": "body25",
    "coco_18": "coco18",
    "openpose_coco18": "coco18",
    "mediapipe": "mediapipe33",
    "mediapipe_pose": "mediapipe33",
    "blazepose": "mediapipe33",
    "halpe": "halpe26",
    "halpe_26": "halpe26",
}


def get_layout(layout: str | SkeletonLayout | Mapping) -> SkeletonLayout:
    """Resolve a preset name, an alias, a layout dict (custom) or a layout object."""
    if isinstance(layout, SkeletonLayout):
        return layout
    if isinstance(layout, Mapping):
        return SkeletonLayout.from_dict(layout)
    key = _ALIASES.get(layout, layout)
    if key not in LAYOUTS:
        known = sorted(set(LAYOUTS) | set(_ALIASES))
        raise ValueError(f"unknown skeleton layout {layout!r}; known layouts: {known}, or pass a dict")
    return LAYOUTS[key]


def custom_layout(
    joint_names: Sequence[str],
    edges: Sequence[tuple[int, int]],
    center: int = 0,
    body_parts: Mapping[str, Sequence[int]] | None = None,
) -> SkeletonLayout:
    """A layout from any undirected edge list (0-based): edges are oriented towards ``center`` by BFS."""
    n = len(joint_names)
    neighbours: dict[int, list[int]] = {i: [] for i in range(n)}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    parent = {center: center}
    queue = [center]
    while queue:
        node = queue.pop(0)
        for nb in neighbours[node]:
            if nb not in parent:
                parent[nb] = node
                queue.append(nb)
    missing = [joint_names[i] for i in range(n) if i not in parent]
    if missing:
        raise ValueError(
            f"custom layout: joints {missing} are not connected to the centre joint {joint_names[center]!r}"
        )
    inward = tuple((child, p) for child, p in parent.items() if child != center)
    return SkeletonLayout(
        name="custom",
        joint_names=tuple(joint_names),
        inward_edges=inward,
        center=center,
        body_parts={k: tuple(v) for k, v in (body_parts or {}).items()},
    )
