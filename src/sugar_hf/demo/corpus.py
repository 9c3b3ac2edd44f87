"""The demo corpus: NTU-25 clips of the demo actions, generated from a seed (nothing is downloaded).

Every clip varies the subject (height, bone lengths), the performance (speed and so clip length, amplitude,
repetitions, phase), the camera (yaw, distance, height) and adds sensor noise. Subjects split the seen
classes into train and test (cross-subject, as NTU's X-sub); the unseen classes are generated for every
subject and used only for zero-shot evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .actions import ACTIONS_BY_NAME, SEEN_ACTIONS, UNSEEN_ACTIONS, DemoAction, Style
from .body import BodyModel, pose_joints, to_camera


@dataclass
class DemoClip:
    """One generated clip; ``skeleton`` is ``(1, frames, 25, 3)`` float32 in Kinect camera coordinates."""

    skeleton: np.ndarray
    action: str
    label: int
    subject: int
    meta: dict = field(default_factory=dict)


@dataclass
class DemoCorpus:
    """The generated splits and class lists.

    Attributes:
        train / test: clips of the seen classes (cross-subject split); labels index ``seen_classes``.
        unseen: clips of the held-out classes; labels index ``unseen_classes``.
    """

    train: list[DemoClip]
    test: list[DemoClip]
    unseen: list[DemoClip]
    seen_classes: list[str]
    unseen_classes: list[str]
    seed: int

    def actions(self, names: Sequence[str] | None = None) -> list[DemoAction]:
        return [ACTIONS_BY_NAME[n] for n in (names or self.seen_classes + self.unseen_classes)]

    def summary(self) -> str:
        return (f"demo corpus (seed {self.seed}): {len(self.seen_classes)} seen classes, "
                f"{len(self.train)} train / {len(self.test)} test clips; {len(self.unseen_classes)} unseen classes, "
                f"{len(self.unseen)} clips")  # fmt: skip

    def to_dataset_dict(self):
        """A ``datasets.DatasetDict`` (train / test / unseen) in the row schema of ``sugar-hf convert``
        (:func:`sugar_hf.corpora.skeleton_features`), so the training library reads it as it is."""
        import json

        from datasets import Dataset, DatasetDict

        from ..corpora.rows import ID_COLUMNS, skeleton_features

        def split(clips, names, prefix):
            rows = {key: [] for key in skeleton_features("ntu25", names)}
            for i, c in enumerate(clips):
                m, t = c.skeleton.shape[:2]
                values = {"name": f"{prefix}{i:05d}", "source": f"sugar_demo/seed{self.seed}", "num_persons": m,
                          "skeleton": c.skeleton.reshape(m * t, 25, 3), "num_frames": t, "label": c.label,
                          **{k: -1 for k in ID_COLUMNS}, "subject": c.subject}  # fmt: skip
                for key in rows:
                    rows[key].append(values[key])
            dataset = Dataset.from_dict(rows, features=skeleton_features("ntu25", names))
            dataset.info.description = json.dumps({"corpus": "sugar_demo", "layout": "ntu25"})
            return dataset

        return DatasetDict({
            "train": split(self.train, self.seen_classes, "train"),
            "test": split(self.test, self.seen_classes, "test"),
            "unseen": split(self.unseen, self.unseen_classes, "unseen"),
        })  # fmt: skip

    def write_descriptions(self, path) -> str:
        """Write the class texts as a knowledge JSONL file (the ``descriptions`` input of training)."""
        import json
        from pathlib import Path

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            for label, action in enumerate(self.actions()):
                handle.write(json.dumps({**action.to_record(), "label": label}) + "\n")
        return str(path)


def generate_clip(
    action: DemoAction | str,
    body: BodyModel | None = None,
    rng: np.random.Generator | None = None,
    *,
    num_frames: int | None = None,
    amplitude: float | None = None,
    yaw_degrees: float | None = None,
    noise: float = 0.006,
) -> np.ndarray:
    """One clip ``(1, frames, 25, 3)`` (float32, metres, Kinect camera coordinates).

    Unset arguments are drawn from ``rng``: length 44-100 frames (the speed), amplitude 0.85-1.15, camera yaw
    within +-40 degrees, distance 2.6-3.6 m, camera height 0.7-1.1 m, repetitions within the action's range.
    """
    if isinstance(action, str):
        action = ACTIONS_BY_NAME[action]
    rng = rng if rng is not None else np.random.default_rng(0)
    body = body or BodyModel.random(rng)
    frames = int(num_frames or rng.integers(44, 101))
    style = Style(
        amplitude=float(amplitude if amplitude is not None else rng.uniform(0.85, 1.15)),
        cycles=int(rng.integers(action.cycles[0], action.cycles[1] + 1)),
        phase=float(rng.uniform(-0.4, 0.4)),
    )
    yaw = np.deg2rad(yaw_degrees if yaw_degrees is not None else rng.uniform(-40, 40))
    distance, height = rng.uniform(2.6, 3.6), rng.uniform(0.7, 1.1)
    sway_freq, sway_phase = rng.uniform(0.3, 0.8), rng.uniform(0, 2 * np.pi)
    u = np.linspace(0.0, 1.0, frames)
    joints = pose_joints(body, action.pose(u, style), frames)
    sway = 0.015 * np.sin(2 * np.pi * sway_freq * u + sway_phase)
    joints[..., 0] += sway[:, None]
    cam = to_camera(joints, yaw, distance, height)
    cam += rng.normal(0.0, noise, size=cam.shape)
    return cam[None].astype(np.float32)


def make_demo_corpus(
    seed: int = 0,
    num_subjects: int = 10,
    test_subjects: int = 3,
    repetitions: int = 4,
    unseen_repetitions: int = 2,
    seen: Sequence[str] = SEEN_ACTIONS,
    unseen: Sequence[str] = UNSEEN_ACTIONS,
    progress: bool = False,
) -> DemoCorpus:
    """Generate the corpus deterministically from ``seed``.

    Subjects ``0 .. num_subjects - test_subjects - 1`` train, the last ``test_subjects`` test. Each subject
    performs every seen class ``repetitions`` times and every unseen class ``unseen_repetitions`` times.
    """
    if not 0 < test_subjects < num_subjects:
        raise ValueError(f"test_subjects must be in 1..{num_subjects - 1}, got {test_subjects}")
    overlap = set(seen) & set(unseen)
    if overlap:
        raise ValueError(f"classes both seen and unseen: {sorted(overlap)}")
    root = np.random.default_rng(seed)
    bodies = [BodyModel.random(np.random.default_rng(s)) for s in root.integers(0, 2**31, num_subjects)]
    jobs = [(name, i, r, False) for i in range(num_subjects) for name in seen for r in range(repetitions)]
    jobs += [
        (name, i, r, True) for i in range(num_subjects) for name in unseen for r in range(unseen_repetitions)
    ]
    clip_seeds = root.integers(0, 2**31, len(jobs))
    train, test, held = [], [], []
    iterator = zip(jobs, clip_seeds)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, total=len(jobs), desc="demo corpus", unit="clip")
    for (name, subject, rep, is_unseen), clip_seed in iterator:
        skeleton = generate_clip(name, bodies[subject], np.random.default_rng(int(clip_seed)))
        classes = unseen if is_unseen else seen
        clip = DemoClip(skeleton, name, list(classes).index(name), subject, {"repetition": rep})
        if is_unseen:
            held.append(clip)
        elif subject >= num_subjects - test_subjects:
            test.append(clip)
        else:
            train.append(clip)
    return DemoCorpus(train, test, held, list(seen), list(unseen), seed)


def demo_clip(name: str = "wave hand", seed: int = 0) -> np.ndarray:
    """A single built-in clip of one action (what the Space offers as examples)."""
    rng = np.random.default_rng(seed)
    return generate_clip(name, BodyModel.random(rng), rng, num_frames=72, yaw_degrees=15.0, amplitude=1.0)
