"""The one preprocessing path from a raw skeleton clip to the encoder's fixed-size input.

:class:`SkeletonPipeline` is what the dataset view (:class:`~sugar_hf.data.torch_dataset.SkeletonTorchDataset`,
training and evaluation) and the processor (:class:`~sugar_hf.processing_sugar.SugarProcessor`: ``classify``,
``answer``, the Space) both call, so a clip reaches the encoder through the same steps whichever way it comes
in. Build it from a checkpoint's encoder config (:meth:`SkeletonPipeline.from_encoder_config`): the config
records the stream, centring, test crop and view alignment the model was trained with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..configuration_sugar import SKELETON_STREAMS
from ..skeleton_layouts import SkeletonLayout, get_layout
from .transforms import (
    align_view,
    as_persons_first,
    bone_stream,
    center_on_joint,
    motion_stream,
    pad_or_trim_persons,
    random_rotation,
    valid_crop_resize,
)

STREAMS = SKELETON_STREAMS


@dataclass(frozen=True)
class SkeletonPipeline:
    """Raw ``(M, T, V, C)`` (or ``(T, V, C)``) clip -> float32 ``(num_persons, num_frames, V, in_channels)``.

    Steps, in order: check the joint count against ``layout`` and keep the first ``in_channels`` channels
    (all of them when ``None``) -> centre on the layout's centre joint in the first valid frame (``center``)
    -> view alignment (``align_view``) -> valid crop-resize to ``num_frames`` (a random ratio in
    ``train_ratio`` for training, the centred ``test_crop_ratio`` crop otherwise) -> random rotation
    (training, ``rotate`` radians) -> the ``stream`` (bone / motion / bone_motion) -> pad/trim to
    ``num_persons`` bodies.

    A training call draws from ``rng`` exactly as CTR-GCN's feeder does: the crop ratio and offset, then the
    three rotation angles (when ``rotate > 0``); an evaluation call draws nothing and is deterministic.

    Attributes:
        layout: Joint order of the clips (preset name, layout dict or :class:`SkeletonLayout`).
        num_frames / num_persons: Output size (T, M).
        in_channels: Channels kept per joint (the encoder's ``in_channels``); ``None`` keeps them all.
        stream: ``"joint"``, ``"bone"``, ``"motion"`` or ``"bone_motion"``.
        center / align_view: Centre on the centre joint / rotate to a canonical view.
        test_crop_ratio: Centred fraction of the valid frames kept at evaluation, in ``(0, 1]``.
        train_ratio: ``(low, high)`` range of the random crop fraction for training (a single float: that
            centred crop, no randomness).
        rotate: Largest random rotation angle per axis for training (radians; 0 disables it).
        coordinate_channels: How many leading channels are positions (``None``: the first three, x, y for 2-D
            data). The rest (a pose estimator's keypoint confidence: ``2`` for COCO x, y, score) are kept as
            values by the centring, view alignment, rotation and streams.
    """

    layout: SkeletonLayout | str | Mapping = "ntu25"
    num_frames: int = 64
    num_persons: int = 2
    in_channels: int | None = None
    stream: str = "joint"
    center: bool = True
    align_view: bool = False
    test_crop_ratio: float = 0.95
    train_ratio: tuple[float, float] | float = (0.5, 1.0)
    rotate: float = 0.3
    coordinate_channels: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "layout", get_layout(self.layout))
        ratio = self.train_ratio
        ratio = float(ratio) if isinstance(ratio, (int, float)) else tuple(float(r) for r in ratio)
        object.__setattr__(self, "train_ratio", ratio)
        if self.stream not in STREAMS:
            raise ValueError(f"stream must be one of {STREAMS}, got {self.stream!r}")
        if not 0 < self.test_crop_ratio <= 1:
            raise ValueError(f"test_crop_ratio must be in (0, 1], got {self.test_crop_ratio!r}")
        low, high = (ratio, ratio) if isinstance(ratio, float) else (ratio + (0.0, 0.0))[:2]
        if not (isinstance(ratio, float) or len(ratio) == 2) or not 0 < low <= high <= 1:
            raise ValueError(
                f"train_ratio must be (low, high) with 0 < low <= high <= 1 (or one ratio), got {ratio!r}"
            )
        if self.num_frames < 1 or self.num_persons < 1:
            raise ValueError(
                f"num_frames and num_persons must be positive, got {self.num_frames} and {self.num_persons}"
            )
        if self.in_channels is not None and self.in_channels < 1:
            raise ValueError(f"in_channels must be positive or None, got {self.in_channels}")
        if self.coordinate_channels is not None and self.coordinate_channels < 1:
            raise ValueError(f"coordinate_channels must be positive or None, got {self.coordinate_channels}")

    @classmethod
    def from_encoder_config(cls, config, **overrides: Any) -> SkeletonPipeline:
        """The pipeline a checkpoint was trained with, from its :class:`SugarEncoderConfig` (or a
        :class:`SugarConfig`, whose ``encoder_config`` is used). Configs saved before the preprocessing fields
        existed get the defaults. ``overrides`` replace any field (e.g. ``rotate=0.0``)."""
        config = getattr(config, "encoder_config", config)
        fields = dict(
            layout=config.layout,
            num_frames=config.num_frames,
            num_persons=config.num_persons,
            in_channels=config.in_channels,
            stream=getattr(config, "stream", "joint"),
            center=getattr(config, "center", True),
            align_view=getattr(config, "align_view", False),
            test_crop_ratio=getattr(config, "test_crop_ratio", 0.95),
            coordinate_channels=getattr(config, "coordinate_channels", None),
        )
        fields.update(overrides)
        return cls(**fields)

    def replace(self, **changes: Any) -> SkeletonPipeline:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def check(self, skeleton) -> np.ndarray:
        """``skeleton`` as float32 ``(M, T, V, C)``, cut to ``in_channels``; a clear error when it does not fit."""
        x = as_persons_first(skeleton)
        if x.shape[2] != self.layout.num_joints:
            raise ValueError(
                f"skeleton has {x.shape[2]} joints, layout {self.layout.name!r} has {self.layout.num_joints}"
            )
        if self.in_channels is not None:
            if x.shape[3] < self.in_channels:
                raise ValueError(
                    f"skeleton has {x.shape[3]} channels per joint, the model needs {self.in_channels}"
                )
            x = x[..., : self.in_channels]
        return x

    def __call__(self, skeleton, train: bool = False, rng: np.random.Generator | None = None) -> np.ndarray:
        """Apply the pipeline to one clip; ``rng`` drives the training-time crop and rotation."""
        x = self.check(skeleton)
        k = self.coordinate_channels
        if self.center:
            x = center_on_joint(x, self.layout, coordinates=k)
        if self.align_view:
            x = align_view(x, self.layout, coordinates=k)
        if train and rng is None:
            rng = np.random.default_rng()
        ratio = self.train_ratio if train else self.test_crop_ratio
        x = valid_crop_resize(x, self.num_frames, ratio, rng=rng, min_length=self.num_frames)
        if train and self.rotate > 0:
            x = random_rotation(x, self.rotate, rng=rng, coordinates=k)
        if self.stream in ("bone", "bone_motion"):
            x = bone_stream(x, self.layout, coordinates=k)
        if self.stream in ("motion", "bone_motion"):
            x = motion_stream(x, coordinates=k)
        return pad_or_trim_persons(x, self.num_persons)


__all__ = ["STREAMS", "SkeletonPipeline"]
