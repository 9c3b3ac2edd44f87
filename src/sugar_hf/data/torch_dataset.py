"""A PyTorch view of a converted corpus with CTR-GCN-style train/test transforms."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from ..corpora.rows import row_to_skeleton
from ..skeleton.pipeline import STREAMS, SkeletonPipeline
from ..skeleton_layouts import SkeletonLayout, get_layout

__all__ = ["STREAMS", "SkeletonTorchDataset"]


def _layout_of(dataset) -> str | None:
    try:
        return json.loads(dataset.info.description or "{}").get("layout")
    except (AttributeError, ValueError):
        return None


class SkeletonTorchDataset:
    """Rows of a converted ``datasets.Dataset`` as fixed-size arrays, with train-time augmentation.

    Per item: rebuild ``(M, T, V, C)`` and run the :class:`~sugar_hf.skeleton.pipeline.SkeletonPipeline`:
    centre on the layout's centre joint in the first frame -> optional view alignment -> valid crop-resize
    to ``num_frames`` (random ratio in ``train_ratio`` for training, the centred ``test_ratio`` crop
    otherwise) -> random rotation (training, ``rotate`` radians) -> the requested stream -> pad/trim to
    ``num_persons``. The processor runs the same pipeline (``train=False``), so an evaluation item is
    bit-identical to what ``SugarProcessor`` makes of the same raw row. Build the view of a checkpoint with
    :meth:`from_encoder_config`, which takes the stream, crop, centring and alignment it was trained with.

    ``__getitem__`` returns ``{"skeleton": float32 (num_persons, num_frames, V, C), "label": int, "name": str}``.
    It is a ``torch.utils.data.Dataset`` by protocol (``__len__`` / ``__getitem__``), usable with
    ``DataLoader`` and :class:`~sugar_hf.data.collator.SkeletonCollator`. ``rng`` (settable, as
    :class:`~sugar_hf.training.data.SeededView` does) drives the training augmentation.
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
        in_channels: int | None = None,
        pipeline: SkeletonPipeline | None = None,
    ) -> None:
        self.dataset = dataset.with_format("numpy") if hasattr(dataset, "with_format") else dataset
        if pipeline is None:
            if stream not in STREAMS:
                raise ValueError(f"stream must be one of {STREAMS}, got {stream!r}")
            name = layout if layout is not None else _layout_of(dataset)
            if name is None:
                raise ValueError("the dataset does not record its layout: pass layout=...")
            pipeline = SkeletonPipeline(
                layout=get_layout(name), num_frames=num_frames, num_persons=num_persons, in_channels=in_channels,
                stream=stream, center=center, align_view=align, test_crop_ratio=test_ratio,
                train_ratio=train_ratio, rotate=rotate,
            )  # fmt: skip
        self.pipeline = pipeline
        self.train = train
        self.rng = np.random.default_rng(seed)

    @classmethod
    def from_encoder_config(
        cls,
        dataset,
        encoder_config,
        *,
        train: bool = False,
        rotate: float = 0.3,
        seed: int | None = None,
        **overrides,
    ) -> SkeletonTorchDataset:
        """The view of ``dataset`` that a checkpoint with this encoder config (or :class:`SugarConfig`) sees:
        its layout, sizes, ``in_channels``, stream, centring, test crop and view alignment. ``overrides``
        replace pipeline fields (e.g. ``train_ratio``). Raises when the dataset records a preset layout other
        than the encoder's."""
        pipeline = SkeletonPipeline.from_encoder_config(encoder_config, rotate=rotate, **overrides)
        recorded = _layout_of(dataset)
        if isinstance(recorded, str):
            try:
                data_layout = get_layout(recorded)
            except ValueError:  # "custom" or a name this version does not know: the joint check still applies
                data_layout = None
            if data_layout is not None and data_layout.name != pipeline.layout.name:
                raise ValueError(
                    f"the dataset's layout is {recorded!r} but the encoder's is {pipeline.layout.name!r}: "
                    "the model was built for other joints"
                )
        return cls(dataset, train=train, seed=seed, pipeline=pipeline)

    # Read-only views of the pipeline's fields, as the constructor names them.
    layout = property(lambda self: self.pipeline.layout)
    num_frames = property(lambda self: self.pipeline.num_frames)
    num_persons = property(lambda self: self.pipeline.num_persons)
    train_ratio = property(lambda self: self.pipeline.train_ratio)
    test_ratio = property(lambda self: self.pipeline.test_crop_ratio)
    rotate = property(lambda self: self.pipeline.rotate)
    center = property(lambda self: self.pipeline.center)
    align = property(lambda self: self.pipeline.align_view)
    stream = property(lambda self: self.pipeline.stream)

    def __len__(self) -> int:
        return len(self.dataset)

    def transform(self, skeleton: np.ndarray) -> np.ndarray:
        """Apply the configured pipeline to one ``(M, T, V, C)`` array."""
        return self.pipeline(skeleton, train=self.train, rng=self.rng)

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
