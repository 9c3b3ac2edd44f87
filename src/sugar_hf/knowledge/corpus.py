"""The shipped description corpus: compile the hand-written sources to JSONL, and load it.

``python -m sugar_hf.knowledge.corpus`` rewrites ``descriptions/*.jsonl`` from ``sources/``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from .schema import BODY_PARTS, ClassDescription, DescriptionValidationError

DESCRIPTIONS_DIR = Path(__file__).parent / "descriptions"

#: Corpus keys (as in ``sugar_hf.data.class_names.CORPUS_CLASSES``) -> the JSONL file that holds them and how
#: many leading records belong to the corpus (``None``: all). NTU60 is the first 60 classes of NTU120.
CORPORA: dict[str, tuple[str, int | None]] = {
    "ntu60": ("ntu120.jsonl", 60),
    "ntu120": ("ntu120.jsonl", None),
    "pku_mmd": ("pku_mmd.jsonl", None),
    "toyota_smarthome": ("toyota_smarthome.jsonl", None),
    "nw_ucla": ("nw_ucla.jsonl", None),
    "utd_mhad": ("utd_mhad.jsonl", None),
    "utkinect": ("utkinect.jsonl", None),
}


def available_corpora() -> list[str]:
    """The corpus keys with shipped descriptions."""
    return list(CORPORA)


# ----------------------------------------------------------------------------------------------- JSONL I/O
def read_jsonl(path: str | os.PathLike, validate: bool = True) -> list[ClassDescription]:
    """Read a description JSONL file (one record a line). Raises on any malformed line, naming it."""
    out = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DescriptionValidationError(f"{path}:{number}: not JSON ({error})") from error
            try:
                desc = ClassDescription.from_dict(record)
            except DescriptionValidationError as error:
                if validate:
                    raise DescriptionValidationError(f"{path}:{number}: {error}") from error
                continue
            out.append(desc)
    return out


def write_jsonl(descriptions: Iterable[ClassDescription], path: str | os.PathLike) -> None:
    """Write records atomically (temporary file + rename): readers never see a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for desc in descriptions:
                handle.write(json.dumps(desc.validate().to_dict(), ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# -------------------------------------------------------------------------------------------------- loader
@cache
def _load_file(filename: str) -> tuple[ClassDescription, ...]:
    return tuple(read_jsonl(DESCRIPTIONS_DIR / filename))


def load_descriptions(corpus: str) -> list[ClassDescription]:
    """Every class of ``corpus`` in label order, each with six non-empty body parts and >= 4 visual texts.

    ``corpus`` is a key of :data:`CORPORA` (``ntu60``, ``ntu120``, ``pku_mmd``, ``toyota_smarthome``,
    ``nw_ucla``, ``utd_mhad``, ``utkinect``) or a path to a JSONL file of your own.
    """
    if corpus not in CORPORA:
        if os.path.exists(corpus):
            return read_jsonl(corpus)
        raise ValueError(f"no descriptions for corpus {corpus!r}; known: {', '.join(CORPORA)}")
    filename, count = CORPORA[corpus]
    records = _load_file(filename)[:count]
    out = []
    for label, desc in enumerate(records):
        copy = ClassDescription(**{**vars(desc), "motion": dict(desc.motion), "visual": list(desc.visual)})
        copy.synonyms, copy.corpus, copy.label = list(desc.synonyms), corpus, label
        out.append(copy)
    return out


def load_description_map(corpus: str) -> dict[str, ClassDescription]:
    """``{class name: description}`` for one corpus."""
    return {desc.name: desc for desc in load_descriptions(corpus)}


def descriptions_for(class_names: Sequence[str], corpus: str | None = None) -> list[ClassDescription]:
    """Descriptions for a list of class names, looked up in ``corpus`` or, without it, in every corpus
    (first match wins, NTU120 first). Raises ``KeyError`` naming every class that has none."""
    corpora = [corpus] if corpus else [c for c in CORPORA if c != "ntu60"]
    table: dict[str, ClassDescription] = {}
    for name in reversed(corpora):
        table.update(load_description_map(name))
    missing = [n for n in class_names if n not in table]
    if missing:
        raise KeyError(f"no description for {missing}; generate them with `sugar-hf describe generate`")
    return [table[n] for n in class_names]


# ----------------------------------------------------------------------------------------------- compiling
def parse_source(
    text: str, corpus: str, resolve: dict[str, dict[str, ClassDescription]]
) -> list[ClassDescription]:
    """Parse one hand-written source string (format in ``sources/__init__.py``)."""
    blocks: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@ "):
            blocks.append([line[2:].strip()])
        elif not blocks:
            raise ValueError(f"{corpus}: text before the first '@ class' line: {line!r}")
        else:
            blocks[-1].append(line)
    out = []
    for block in blocks:
        header, body = block[0], block[1:]
        if "<-" in header:
            name, ref = (s.strip() for s in header.split("<-", 1))
            ref_corpus, _, ref_name = ref.partition(":")
            base = resolve[ref_corpus.strip()][(ref_name or name).strip()]
            desc = ClassDescription(
                name=name, motion=dict(base.motion), visual=list(base.visual), synonyms=list(base.synonyms)
            )
            if ref_name and ref_name.strip() not in desc.synonyms:
                desc.synonyms.insert(0, ref_name.strip())
        else:
            name, motion, visual, synonyms = header, {}, [], []
            for line in body:
                key, sep, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if not sep:
                    raise ValueError(f"{corpus}/{name}: line without 'key:' {line!r}")
                if key == "syn":
                    synonyms = [s.strip() for s in value.split("|") if s.strip()]
                elif key == "vis":
                    visual.append(value)
                elif key in BODY_PARTS:
                    if key in motion:
                        raise ValueError(f"{corpus}/{name}: {key} given twice")
                    motion[key] = value
                else:
                    raise ValueError(f"{corpus}/{name}: unknown key {key!r}")
            desc = ClassDescription(name=name, motion=motion, visual=visual, synonyms=synonyms)
        desc.corpus, desc.label = corpus, len(out)
        try:
            desc.validate(check_rules=True)
        except DescriptionValidationError as error:
            raise ValueError(f"{corpus}: {error}") from error
        out.append(desc)
    return out


def compile_sources() -> dict[str, list[ClassDescription]]:
    """All corpora from ``sources/`` (NTU120 first, since other corpora reuse its records)."""
    from .sources import CORPUS_SOURCES

    compiled: dict[str, dict[str, ClassDescription]] = {}
    result: dict[str, list[ClassDescription]] = {}
    for corpus, texts in CORPUS_SOURCES.items():
        records: list[ClassDescription] = []
        for text in texts:
            for desc in parse_source(text, corpus, compiled):
                desc.label = len(records)
                records.append(desc)
        names = [d.name for d in records]
        if len(set(names)) != len(names):
            raise ValueError(f"{corpus}: duplicate class names")
        compiled[corpus] = {d.name: d for d in records}
        result[corpus] = records
    return result


def build_jsonl(output_dir: str | os.PathLike = DESCRIPTIONS_DIR) -> dict[str, Path]:
    """Compile the sources and write one JSONL file per corpus; returns ``{corpus: path}``."""
    paths = {}
    for corpus, records in compile_sources().items():
        path = Path(output_dir) / f"{corpus}.jsonl"
        write_jsonl(records, path)
        paths[corpus] = path
    _load_file.cache_clear()
    return paths


if __name__ == "__main__":
    for corpus, path in build_jsonl().items():
        print(f"{corpus}: {len(read_jsonl(path))} records -> {path}")
