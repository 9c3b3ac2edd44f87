"""Official train/test splits looked up by corpus name, and the zero-shot protocols of SUGAR.md.

The split rules themselves live with each corpus (:mod:`sugar_hf.corpora`): a rule maps a row's ids
(``subject``, ``camera``, ``setup``, ``view``) to ``"train"``, ``"test"`` or ``None`` (not in this protocol).
The zero-shot splits ship as data (``splits/zero_shot.json``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources

from ..corpora import CORPORA, get_corpus
from ..skeleton.readers.ntu import parse_ntu_name


def split_of(corpus: str, config: str, ids: Mapping[str, int]) -> str | None:
    """``"train"``, ``"test"`` or ``None`` for a row with ids ``subject`` / ``camera`` / ``setup`` / ``view``
    (the corpus's split rule, :attr:`sugar_hf.corpora.CorpusSpec.split_rule`).

    PKU-MMD splits are defined by name lists, not ids: use :func:`pku_split_of`.
    """
    rule = get_corpus(corpus).split_rule
    if rule is None:
        raise KeyError(f"no id-based split {config!r} for corpus {corpus!r}")
    return rule(config, ids)


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
    num = {name: len(spec.classes) for name, spec in CORPORA.items() if spec.classes is not None}
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
