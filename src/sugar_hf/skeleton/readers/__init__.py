"""Readers, one module a format. Each returns :class:`SkeletonSequence` objects (arrays + metadata) and
raises only :class:`SkeletonFormatError` (a ``ValueError`` naming file and line) on malformed input, within
the size limits of :class:`ReadLimits` (``limits=`` on every reader; process default
:func:`set_default_limits`; a limit hit is a :class:`ReadLimitExceeded`, a ``SkeletonFormatError`` too).
:func:`read_skeleton_file` reads any supported single-clip file by its suffix (JSON by its content); the
pose-estimator exports (COCO results, OpenPose, MediaPipe, YOLO-pose, csv-frames) are in :mod:`.pose_exports`."""

from .base import SkeletonSequence
from .dispatch import SKELETON_FILE_SUFFIXES, read_skeleton_file
from .errors import ReadLimitExceeded, SkeletonFormatError
from .generic import load_npy, load_npz_member, read_array, read_array_folder, read_label_csv
from .limits import ReadLimits, get_default_limits, set_default_limits, use_limits
from .ntu import NTUBody, list_ntu_files, parse_ntu_name, read_name_list, read_ntu_bodies, read_ntu_skeleton
from .nw_ucla import parse_nw_ucla_name, read_nw_ucla
from .pku_mmd import ActionSegment, cut_clips, read_pku_labels, read_pku_skeleton, read_pku_split
from .pose_exports import (
    POSE_FORMATS,
    detect_pose_format,
    read_coco_keypoints,
    read_csv_frames,
    read_json_clip,
    read_mediapipe,
    read_openpose,
    read_pose_export,
    read_yolo_pose,
)
from .pose_tracking import TrackingReport, track_people
from .toyota import (
    parse_toyota_name,
    read_toyota_json,
    read_tsu_action_list,
    read_tsu_annotations,
    read_tsu_npz,
)
from .utd_mhad import parse_utd_name, read_utd_mhad
from .utkinect import cut_utkinect_clips, read_utkinect_joints, read_utkinect_labels

__all__ = [
    "ActionSegment",
    "NTUBody",
    "POSE_FORMATS",
    "TrackingReport",
    "detect_pose_format",
    "read_coco_keypoints",
    "read_csv_frames",
    "read_json_clip",
    "read_mediapipe",
    "read_openpose",
    "read_pose_export",
    "read_yolo_pose",
    "track_people",
    "ReadLimitExceeded",
    "ReadLimits",
    "SKELETON_FILE_SUFFIXES",
    "SkeletonFormatError",
    "SkeletonSequence",
    "cut_clips",
    "cut_utkinect_clips",
    "get_default_limits",
    "list_ntu_files",
    "load_npy",
    "load_npz_member",
    "parse_ntu_name",
    "parse_nw_ucla_name",
    "parse_toyota_name",
    "parse_utd_name",
    "read_array",
    "read_array_folder",
    "read_label_csv",
    "read_name_list",
    "read_ntu_bodies",
    "read_ntu_skeleton",
    "read_nw_ucla",
    "read_pku_labels",
    "read_pku_skeleton",
    "read_pku_split",
    "read_skeleton_file",
    "read_toyota_json",
    "read_tsu_action_list",
    "read_tsu_annotations",
    "read_tsu_npz",
    "read_utd_mhad",
    "read_utkinect_joints",
    "read_utkinect_labels",
    "set_default_limits",
    "use_limits",
]
