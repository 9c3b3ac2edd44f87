"""The demo: a generated skeleton corpus, figures, and the ``sugar-hf quickstart`` pipeline.

Nothing here downloads data. :func:`make_demo_corpus` poses a small kinematic body model (NTU RGB+D's 25
Kinect v2 joints) through a dozen everyday actions, each with a six-part motion description and visual
descriptions that match what the generator does; :func:`run_quickstart` trains SUGAR's two stages on it.
"""

from .actions import ACTIONS, ACTIONS_BY_NAME, SEEN_ACTIONS, UNSEEN_ACTIONS, DemoAction
from .body import BodyModel, Pose, pose_joints, to_camera
from .corpus import DemoClip, DemoCorpus, demo_clip, generate_clip, make_demo_corpus

__all__ = [
    "ACTIONS",
    "ACTIONS_BY_NAME",
    "SEEN_ACTIONS",
    "UNSEEN_ACTIONS",
    "BodyModel",
    "DemoAction",
    "DemoClip",
    "DemoCorpus",
    "Pose",
    "demo_clip",
    "generate_clip",
    "make_demo_corpus",
    "pose_joints",
    "to_camera",
]
