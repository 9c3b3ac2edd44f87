"""Skeleton readers (``readers/``: one module a file format, and :func:`~.readers.read_skeleton_file` to read
any of them by suffix), transforms and the preprocessing pipeline: everything that knows about raw files and
joints. The joint layouts themselves live in the flat module :mod:`sugar_hf.skeleton_layouts` (a saved model
folder copies it as remote code)."""
