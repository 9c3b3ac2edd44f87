"""Corpus conversion (builders), official splits, the torch dataset view and the collators.

What is specific to each corpus (files, reader, classes, splits, licence) lives in :mod:`sugar_hf.corpora`,
with the row schema (:mod:`sugar_hf.corpora.rows`). Heavy imports (``datasets``, ``torch``) happen inside the
functions that need them.
"""

from .builders import (
    ConversionReport,
    build_corpus,
    build_folder,
    convert_corpus,
    make_split_configs,
)
from .collator import SkeletonCollator, SugarCollator
from .splits import load_zero_shot_splits, ntu_split_names, split_of
from .torch_dataset import SkeletonTorchDataset

__all__ = [
    "ConversionReport",
    "SkeletonCollator",
    "SkeletonTorchDataset",
    "SugarCollator",
    "build_corpus",
    "build_folder",
    "convert_corpus",
    "load_zero_shot_splits",
    "make_split_configs",
    "ntu_split_names",
    "split_of",
]
