"""UTD-MHAD: Kinect v1 skeletons (20 joints) in ``aXX_sYY_tZZ_skeleton.mat`` files, one person.

Class names: the paper's list of the 27 actions; cross-subject protocol: odd subjects train, even ones test.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import read_utd_mhad
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import sequence_to_row

UTD_MHAD_CLASSES = (
    "right arm swipe to the left",
    "right arm swipe to the right",
    "right hand wave",
    "two hand front clap",
    "right arm throw",
    "cross arms in the chest",
    "basketball shoot",
    "right hand draw x",
    "right hand draw circle (clockwise)",
    "right hand draw circle (counter clockwise)",
    "draw triangle",
    "bowling (right hand)",
    "front boxing",
    "baseball swing from right",
    "tennis right hand forehand swing",
    "arm curl (two arms)",
    "tennis serve",
    "two hand push",
    "right hand knock on door",
    "right hand catch an object",
    "right hand pick up and throw",
    "jogging in place",
    "walking in place",
    "sit to stand",
    "stand to sit",
    "forward lunge (left foot forward)",
    "squat (two arms stretch out)",
)
"""The 27 UTD-MHAD actions in label order (a1 ... a27)."""


def _task(path: str, opts: dict) -> list[dict]:
    # a corpus file must name its action (aXX_sYY_tZZ_skeleton.mat); a lone file read elsewhere need not
    return [sequence_to_row(read_utd_mhad(path, require_label=True), Path(path).name)]


def _plan(raw: Path, **_) -> CorpusPlan:
    return CorpusPlan([str(p) for p in find_files(raw, "*.mat")], {}, list(UTD_MHAD_CLASSES))


def _split(config: str, ids: Mapping[str, int]) -> str | None:
    if config == "xsub":
        return "train" if ids["subject"] % 2 == 1 else "test"
    raise KeyError(f"no id-based split {config!r} for corpus 'utd_mhad'; known: ('xsub',)")


register(
    CorpusSpec(
        name="utd_mhad",
        pretty_name="UTD-MHAD (skeletons)",
        description="27 actions by 8 subjects, 4 trials each, 861 sequences; 20 Kinect v1 joints, one person.",
        layout="utd_mhad20",
        classes=UTD_MHAD_CLASSES,
        split_configs=("xsub",),
        task=_task,
        plan=_plan,
        split_rule=_split,
        homepage="https://personal.utdallas.edu/~kehtar/UTD-MHAD.html",
        license_name="utd-mhad-research-use",
        terms="Made freely available by the authors for research with the request to cite the paper; the "
        "terms do not grant redistribution.",
        bibtex=(
            """@inproceedings{chen2015utdmhad,
  title     = {{UTD-MHAD}: A Multimodal Dataset for Human Action Recognition Utilizing a Depth Camera and a
               Wearable Inertial Sensor},
  author    = {Chen, Chen and Jafari, Roozbeh and Kehtarnavaz, Nasser},
  booktitle = {Proceedings of the IEEE International Conference on Image Processing (ICIP)},
  year      = {2015}
}""",
        ),
        modality="3D skeletons (Kinect v1, 20 joints)",
        official_counts={"xsub": {"train": 431, "test": 430}},
        descriptions="utd_mhad.txt",
    )
)
