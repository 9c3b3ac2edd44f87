"""Skeleton layouts (re-exported from :mod:`sugar_hf.skeleton_layouts`).

The definitions live in a top-level module so that a saved model folder, loaded with
``trust_remote_code=True``, can import them without the rest of the package.
"""

from ..skeleton_layouts import (  # noqa: F401
    BODY_PARTS,
    COCO17,
    KINECT_V1_20,
    LAYOUTS,
    NTU25,
    TOYOTA13,
    UTD_MHAD_20,
    SkeletonLayout,
    custom_layout,
    get_layout,
)
