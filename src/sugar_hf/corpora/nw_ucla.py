"""Northwestern-UCLA Multiview Action 3D: Kinect v1 skeletons (20 joints), one JSON per sequence (``all_sqe``).

Class names: the paper's list of the 10 actions; cross-view protocol: views 1 and 2 train, view 3 tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import read_nw_ucla
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import sequence_to_row

NW_UCLA_CLASSES = (
    "pick up with one hand",
    "pick up with two hands",
    "drop trash",
    "walk around",
    "sit down",
    "stand up",
    "donning",
    "doffing",
    "throw",
    "carry",
)
"""The 10 NW-UCLA actions in label order."""

NW_UCLA_ACTION_IDS = (1, 2, 3, 4, 5, 6, 8, 9, 11, 12)
"""NW-UCLA file action ids ``aXX`` in class order (label 1..10 of ``all_sqe`` = index + 1)."""


def _task(path: str, opts: dict) -> list[dict]:
    return [sequence_to_row(read_nw_ucla(path), Path(path).name)]


def _plan(raw: Path, **_) -> CorpusPlan:
    return CorpusPlan([str(p) for p in find_files(raw, "*.json")], {}, list(NW_UCLA_CLASSES))


def _split(config: str, ids: Mapping[str, int]) -> str | None:
    if config == "xview":
        return "train" if ids["view"] in (1, 2) else "test"
    raise KeyError(f"no id-based split {config!r} for corpus 'nw_ucla'; known: ('xview',)")


register(
    CorpusSpec(
        name="nw_ucla",
        pretty_name="Northwestern-UCLA Multiview Action 3D (skeletons)",
        description="10 actions by 10 subjects seen by three Kinect v1 views at once, 1,484 sequences; 20 joints, "
        "one person.",
        layout="kinect_v1_20",
        classes=NW_UCLA_CLASSES,
        split_configs=("xview",),
        task=_task,
        plan=_plan,
        split_rule=_split,
        homepage=None,
        license_name="nw-ucla-research-use",
        terms="Released by the authors for research use; the terms do not grant redistribution. Cite the paper "
        "and do not republish without the authors' permission.",
        bibtex=(
            """@inproceedings{wang2014nwucla,
  title     = {Cross-view Action Modeling, Learning and Recognition},
  author    = {Wang, Jiang and Nie, Xiaohan and Xia, Yin and Wu, Ying and Zhu, Song-Chun},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)},
  year      = {2014}
}""",
        ),
        modality="3D skeletons (Kinect v1, 20 joints)",
        official_counts={"xview": {"train": 1020, "test": 464}},
        descriptions="nw_ucla.txt",
    )
)
