"""The user's own corpus: a folder of ``.npy`` / ``.npz`` arrays listed in a labels CSV (``sugar-hf convert
folder``). Its layout, classes and splits come from the conversion's options and the CSV, so the spec holds only
the reader task, the one config ``csv`` (its splits are the CSV's, see ``sugar_hf.data.builders.folder_splits``)
and what a dataset card says about data that is not a published research corpus.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..skeleton.readers import read_array
from ._registry import CorpusSpec, register
from .rows import sequence_to_row


def _task(path: str, opts: dict) -> list[dict]:
    seq = read_array(path, opts["layout"])
    meta = opts["row"]
    seq.label = meta["label"]
    seq.meta.update(meta["ids"])
    row = sequence_to_row(seq, meta["source"])
    row.update({f"{key}_name": value for key, value in meta["names"].items()})
    return [row]


def _split_tags(config: str, columns: Mapping[str, list], extra: dict) -> list[str]:
    """Each row's split from the conversion (``extra["splits"]``: CSV file -> split; default ``train``)."""
    return [extra["splits"].get(n, "train") for n in columns["source"]]


register(
    CorpusSpec(
        name="folder",
        pretty_name="Skeleton clips (user folder)",
        description="Skeleton clips converted from a folder of arrays with a labels CSV.",
        layout=None,
        classes=None,
        split_configs=("csv",),
        task=_task,
        split_tags=_split_tags,
        split_names=None,
        homepage=None,
        license_name="",
        terms="Set by the owner of the data.",
        bibtex=(),
        modality="skeletons",
        research=False,
    )
)
