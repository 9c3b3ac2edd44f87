"""Corpus builders, official splits, class names, the torch dataset view and the collators."""

from .class_names import CORPUS_CLASSES, class_names

__all__ = ["CORPUS_CLASSES", "class_names"]
