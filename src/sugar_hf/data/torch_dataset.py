"""A PyTorch view of a converted corpus with CTR-GCN-style train/test transforms."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from ..skeleton.layouts import SkeletonLayout, get_layout
from ..skeleton.transforms import (
    align_view,
    bone_stream,
    center_on_joint,
    motion_stream,
    pad_or_trim_persons,
    random_rotation,
    valid_crop_resize,
)
from .builders import row_to_skeleton

STREAMS = ("joint", "bone", "motion", "bone_motion")


def _layout_of(dataset) -> str | None:
    try:
        return json.loads(dataset.info.description or "{}").get("layout")
    except (AttributeError, ValueError):
        return None


class SkeletonTorchDataset:
    """Rows of a converted ``datasets.Dataset`` as fixed-size arrays, with train-time augmentation.

    Per item: rebuild ``(M, T, V, C)`` -> centre on the layout's centre joint in the first frame -> optional
    view alignment -> valid crop-resize to ``num_frames`` (random ratio in ``train_ratio`` for training, the
    centred ``test_ratio`` crop otherwise) -> random rotation (training, ``rotate`` radians, 3-D data only)
    -> the requested stream -> pad/trim to ``num_persons``.

    ``__getitem__`` returns ``{"skeleton": float32 (num_persons, num_frames, V, C), "label": int, "name": str}``.
    It is a ``torch.utils.data.Dataset`` by protocol (``__len__`` / ``__getitem__``), usable with
    ``DataLoader`` and :class:`~sugar_hf.data.collator.SkeletonCollator`.
    """

    def __init__(
        self,
        dataset,
        layout: str | SkeletonLayout | None = None,
        *,
        train: bool = False,
        num_frames: int = 64,
        num_persons: int = 2,
        train_ratio: tuple[float, float] = (0.5, 1.0),
        test_ratio: float = 0.95,
        rotate: float = 0.3,
        center: bool = True,
        align: bool = False,
        stream: str = "joint",
        seed: int | None = None,
    ) -> None:
        if stream not in STREAMS:
            raise ValueError(f"stream must be one of {STREAMS}, got {stream!r}")
        name = layout if layout is not None else _layout_of(dataset)
        if name is None:
            raise ValueError("the dataset does not record its layout: pass layout=...")
        self.dataset = dataset.with_format("numpy") if hasattr(dataset, "with_format") else dataset
        self.layout = get_layout(name)
        self.train = train
        self.num_frames = num_frames
        self.num_persons = num_persons
        self.train_ratio = train_ratio
        self.test_ratio = test_ratio
        self.rotate = rotate
        self.center = center
        self.align = align
        self.stream = stream
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.dataset)

    def transform(self, skeleton: np.ndarray) -> np.ndarray:
        """Apply the configured pipeline to one ``(M, T, V, C)`` array."""
        x = skeleton
        if self.center:
            x = center_on_joint(x, self.layout)
        if self.align:
            x = align_view(x, self.layout)
        ratio = self.train_ratio if self.train else self.test_ratio
        x = valid_crop_resize(x, self.num_frames, ratio, rng=self.rng, min_length=self.num_frames)
        if self.train and self.rotate > 0:
            x = random_rotation(x, self.rotate, rng=self.rng)
        if self.stream in ("bone", "bone_motion"):
            x = bone_stream(x, self.layout)
        if self.stream in ("motion", "bone_motion"):
            x = motion_stream(x)
        return pad_or_trim_persons(x, self.num_persons)

    def __getitem__(self, index: int) -> dict:
        row = self.dataset[int(index)]
        return {
            "skeleton": self.transform(row_to_skeleton(row)),
            "label": int(row["label"]),
            "name": str(row["name"]),
        }

    @property
    def class_names(self) -> Sequence[str]:
        return self.dataset.features["label"].names
