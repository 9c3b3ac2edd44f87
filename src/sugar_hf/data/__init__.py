"""Corpus builders, official splits, class names, the torch dataset view and the collators.

Heavy imports (``datasets``, ``torch``) happen inside the functions that need them.
"""

from .builders import (
    CORPUS_LAYOUT,
    ConversionReport,
    build_corpus,
    build_folder,
    convert_corpus,
    make_split_configs,
    row_to_skeleton,
    sequence_to_row,
    skeleton_features,
)
from .class_names import CORPUS_CLASSES, TOYOTA_CV_CLASSES, class_names
from .collator import SkeletonCollator, SugarCollator
from .splits import SPLIT_CONFIGS, load_zero_shot_splits, ntu_split_names, split_of
from .torch_dataset import SkeletonTorchDataset

__all__ = [
    "CORPUS_CLASSES",
    "CORPUS_LAYOUT",
    "SPLIT_CONFIGS",
    "TOYOTA_CV_CLASSES",
    "ConversionReport",
    "SkeletonCollator",
    "SkeletonTorchDataset",
    "SugarCollator",
    "build_corpus",
    "build_folder",
    "class_names",
    "convert_corpus",
    "load_zero_shot_splits",
    "make_split_configs",
    "ntu_split_names",
    "row_to_skeleton",
    "sequence_to_row",
    "skeleton_features",
    "split_of",
]
