"""The description corpus as Hugging Face ``datasets``: one config per corpus, one ``train`` split each."""

from __future__ import annotations

from collections.abc import Sequence

from .corpus import available_corpora, load_descriptions
from .schema import BODY_PARTS


def description_features():
    """``datasets.Features`` of a description row."""
    from datasets import Features, Value

    try:
        from datasets import List
    except ImportError:  # datasets < 4
        from datasets import Sequence as List

    return Features(
        {
            "corpus": Value("string"),
            "label": Value("int32"),
            "name": Value("string"),
            "synonyms": List(Value("string")),
            "motion": {part: Value("string") for part in BODY_PARTS},
            "motion_text": Value("string"),
            "visual": List(Value("string")),
            "source": Value("string"),
        }
    )


def descriptions_dataset(corpus: str):
    """A ``datasets.Dataset`` with one row per class of ``corpus`` (label order)."""
    from datasets import Dataset

    rows = []
    for desc in load_descriptions(corpus):
        row = desc.to_dict()
        row["motion_text"] = desc.motion_text()
        rows.append(row)
    return Dataset.from_list(rows, features=description_features())


def descriptions_datasets(corpora: Sequence[str] | None = None) -> dict:
    """``{corpus: DatasetDict({"train": Dataset})}`` for the given (default: all) corpora."""
    from datasets import DatasetDict

    return {c: DatasetDict({"train": descriptions_dataset(c)}) for c in (corpora or available_corpora())}
