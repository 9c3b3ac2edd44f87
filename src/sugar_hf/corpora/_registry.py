"""The corpus registry: a :class:`CorpusSpec` per corpus, registered by its own module (``corpora/<corpus>.py``).

A spec holds every fact about one corpus: its joint layout, official class names, split configs and the rule
that assigns a row to ``train`` / ``test``, how to list its raw files (:class:`CorpusPlan`), the reader task that
turns one raw file into rows, what the Hub cards say about it (name, licence, terms, citation, official counts)
and the file of its shipped class descriptions. The conversion machinery (``sugar_hf.data.builders``), the
Hub cards and the knowledge loader read these specs; none of them keeps a table of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

SplitTags = Callable[[str, Mapping[str, list], dict], "list[str | None] | None"]
"""``(config, columns, extra) -> one "train" / "test" / None tag per row`` (``None`` overall: the config is not
available for this conversion). ``columns`` holds ``source`` and the id columns of every row."""


@dataclass
class CorpusPlan:
    """The inputs of one conversion: the files to parse, the options every reader task gets, the class names,
    the files an official list excludes, what split configs need later (``extra``) and per-file options."""

    files: list[str]
    opts: dict
    class_names: list[str]
    listed_missing: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    per_file: dict = field(default_factory=dict)  # options of one file only (folder corpus: its CSV row)


@dataclass(frozen=True)
class CorpusSpec:
    """Everything sugar-hf knows about one corpus (see the module docstring)."""

    name: str
    pretty_name: str
    description: str
    layout: str | None  # joint layout preset; None: chosen per conversion (the user's folder corpus)
    classes: tuple[str, ...] | None  # official label order; None: read from the raw release or the CSV
    split_configs: tuple[str, ...]
    task: Callable[[str, dict], list[dict]]  # one raw file -> rows (runs in a worker process)
    plan: Callable[..., CorpusPlan] | None = None  # (raw folder, **options) -> CorpusPlan
    split_tags: SplitTags | None = None
    split_rule: Callable[[str, Mapping[str, int]], str | None] | None = None  # (config, row ids) -> tag
    split_names: tuple[str, ...] | None = (
        "train",
        "test",
    )  # None: the names the tags hold (empty ones dropped)
    config_classes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # configs on a class subset
    channels: int | Callable[[dict], int] = 3  # values per joint (a function of the convert options)
    homepage: str | None = None
    license_name: str = ""
    terms: str = ""
    bibtex: tuple[str, ...] = ()
    modality: str = "skeletons"
    official_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    research: bool = True
    descriptions: str | None = None  # block-format file under sugar_hf/knowledge/descriptions/
    description_count: int | None = (
        None  # how many leading records of that file are this corpus's (None: all)
    )

    def channels_for(self, options: Mapping) -> int:
        """Values per joint of the reader's output with these convert options."""
        return self.channels(dict(options)) if callable(self.channels) else int(self.channels)

    def tags(self, config: str, columns: Mapping[str, list], extra: dict) -> list[str | None] | None:
        """The split tag of every row for ``config`` (``None``: the config is not available)."""
        if self.split_tags is not None:
            return self.split_tags(config, columns, extra)
        if self.split_rule is None:
            raise KeyError(f"corpus {self.name!r} has no split rule")
        keys = [k for k in columns if k != "source"]
        count = len(columns["source"])
        return [self.split_rule(config, {k: columns[k][i] for k in keys}) for i in range(count)]


_REGISTRY: dict[str, CorpusSpec] = {}

CORPORA: Mapping[str, CorpusSpec] = MappingProxyType(_REGISTRY)
"""Corpus key (as in ``sugar-hf convert``) -> its :class:`CorpusSpec`: a read-only view of the registry."""


def register(spec: CorpusSpec) -> CorpusSpec:
    """Add a corpus to the registry (each corpus module calls this once for its spec)."""
    if spec.name in _REGISTRY:
        raise ValueError(f"corpus {spec.name!r} is registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def get_corpus(name: str) -> CorpusSpec:
    """The :class:`CorpusSpec` of a corpus key; ``KeyError`` naming the known keys otherwise."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown corpus {name!r}; known: {available_corpora()}")
    return _REGISTRY[name]


def available_corpora() -> list[str]:
    """Every registered corpus key, sorted."""
    return sorted(_REGISTRY)


def class_names(corpus: str) -> list[str]:
    """The official class names of a corpus in label order (label id = list index).

    ``KeyError`` for a corpus whose class list comes with its raw release (TSU) or CSV (``folder``)."""
    classes = get_corpus(corpus).classes
    if classes is None:
        raise KeyError(
            f"corpus {corpus!r} has no fixed class list: it is read from the raw data at conversion"
        )
    return list(classes)


def is_research_corpus(corpus: str) -> bool:
    """True for every published research corpus (all but the user's own ``folder`` data, and unknown keys)."""
    return _REGISTRY[corpus].research if corpus in _REGISTRY else True


def find_files(raw: Path, pattern: str) -> list[Path]:
    """Every file under ``raw`` matching ``pattern`` (recursively), sorted by file name."""
    return sorted(raw.rglob(pattern), key=lambda p: p.name)
