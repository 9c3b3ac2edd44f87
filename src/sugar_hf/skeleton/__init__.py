"""Skeleton layouts, readers and transforms: everything that knows about joints and raw files."""

from .layouts import BODY_PARTS, LAYOUTS, SkeletonLayout, custom_layout, get_layout

__all__ = ["BODY_PARTS", "LAYOUTS", "SkeletonLayout", "custom_layout", "get_layout"]
