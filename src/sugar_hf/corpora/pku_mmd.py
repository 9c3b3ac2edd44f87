"""PKU-MMD Phase 1: untrimmed Kinect v2 videos (three views) cut into their labelled action segments.

Class names: ``Actions.xlsx`` of the release. The split configs come from the release's ``cross-subject.txt``
and ``cross-view.txt`` name lists (a config whose list is absent is not written).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import (
    SkeletonFormatError,
    cut_clips,
    read_pku_labels,
    read_pku_skeleton,
    read_pku_split,
)
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import keep_present, sequence_to_row

PKU_MMD_CLASSES = (
    "bow",
    "brushing hair",
    "brushing teeth",
    "check time (from watch)",
    "cheer up",
    "clapping",
    "cross hands in front (say stop)",
    "drink water",
    "drop",
    "eat meal/snack",
    "falling",
    "giving something to other person",
    "hand waving",
    "handshaking",
    "hopping (one foot jumping)",
    "hugging other person",
    "jump up",
    "kicking other person",
    "kicking something",
    "make a phone call/answer phone",
    "pat on back of other person",
    "pickup",
    "playing with phone/tablet",
    "point finger at the other person",
    "pointing to something with finger",
    "punching/slapping other person",
    "pushing other person",
    "put on a hat/cap",
    "put something inside pocket",
    "reading",
    "rub two hands together",
    "salute",
    "sitting down",
    "standing up",
    "take off a hat/cap",
    "take off glasses",
    "take off jacket",
    "take out something from pocket",
    "taking a selfie",
    "tear up paper",
    "throw",
    "touch back (backache)",
    "touch chest (stomachache/heart pain)",
    "touch head (headache)",
    "touch neck (neckache)",
    "typing on a keyboard",
    "use a fan (with hand or paper)/feeling warm",
    "wear jacket",
    "wear on glasses",
    "wipe face",
    "writing",
)
"""The 51 PKU-MMD actions in label order."""

SPLIT_FILES = {"xsub": "cross-subject.txt", "xview": "cross-view.txt"}


def _task(path: str, opts: dict) -> list[dict]:
    label_path = Path(opts["label_dir"]) / Path(path).name
    if not label_path.exists():
        raise SkeletonFormatError(path, None, f"no label file {label_path}")
    seq = read_pku_skeleton(path)
    view = {"L": 1, "M": 2, "R": 3}.get(seq.meta.get("view", ""), -1)
    rows = []
    for clip in cut_clips(seq, read_pku_labels(label_path), label_path):
        clip.data = keep_present(clip.data)
        clip.meta.update(view=view, camera=view)
        rows.append(sequence_to_row(clip, seq.name))
    return rows


def _plan(raw: Path, label_dir: str | Path | None = None, **_) -> CorpusPlan:
    """The skeleton ``.txt`` files (in a ``skeleton*`` folder), the label folder and the split name lists."""
    skel = [
        p
        for p in find_files(raw, "*.txt")
        if p.parent.name.lower().startswith("skeleton") or "skeleton" in p.parent.name.lower()
    ]
    label_dir = label_dir or next(
        (p for p in raw.rglob("*") if p.is_dir() and p.name.lower().startswith("label")), raw
    )
    splits = {}
    for config, filename in SPLIT_FILES.items():
        found = find_files(raw, filename)
        if found:
            splits[config] = read_pku_split(found[0])
    return CorpusPlan(
        [str(p) for p in skel], {"label_dir": str(label_dir)}, list(PKU_MMD_CLASSES), extra={"splits": splits}
    )


def _split_tags(config: str, columns: Mapping[str, list], extra: dict) -> list[str | None] | None:
    """Rows by their video's name in the official list of ``config`` (``None``: that list was not found)."""
    if config not in extra.get("splits", {}):
        return None
    train, test = (set(x) for x in extra["splits"][config])
    return ["train" if s in train else ("test" if s in test else None) for s in columns["source"]]


register(
    CorpusSpec(
        name="pku_mmd",
        pretty_name="PKU-MMD Phase 1 (skeletons, trimmed segments)",
        description="51 action classes in 1,076 untrimmed Kinect v2 videos (three views); sugar-hf cuts the "
        "labelled segments into clips.",
        layout="ntu25",
        classes=PKU_MMD_CLASSES,
        split_configs=("xsub", "xview"),
        task=_task,
        plan=_plan,
        split_tags=_split_tags,
        homepage="https://www.icst.pku.edu.cn/struct/Projects/PKUMMD.html",
        license_name="pku-mmd-research-agreement",
        terms="Distributed by Peking University for academic, non-commercial research after a request to the "
        "authors. Do not republish without their permission.",
        bibtex=(
            """@article{liu2017pkummd,
  title   = {{PKU-MMD}: A Large Scale Benchmark for Continuous Multi-Modal Human Action Understanding},
  author  = {Liu, Chunhui and Hu, Yueyu and Li, Yanghao and Song, Sijie and Liu, Jiaying},
  journal = {arXiv preprint arXiv:1703.07475},
  year    = {2017}
}""",
        ),
        modality="3D skeletons (Kinect v2, 25 joints)",
        descriptions="pku_mmd.txt",
    )
)
