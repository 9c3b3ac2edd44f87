"""One module per corpus, each registering a :class:`CorpusSpec` that holds everything about that corpus.

Adding a corpus is one module here (``register(CorpusSpec(...))``, imported below) plus its
``datasets_scripts/convert_<corpus>.py``; the converter, the split cutting, the Hub cards and the shipped
descriptions all read the spec. This package imports only the skeleton layer (readers, layouts, transforms).
"""

from ._registry import (
    CORPORA,
    CorpusPlan,
    CorpusSpec,
    available_corpora,
    class_names,
    find_files,
    get_corpus,
    is_research_corpus,
    register,
)
from .rows import ID_COLUMNS, row_to_skeleton, sequence_to_row, skeleton_features

# isort: off
# each module registers its corpus; this order is the order in which the corpora are listed (cards, CLI)
from . import ntu, pku_mmd, toyota_smarthome, tsu, nw_ucla, utd_mhad, utkinect, folder  # noqa: F401
# isort: on

__all__ = [
    "CORPORA",
    "ID_COLUMNS",
    "CorpusPlan",
    "CorpusSpec",
    "available_corpora",
    "class_names",
    "find_files",
    "get_corpus",
    "is_research_corpus",
    "register",
    "row_to_skeleton",
    "sequence_to_row",
    "skeleton_features",
]
