"""Training data: the converted splits, deterministic augmentation, and the stage-1 text bank.

Every random choice of a training step is a function of ``(seed, epoch, index)`` or ``(seed, step)``, never of
a running RNG state, so a resumed run draws exactly what the uninterrupted run drew.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..inference import NAME_PROMPT, embed_texts

logger = logging.getLogger(__name__)


def load_splits(dataset_path: str, train_split: str = "train", eval_split: str = "test"):
    """``(train, eval, class_names, layout)`` from a ``save_to_disk`` DatasetDict of ``sugar-hf convert``."""
    from datasets import load_from_disk

    dd = load_from_disk(dataset_path)
    if train_split not in dd:
        raise ValueError(f"{dataset_path} has splits {list(dd)}, not {train_split!r}")
    train = dd[train_split]
    evaluation = dd[eval_split] if eval_split in dd else None
    if evaluation is None:
        logger.warning(
            "%s has no %r split (splits: %s): evaluation is skipped. Convert with --split-by subject|random (or a "
            "split column), or pass --eval_split NAME", dataset_path, eval_split, list(dd),
        )  # fmt: skip
    names = list(train.features["label"].names)
    try:
        layout = json.loads(train.info.description or "{}").get("layout")
    except ValueError:
        layout = None
    return train, evaluation, names, layout


def dataset_format(dataset_path: str, split: str = "train") -> dict:
    """``{"joints", "channels", "layout", "max_persons", "coordinate_channels"}`` of a converted split: what the
    encoder must take (``coordinate_channels`` is ``None`` unless the converter recorded it)."""
    from datasets import load_from_disk

    dd = load_from_disk(dataset_path)
    ds = dd[split] if split in dd else next(iter(dd.values()))
    shape = ds.features["skeleton"].shape  # (None, joints, channels)
    try:
        described = json.loads(ds.info.description or "{}")
    except ValueError:
        described = {}
    described = described if isinstance(described, dict) else {}
    persons = max(ds["num_persons"]) if len(ds) and "num_persons" in ds.column_names else None
    coordinates = described.get("coordinate_channels")
    return {"joints": int(shape[1]), "channels": int(shape[2]), "layout": described.get("layout"),
            "max_persons": persons, "coordinate_channels": int(coordinates) if coordinates else None}  # fmt: skip


def keep_labels(dataset, labels: Sequence[int]):
    """Rows whose label is in ``labels`` (e.g. the seen classes of a zero-shot protocol)."""
    wanted = set(int(x) for x in labels)
    return dataset.filter(lambda batch: [lab in wanted for lab in batch["label"]], batched=True)


def zero_shot_classes(protocol: str) -> tuple[list[int], list[int], dict]:
    """``(seen, unseen, spec)`` 0-based label ids of a protocol in ``data/splits/zero_shot.json``."""
    from ..data.splits import load_zero_shot_splits

    specs = load_zero_shot_splits()
    if protocol not in specs:
        raise KeyError(f"unknown zero-shot protocol {protocol!r}; known: {sorted(specs)}")
    spec = specs[protocol]
    return list(spec["seen"]), list(spec["unseen"]), spec


class SeededView:
    """A :class:`~sugar_hf.data.SkeletonTorchDataset` whose augmentation RNG for item ``i`` in epoch ``e`` is
    ``default_rng([seed, e, i])``: the same clip gets the same crop and rotation whatever the worker count or
    the point a run was resumed from."""

    def __init__(self, view, seed: int) -> None:
        self.view = view
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.view)

    def __getitem__(self, index: int) -> dict:
        self.view.rng = np.random.default_rng([self.seed, self.epoch, int(index)])
        return self.view[index]


def epoch_order(num_items: int, seed: int, epoch: int) -> list[int]:
    """The shuffled sample order of one epoch (a pure function of seed and epoch)."""
    generator = torch.Generator().manual_seed(seed * 100_003 + epoch)
    return torch.randperm(num_items, generator=generator).tolist()


# ------------------------------------------------------------------------------------------- stage-1 texts
@dataclass
class TextBank:
    """Every candidate text of the training classes, embedded once by the frozen text encoder.

    Attributes:
        embeds: ``(num_texts, text_dim)`` raw text embeddings.
        labels: ``(num_texts,)`` class id of each text.
        is_motion: ``(num_texts,)`` True for the (always drawn) motion text of a class.
        texts: the strings, for inspection.
    """

    embeds: torch.Tensor
    labels: torch.Tensor
    is_motion: torch.Tensor
    texts: list[str]

    def sample(self, classes: torch.Tensor, num_visual: int, generator: torch.Generator) -> torch.Tensor:
        """Indices of the texts of one step: for each class in ``classes``, its motion text(s) and
        ``num_visual`` visual texts drawn at random (all of them when ``num_visual <= 0``)."""
        picked = []
        for cls in sorted(set(classes.tolist())):
            own = (self.labels == cls).nonzero().flatten()
            motion = own[self.is_motion[own]]
            other = own[~self.is_motion[own]]
            if 0 < num_visual < len(other):
                other = other[torch.randperm(len(other), generator=generator)[:num_visual]].sort().values
            picked.append(torch.cat([motion, other]))
        return torch.cat(picked)

    def class_bags(self, project) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(class ids, (num_texts, dim) normalised projected texts grouped by class, (num_texts,) position of
        each text's class in the class ids)``: each class's bag of texts, as MIL-NCE scores it
        (:func:`sugar_hf.inference.bag_scores`)."""
        classes = self.labels.unique()
        order = torch.argsort(self.labels, stable=True)
        projected = torch.nn.functional.normalize(project(self.embeds[order]), dim=-1)
        return classes, projected, torch.searchsorted(classes, self.labels[order])

    def class_prototypes(self, project) -> tuple[torch.Tensor, torch.Tensor]:
        """``(class ids, (num_classes, dim) normalised mean of each class's projected texts)``."""
        classes = self.labels.unique()
        projected = torch.nn.functional.normalize(project(self.embeds), dim=-1)
        protos = torch.stack([projected[self.labels == c].mean(0) for c in classes])
        return classes, torch.nn.functional.normalize(protos, dim=-1)


def class_texts(
    class_names: Sequence[str], class_ids: Sequence[int], descriptions: str | None, knowledge: str
) -> tuple[list[str], list[int], list[bool]]:
    """The texts of each class for a knowledge kind (``none | motion | visual | motion+visual``).

    ``descriptions`` is a corpus key or a JSONL path of :mod:`sugar_hf.knowledge`; a class with no description
    falls back to its name prompt (with a warning), as does ``knowledge="none"``.
    """
    from ..knowledge.corpus import load_descriptions

    table = {}
    if descriptions and knowledge != "none":
        table = {d.name: d for d in load_descriptions(descriptions)}
    texts, labels, motion = [], [], []
    missing = []
    for cid in class_ids:
        name = class_names[cid]
        desc = table.get(name)
        if desc is None:
            if knowledge != "none":
                missing.append(name)
            items = [(NAME_PROMPT.format(name=name), True)]
        else:
            items = []
            if "motion" in knowledge:
                items.append((desc.motion_text(), True))
            if "visual" in knowledge:
                items.extend((text, False) for text in desc.texts("visual"))
        for text, is_motion in items:
            texts.append(text)
            labels.append(int(cid))
            motion.append(is_motion)
    if missing:
        logger.warning("no description for %d classes (name prompts used): %s", len(missing), missing[:10])
    return texts, labels, motion


@torch.no_grad()
def build_text_bank(model, tokenizer, texts, labels, is_motion, batch_size: int = 64, max_length: int = 128):
    """Embed every text once with the model's frozen text encoder (:func:`sugar_hf.inference.embed_texts`)."""
    embeds = embed_texts(model, tokenizer, texts, batch_size=batch_size, max_length=max_length)
    return TextBank(embeds, torch.tensor(labels), torch.tensor(is_motion), list(texts))


def short_descriptions(class_names: Sequence[str], descriptions: str | None) -> dict[str, str]:
    """Stage-2 answer descriptions: the first visual description of each class (empty when none)."""
    from ..knowledge.corpus import load_descriptions

    if not descriptions:
        return {}
    table = {d.name: d for d in load_descriptions(descriptions)}
    return {n: table[n].visual[0] for n in class_names if n in table and table[n].visual}
