"""The shipped description corpus: hand-written block-format text files, parsed (and cached) at load.

Each corpus whose spec (:mod:`sugar_hf.corpora`) names a description file has one in ``descriptions/``
(``<corpus>.txt``; NTU60 is the first 60 records of ``ntu120.txt``). The block format, one block per class in
label order, blank lines between blocks and ``#`` comment lines ignored::

    @ class name
    syn: synonym one | synonym two
    head: ...            (one line each for head, hands, arms, hips, legs, feet)
    vis: ...             (one line per visual description, at least four)

    @ class name <- ntu120                    (reuse the record of the same name in another corpus)
    @ class name <- ntu120:other class name   (reuse a record under another name)

Every record is validated when its file is parsed (six body parts, four visual texts, no clothing / colour /
background words). Your own descriptions are JSONL files (:func:`read_jsonl`, :func:`write_jsonl`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

from ..corpora import CORPORA, get_corpus
from .schema import BODY_PARTS, ClassDescription, DescriptionValidationError

DESCRIPTIONS_DIR = Path(__file__).parent / "descriptions"


def available_corpora() -> list[str]:
    """The corpus keys with shipped descriptions (in registry order)."""
    return [name for name, spec in CORPORA.items() if spec.descriptions]


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
    path = DESCRIPTIONS_DIR / filename
    return tuple(parse_source(path.read_text(encoding="utf-8"), path.stem, _records_of, where=str(path)))


@cache
def _records_of(corpus: str) -> dict[str, ClassDescription]:
    """``{class name: record}`` of a corpus's description file (what ``<- corpus`` refers to; read-only)."""
    filename = get_corpus(corpus).descriptions
    if filename is None:
        raise KeyError(f"corpus {corpus!r} has no shipped descriptions")
    return {desc.name: desc for desc in _load_file(filename)}


def load_descriptions(corpus: str) -> list[ClassDescription]:
    """Every class of ``corpus`` in label order, each with six non-empty body parts and >= 4 visual texts.

    ``corpus`` is one of :func:`available_corpora` (``ntu60``, ``ntu120``, ``pku_mmd``, ``toyota_smarthome``,
    ``nw_ucla``, ``utd_mhad``, ``utkinect``) or a path to a JSONL file of your own.
    """
    if corpus not in available_corpora():
        if os.path.exists(corpus):
            return read_jsonl(corpus)
        raise ValueError(f"no descriptions for corpus {corpus!r}; known: {', '.join(available_corpora())}")
    spec = get_corpus(corpus)
    records = _load_file(spec.descriptions)[: spec.description_count]
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
    (first match wins, NTU120 first; a corpus that is a prefix of another's file, NTU60, is not searched).
    Raises ``KeyError`` naming every class that has none."""
    corpora = (
        [corpus] if corpus else [c for c in available_corpora() if get_corpus(c).description_count is None]
    )
    table: dict[str, ClassDescription] = {}
    for name in reversed(corpora):
        table.update(load_description_map(name))
    missing = [n for n in class_names if n not in table]
    if missing:
        raise KeyError(f"no description for {missing}; generate them with `sugar-hf describe generate`")
    return [table[n] for n in class_names]


# ------------------------------------------------------------------------------------------------- parsing
def parse_source(
    text: str, corpus: str, resolve: Callable[[str], Mapping[str, ClassDescription]], where: str = ""
) -> list[ClassDescription]:
    """Parse block-format text (see the module docstring) into validated records labelled in order.

    ``resolve(corpus)`` gives the ``{name: record}`` a ``<- corpus`` block reuses; errors name ``where``
    (the file) and the line."""
    where = where or corpus
    out = []
    for line_number, block in _blocks(text, where):
        try:
            desc = _block_record(block, resolve)
            desc.corpus, desc.label = corpus, len(out)
            desc.validate(check_rules=True)
        except (ValueError, KeyError) as error:
            raise ValueError(f"{where}:{line_number}: {error}") from error
        out.append(desc)
    names = [d.name for d in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: duplicate class names")
    return out


def _blocks(text: str, where: str) -> list[tuple[int, list[str]]]:
    """``(line number of the '@' header, [header, body lines...])`` per block; blank and ``#`` lines dropped."""
    blocks: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@ "):
            blocks.append((number, [line[2:].strip()]))
        elif not blocks:
            raise ValueError(f"{where}:{number}: text before the first '@ class' line: {line!r}")
        else:
            blocks[-1][1].append(line)
    return blocks


def _block_record(
    block: list[str], resolve: Callable[[str], Mapping[str, ClassDescription]]
) -> ClassDescription:
    """One block: a reference to another corpus's record (``name <- corpus[:name]``) or the record written out."""
    header, body = block[0], block[1:]
    if "<-" in header:
        name, ref = (s.strip() for s in header.split("<-", 1))
        ref_corpus, _, ref_name = ref.partition(":")
        base = resolve(ref_corpus.strip())[(ref_name or name).strip()]
        desc = ClassDescription(
            name=name, motion=dict(base.motion), visual=list(base.visual), synonyms=list(base.synonyms)
        )
        if ref_name and ref_name.strip() not in desc.synonyms:
            desc.synonyms.insert(0, ref_name.strip())
        return desc
    name, motion, visual, synonyms = header, {}, [], []
    for line in body:
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep:
            raise ValueError(f"{name}: line without 'key:' {line!r}")
        if key == "syn":
            synonyms = [s.strip() for s in value.split("|") if s.strip()]
        elif key == "vis":
            visual.append(value)
        elif key in BODY_PARTS:
            if key in motion:
                raise ValueError(f"{name}: {key} given twice")
            motion[key] = value
        else:
            raise ValueError(f"{name}: unknown key {key!r}")
    return ClassDescription(name=name, motion=motion, visual=visual, synonyms=synonyms)
