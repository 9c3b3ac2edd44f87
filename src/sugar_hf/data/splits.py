"""Official train/test splits of every corpus, as small pure functions of a sample's ids.

Each rule maps a row's ids (``subject``, ``camera``, ``setup``, ``view``) to ``"train"``, ``"test"`` or ``None``
(not in this protocol). The zero-shot splits of SUGAR.md ship as data (``splits/zero_shot.json``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources

from ..skeleton.readers.ntu import parse_ntu_name

NTU60_XSUB_TRAIN_SUBJECTS = frozenset(
    (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38)
)  # fmt: skip
"""NTU RGB+D 60 cross-subject training subjects (Shahroudy et al., CVPR 2016)."""

NTU120_XSUB_TRAIN_SUBJECTS = NTU60_XSUB_TRAIN_SUBJECTS | frozenset(
    (45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93,
     94, 95, 97, 98, 100, 103)
)  # fmt: skip
"""NTU RGB+D 120 cross-subject training subjects (Liu et al., TPAMI 2020)."""

TOYOTA_CS_TRAIN_SUBJECTS = frozenset((3, 4, 6, 7, 9, 12, 13, 15, 17, 19, 25))

SPLIT_CONFIGS: dict[str, tuple[str, ...]] = {
    "ntu60": ("xsub", "xview"),
    "ntu120": ("xsub", "xset"),
    "toyota_smarthome": ("cs", "cv1", "cv2"),
    "pku_mmd": ("xsub", "xview"),
    "nw_ucla": ("xview",),
    "utd_mhad": ("xsub",),
    "utkinect": ("xsub",),
}
"""Corpus -> its split configs (one ``DatasetDict`` config each)."""


def split_of(corpus: str, config: str, ids: Mapping[str, int]) -> str | None:
    """``"train"``, ``"test"`` or ``None`` for a row with ids ``subject`` / ``camera`` / ``setup`` / ``view``.

    PKU-MMD splits are defined by name lists, not ids: use :func:`pku_split_of`.
    """
    key = (corpus, config)
    if key == ("ntu60", "xsub"):
        return "train" if ids["subject"] in NTU60_XSUB_TRAIN_SUBJECTS else "test"
    if key == ("ntu60", "xview"):
        return "train" if ids["camera"] in (2, 3) else "test"
    if key == ("ntu120", "xsub"):
        return "train" if ids["subject"] in NTU120_XSUB_TRAIN_SUBJECTS else "test"
    if key == ("ntu120", "xset"):
        return "train" if ids["setup"] % 2 == 0 else "test"
    if key == ("toyota_smarthome", "cs"):
        return "train" if ids["subject"] in TOYOTA_CS_TRAIN_SUBJECTS else "test"
    if key == ("toyota_smarthome", "cv1"):
        return {1: "train", 2: "test"}.get(ids["camera"])
    if key == ("toyota_smarthome", "cv2"):
        return "train" if ids["camera"] in (1, 3, 4, 6, 7) else ("test" if ids["camera"] == 2 else None)
    if key == ("nw_ucla", "xview"):
        return "train" if ids["view"] in (1, 2) else "test"
    if key == ("utd_mhad", "xsub"):
        return "train" if ids["subject"] % 2 == 1 else "test"
    if key == ("utkinect", "xsub"):
        return "train" if ids["subject"] % 2 == 1 else "test"
    raise KeyError(f"no id-based split {config!r} for corpus {corpus!r}; known: {SPLIT_CONFIGS}")


def ntu_split_names(names: Iterable[str], corpus: str, config: str) -> tuple[list[str], list[str]]:
    """Split NTU sample names (e.g. an official available-name list) into ``(train, test)``.

    NTU60 names are those with action <= 60 when ``corpus == "ntu60"``.
    """
    train, test = [], []
    for name in names:
        ids = parse_ntu_name(name)
        if corpus == "ntu60" and ids["action"] > 60:
            continue
        (train if split_of(corpus, config, ids) == "train" else test).append(name)
    return train, test


def pku_split_of(names: tuple[list[str], list[str]], name: str) -> str | None:
    """``"train"`` / ``"test"`` / ``None`` for a PKU-MMD video ``name`` (``"0036-L"``) from an official split."""
    train, test = names
    return "train" if name in set(train) else ("test" if name in set(test) else None)


def load_zero_shot_splits() -> dict[str, dict]:
    """The zero-shot protocols of SUGAR.md (``splits/zero_shot.json``), with ``seen``/``unseen`` 0-based label
    lists filled in for the corpus the protocol trains on."""
    text = resources.files(__package__).joinpath("splits/zero_shot.json").read_text(encoding="utf-8")
    specs = json.loads(text)
    from .class_names import CORPUS_CLASSES

    num = {name: len(classes) for name, classes in CORPUS_CLASSES.items()}
    for spec in specs.values():
        total = num.get(spec["corpus"], 60)
        unseen = _ids(spec.get("unseen_actions", []))
        spec["unseen"] = [a - 1 for a in unseen]
        seen = (
            _ids(spec["seen_actions"])
            if "seen_actions" in spec
            else [a for a in range(1, total + 1) if a not in unseen]
        )
        spec["seen"] = [a - 1 for a in seen]
    return specs


def _ids(value) -> list[int]:
    if isinstance(value, str):
        low, high = value.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(v) for v in value]
