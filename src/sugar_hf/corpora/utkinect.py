"""UTKinect-Action3D: Kinect v1 skeletons (20 joints), one ``joints_sXX_eYY.txt`` per recording, cut into the
segments of ``actionLabel.txt``.

Class names: the reader's ``UTK_CLASSES`` (it maps the label file's names to these ids); cross-subject protocol:
odd subjects train, even ones test.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import (
    SkeletonFormatError,
    cut_utkinect_clips,
    read_utkinect_joints,
    read_utkinect_labels,
)
from ..skeleton.readers.utkinect import UTK_CLASSES
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import sequence_to_row


def _task(path: str, opts: dict) -> list[dict]:
    rec = read_utkinect_joints(path)
    key = rec.name.replace("joints_", "")
    if key not in opts["labels"]:
        raise SkeletonFormatError(path, None, f"{key} is not in the label file")
    return [
        sequence_to_row(c, rec.name) for c in cut_utkinect_clips(rec, opts["labels"][key], opts["label_path"])
    ]


def _plan(raw: Path, label_file: str | Path | None = None, **_) -> CorpusPlan:
    """The ``joints_*.txt`` recordings and the segments of ``actionLabel.txt`` (or ``label_file``)."""
    label_path = label_file or next(iter(find_files(raw, "actionLabel.txt")), None)
    if label_path is None:
        raise FileNotFoundError(f"no actionLabel.txt under {raw}")
    files = [str(p) for p in find_files(raw, "joints_*.txt")]
    return CorpusPlan(
        files,
        {"labels": read_utkinect_labels(label_path), "label_path": str(label_path)},
        list(UTK_CLASSES),
    )


def _split(config: str, ids: Mapping[str, int]) -> str | None:
    if config == "xsub":
        return "train" if ids["subject"] % 2 == 1 else "test"
    raise KeyError(f"no id-based split {config!r} for corpus 'utkinect'; known: ('xsub',)")


register(
    CorpusSpec(
        name="utkinect",
        pretty_name="UTKinect-Action3D (skeletons)",
        description="10 actions by 10 subjects, two recordings each, 199 labelled segments; 20 Kinect v1 joints.",
        layout="kinect_v1_20",
        classes=tuple(UTK_CLASSES),
        split_configs=("xsub",),
        task=_task,
        plan=_plan,
        split_rule=_split,
        homepage="http://cvrc.ece.utexas.edu/KinectDatasets/HOJ3D.html",
        license_name="utkinect-research-use",
        terms="Released by the authors for research use; the terms do not grant redistribution.",
        bibtex=(
            """@inproceedings{xia2012utkinect,
  title     = {View Invariant Human Action Recognition Using Histograms of {3D} Joints},
  author    = {Xia, Lu and Chen, Chia-Chih and Aggarwal, J. K.},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition Workshops},
  year      = {2012}
}""",
        ),
        modality="3D skeletons (Kinect v1, 20 joints)",
        official_counts={"xsub": {"train": 100, "test": 99}},
        descriptions="utkinect.txt",
    )
)
