"""Collators: fixed-size skeleton batches (stage 1 / baselines) and SUGAR processor inputs (stage 2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..corpora.rows import row_to_skeleton
from ..skeleton.transforms import pad_or_trim_persons, resample_frames


def _is_raw_row(item: dict) -> bool:
    """A converted dataset row (persons stacked along time) rather than a prepared torch-view item."""
    return "num_persons" in item and "num_frames" in item


def _skeleton_of(item: dict) -> np.ndarray:
    """``(M, T, V, C)`` from a torch-view item (``skeleton`` already 4-D) or a raw dataset row."""
    if _is_raw_row(item):
        return row_to_skeleton(item)
    return np.asarray(item["skeleton"], dtype=np.float32)


class SkeletonCollator:
    """Stack items into ``skeleton_values`` ``(B, M, T, V, C)`` float32 and ``labels`` ``(B,)`` int64 tensors.

    Each skeleton is padded/trimmed to ``num_persons`` bodies and linearly resampled to ``num_frames`` when
    its length differs (items from :class:`~sugar_hf.data.torch_dataset.SkeletonTorchDataset` already fit).
    Accepts view items (``skeleton``, ``label``) and raw converted rows alike. Raw rows are only padded and
    resampled here (no centring, crop or stream): for model inputs, build the items with
    :meth:`SkeletonTorchDataset.from_encoder_config <sugar_hf.data.torch_dataset.SkeletonTorchDataset.from_encoder_config>`.
    """

    def __init__(self, num_persons: int = 2, num_frames: int = 64) -> None:
        self.num_persons = num_persons
        self.num_frames = num_frames

    def fix(self, skeleton: np.ndarray) -> np.ndarray:
        x = pad_or_trim_persons(skeleton, self.num_persons)
        return x if x.shape[1] == self.num_frames else resample_frames(x, self.num_frames)

    def __call__(self, items: Sequence[dict]) -> dict:
        import torch

        skeletons = np.stack([self.fix(_skeleton_of(item)) for item in items])
        return {
            "skeleton_values": torch.from_numpy(skeletons),
            "labels": torch.tensor([int(item["label"]) for item in items], dtype=torch.long),
        }


class SugarCollator:
    """Turn items into SUGAR model inputs through the processor.

    Calls ``processor(skeletons=..., candidates=candidates, answers=[...], return_tensors="pt")``. Items of a
    :class:`~sugar_hf.data.torch_dataset.SkeletonTorchDataset` have already been through the preprocessing
    pipeline: they are passed as one prepared ``(B, M, T, V, C)`` tensor, which the processor leaves as it is,
    so the model sees exactly the view's arrays (no second centring, no stream applied twice). Raw dataset
    rows (with ``num_persons`` / ``num_frames``) are passed as ``(M, T, V, C)`` arrays, which the processor
    prepares with its own pipeline. Each answer is the class name followed by a short description, formatted by
    ``sugar_hf.processing_sugar.format_answer`` (``"<name>."`` or ``"<name>. <description>"``; just the name
    when ``describe`` is ``None`` or returns nothing).

    Args:
        processor: A ``SugarProcessor`` (or anything with that call contract).
        class_names: Label id -> class name.
        describe: Optional ``name -> description``.
        candidates: Candidate names passed to the processor (``None``: the processor's default prompt).
        with_answers: ``False`` for inference batches (``answers=None``).
        return_class_ids: Add ``class_ids`` ``(B,)`` (the integer labels) to the batch, for ranking metrics.
        num_candidates: Candidate-list sampling for training (0: always ``candidates`` in their order). With
            ``N > 0`` each batch lists its own classes plus other names of ``candidates`` drawn at random, ``N``
            names in all, in a random order, so the LLM learns to choose from the list it is given (as it must
            for unseen names) rather than from a memorised one. The draw is a function of ``seed`` and the
            batch's labels, so a resumed run sees the same lists.
        seed: Seed of the candidate-list draws.
    """

    def __init__(
        self,
        processor,
        class_names: Sequence[str],
        describe: Callable[[str], str] | None = None,
        *,
        candidates: Sequence[str] | None = None,
        with_answers: bool = True,
        return_class_ids: bool = False,
        num_candidates: int = 0,
        seed: int = 0,
    ) -> None:
        if num_candidates and candidates is None:
            raise ValueError("num_candidates needs the full candidate list to draw from")
        self.num_candidates = num_candidates
        self.seed = seed
        self.processor = processor
        self.class_names = list(class_names)
        self.describe = describe
        self.candidates = list(candidates) if candidates is not None else None
        self.with_answers = with_answers
        self.return_class_ids = return_class_ids

    def answer(self, label: int) -> str:
        from ..processing_sugar import format_answer

        name = self.class_names[label]
        return format_answer(name, self.describe(name) if self.describe else None)

    def skeletons(self, items: Sequence[dict]):
        """A prepared ``(B, M, T, V, C)`` tensor for view items, a list of raw ``(M, T, V, C)`` arrays for rows."""
        import torch

        raw = [_is_raw_row(item) for item in items]
        if all(raw):
            return [row_to_skeleton(item) for item in items]
        if any(raw):
            raise ValueError("a batch mixes raw dataset rows and prepared view items: use one kind")
        prepared = torch.from_numpy(
            np.stack([np.asarray(item["skeleton"], dtype=np.float32) for item in items])
        )
        names = ("num_persons", "num_frames", "in_channels")
        expected = tuple(getattr(self.processor, name, None) for name in names)
        got = (prepared.shape[1], prepared.shape[2], prepared.shape[4])
        if None not in expected and got != expected:
            raise ValueError(
                f"view items have {got[0]} persons x {got[1]} frames x {got[2]} channels, the processor expects "
                f"{expected[0]} x {expected[1]} x {expected[2]}: build the view with "
                "SkeletonTorchDataset.from_encoder_config(dataset, model.config.encoder_config)"
            )
        return prepared

    def candidates_for(self, labels: Sequence[int]) -> list[str] | None:
        """The candidate list of a batch with these labels (see ``num_candidates``)."""
        if not self.num_candidates:
            return self.candidates
        own = sorted({self.class_names[label] for label in labels})
        others = [name for name in self.candidates if name not in own]
        rng = np.random.default_rng([self.seed, *labels])
        extra = max(self.num_candidates - len(own), 0)
        picked = own + [others[i] for i in rng.permutation(len(others))[:extra]]
        return [picked[i] for i in rng.permutation(len(picked))]

    def __call__(self, items: Sequence[dict]) -> dict:
        labels = [int(item["label"]) for item in items]
        batch = self.processor(
            skeletons=self.skeletons(items),
            candidates=self.candidates_for(labels),
            answers=[self.answer(label) for label in labels] if self.with_answers else None,
            return_tensors="pt",
        )
        if self.return_class_ids:
            import torch

            batch["class_ids"] = torch.tensor(labels, dtype=torch.long)
        return batch
