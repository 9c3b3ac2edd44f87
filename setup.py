"""Optional C accelerator of the NTU ``.skeleton`` reader; all other metadata lives in pyproject.toml.

``optional=True``: where no C compiler is available the build still succeeds and
:func:`sugar_hf.skeleton.readers.read_ntu_skeleton` uses its pure-Python path (same results, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "sugar_hf.skeleton.readers._ntu_fast",
            sources=["src/sugar_hf/skeleton/readers/_ntu_fast.c"],
            optional=True,
        )
    ]
)
