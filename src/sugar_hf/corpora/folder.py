"""The user's own corpus: a folder of ``.npy`` / ``.npz`` arrays, or of pose-estimator exports (``--format``),
listed in a labels CSV (``sugar-hf convert folder``). Its layout, classes and splits come from the conversion's
options and the CSV, so the spec holds only the reader task, the one config ``csv`` (its splits are the CSV's, see ``sugar_hf.data.builders.folder_splits``)
and what a dataset card says about data that is not a published research corpus.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import SkeletonFormatError, read_array, read_pose_export
from ..skeleton.readers.pose_exports import DEFAULT_MAX_PERSONS, POSE_FORMATS
from ..skeleton_layouts import SkeletonLayout, get_layout
from ._registry import CorpusSpec, register
from .rows import sequence_to_row

# -- pose-estimator exports (``convert folder --format ...``) -------------------------------------------------
# What an export does not say is settled once for the whole conversion: the joint layout and channel count come
# from the first readable export unless --layout / --channels say otherwise, and the positions count
# (coordinate_channels: 2 for x, y, score; 3 for MediaPipe's x, y, z, visibility) is recorded, so training never
# centres or rotates a score. Each clip's tracking report comes back with its row into the conversion report.

FOLDER_FORMATS: tuple[str, ...] = ("array", "auto", *POSE_FORMATS)
"""``--format`` of ``convert folder``: ``array`` (``.npy`` / ``.npz``), ``auto`` (arrays by suffix, exports by
content) or one export format."""

ARRAY_SUFFIXES = (".npy", ".npz")


def check_format(fmt: str | None) -> str:
    fmt = fmt or "array"
    if fmt not in FOLDER_FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FOLDER_FORMATS)}, got {fmt!r}")
    return fmt


def is_array(path: str | Path, fmt: str) -> bool:
    """Whether ``path`` is read as an array under ``--format fmt``."""
    return fmt == "array" or (fmt == "auto" and Path(path).suffix.lower() in ARRAY_SUFFIXES and Path(path).is_file())


def read_export(path: str, fmt: str, layout: SkeletonLayout | None, max_persons: int = DEFAULT_MAX_PERSONS):
    """One export as a :class:`SkeletonSequence` (``fmt`` ``auto``: by content)."""
    return read_pose_export(path, format=fmt, layout=layout, max_persons=max_persons)


def probe_exports(paths: list[str], fmt: str, layout: str | SkeletonLayout | dict | None,
                  max_persons: int = DEFAULT_MAX_PERSONS) -> dict:  # fmt: skip
    """``{"layout", "channels", "coordinate_channels", "format", "why"}`` of the first readable export of
    ``paths`` (``layout`` given: checked against it). Raises ``ValueError`` with the first reasons when no
    export is readable."""
    lay = None if layout in (None, "auto") else get_layout(layout)
    reasons = []
    for p in paths:
        if is_array(p, fmt):
            continue
        try:
            seq = read_export(p, fmt, lay, max_persons)
        except SkeletonFormatError as exc:
            reasons.append(str(exc))
            if len(reasons) >= 3:
                break
            continue
        return {"layout": lay or get_layout(seq.layout), "channels": int(seq.data.shape[-1]),
                "coordinate_channels": int(seq.meta["coordinate_channels"]), "format": seq.meta["format"],
                "why": f"set by the first readable export, {Path(p).name} ({seq.meta['format']}: "
                       f"{', '.join(seq.meta['channels'])})"}  # fmt: skip
    more = f": {'; '.join(reasons)}" if reasons else " (no export among the listed files)"
    raise ValueError(f"--format {fmt}: no listed export could be read{more}")


def _task(path: str, opts: dict) -> list[dict]:
    root = opts.get("root")
    if root and not Path(path).resolve().is_relative_to(root):  # the plan checked it; the file may have moved
        raise SkeletonFormatError(path, None, "resolves outside the raw folder: refused")
    fmt = opts.get("format", "array")
    if fmt != "array" and not is_array(path, fmt):  # a pose-estimator export (``convert folder --format``)
        seq = read_export(path, fmt, opts["layout"], opts.get("max_persons", 2))
        if seq.layout != opts["layout"].name:
            raise SkeletonFormatError(path, None, f"an export in layout {seq.layout!r}, the corpus is {opts['layout'].name!r}")
    else:
        seq = read_array(path, opts["layout"])
    meta = opts["row"]
    seq.label = meta["label"]
    seq.meta.update(meta["ids"])
    row = sequence_to_row(seq, meta["source"])
    row.update({f"{key}_name": value for key, value in meta["names"].items()})
    if "tracking" in seq.meta:
        row["_tracking"] = seq.meta["tracking"]  # taken off the row by the builder, into the report
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
