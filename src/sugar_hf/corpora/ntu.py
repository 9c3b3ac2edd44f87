"""NTU RGB+D 60 and NTU RGB+D 120: Kinect v2 ``.skeleton`` files, 25 joints, up to two bodies.

NTU60 is the first 60 actions (and class names) of NTU120; both skip the samples on the official
missing-skeleton list (``NTU_RGBD[120]_samples_with_missing_skeletons.txt``, found under the raw folder).
Class names: ``ntu120_class_names.tsv`` of the official NTURGB-D README.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import parse_ntu_name, read_name_list, read_ntu_skeleton
from ..skeleton.transforms import denoise_bodies
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import keep_present, sequence_to_row

NTU120_CLASSES = (
    "drink water",
    "eat meal/snack",
    "brushing teeth",
    "brushing hair",
    "drop",
    "pickup",
    "throw",
    "sitting down",
    "standing up (from sitting position)",
    "clapping",
    "reading",
    "writing",
    "tear up paper",
    "wear jacket",
    "take off jacket",
    "wear a shoe",
    "take off a shoe",
    "wear on glasses",
    "take off glasses",
    "put on a hat/cap",
    "take off a hat/cap",
    "cheer up",
    "hand waving",
    "kicking something",
    "reach into pocket",
    "hopping (one foot jumping)",
    "jump up",
    "make a phone call/answer phone",
    "playing with phone/tablet",
    "typing on a keyboard",
    "pointing to something with finger",
    "taking a selfie",
    "check time (from watch)",
    "rub two hands together",
    "nod head/bow",
    "shake head",
    "wipe face",
    "salute",
    "put the palms together",
    "cross hands in front (say stop)",
    "sneeze/cough",
    "staggering",
    "falling",
    "touch head (headache)",
    "touch chest (stomachache/heart pain)",
    "touch back (backache)",
    "touch neck (neckache)",
    "nausea or vomiting condition",
    "use a fan (with hand or paper)/feeling warm",
    "punching/slapping other person",
    "kicking other person",
    "pushing other person",
    "pat on back of other person",
    "point finger at the other person",
    "hugging other person",
    "giving something to other person",
    "touch other person's pocket",
    "handshaking",
    "walking towards each other",
    "walking apart from each other",
    "put on headphone",
    "take off headphone",
    "shoot at the basket",
    "bounce ball",
    "tennis bat swing",
    "juggling table tennis balls",
    "hush (quite)",
    "flick hair",
    "thumb up",
    "thumb down",
    "make ok sign",
    "make victory sign",
    "staple book",
    "counting money",
    "cutting nails",
    "cutting paper (using scissors)",
    "snapping fingers",
    "open bottle",
    "sniff (smell)",
    "squat down",
    "toss a coin",
    "fold paper",
    "ball up paper",
    "play magic cube",
    "apply cream on face",
    "apply cream on hand back",
    "put on bag",
    "take off bag",
    "put something into a bag",
    "take something out of a bag",
    "open a box",
    "move heavy objects",
    "shake fist",
    "throw up cap/hat",
    "hands up (both hands)",
    "cross arms",
    "arm circles",
    "arm swings",
    "running on the spot",
    "butt kicks (kick backward)",
    "cross toe touch",
    "side kick",
    "yawn",
    "stretch oneself",
    "blow nose",
    "hit other person with something",
    "wield knife towards other person",
    "knock over other person (hit with body)",
    "grab other person\u2019s stuff",
    "shoot at other person with a gun",
    "step on foot",
    "high-five",
    "cheers and drink",
    "carry something with other person",
    "take a photo of other person",
    "follow other person",
    "whisper in other person\u2019s ear",
    "exchange things with other person",
    "support somebody with hand",
    "finger-guessing game (playing rock-paper-scissors)",
)
"""The 120 NTU RGB+D 120 actions in label order (A001 ... A120); NTU60 is the first 60."""

NTU60_XSUB_TRAIN_SUBJECTS = frozenset(
    (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38)
)  # fmt: skip
"""NTU RGB+D 60 cross-subject training subjects (Shahroudy et al., CVPR 2016)."""

NTU120_XSUB_TRAIN_SUBJECTS = NTU60_XSUB_TRAIN_SUBJECTS | frozenset(
    (45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93,
     94, 95, 97, 98, 100, 103)
)  # fmt: skip
"""NTU RGB+D 120 cross-subject training subjects (Liu et al., TPAMI 2020)."""

_NTU60_BIBTEX = """@inproceedings{shahroudy2016ntu,
  title     = {{NTU RGB+D}: A Large Scale Dataset for {3D} Human Activity Analysis},
  author    = {Shahroudy, Amir and Liu, Jun and Ng, Tian-Tsong and Wang, Gang},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)},
  year      = {2016}
}"""

_NTU120_BIBTEX = """@article{liu2020ntu120,
  title   = {{NTU RGB+D 120}: A Large-Scale Benchmark for {3D} Human Activity Understanding},
  author  = {Liu, Jun and Shahroudy, Amir and Perez, Mauricio and Wang, Gang and Duan, Ling-Yu and Kot, Alex C.},
  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence},
  year    = {2020}
}"""

_NTU_TERMS = (
    "NTU RGB+D and NTU RGB+D 120 are distributed by the ROSE Lab (Nanyang Technological University) under a "
    "release agreement for non-commercial academic research. The agreement does not permit redistribution: "
    "only share a converted copy with people who have signed it themselves (e.g. a private or gated repo)."
)
_HOMEPAGE = "https://rose1.ntu.edu.sg/dataset/actionRecognition/"
_MODALITY = "3D skeletons (Kinect v2, 25 joints)"


def _task(path: str, opts: dict) -> list[dict]:
    seq = read_ntu_skeleton(path)
    seq.data = keep_present(denoise_bodies(seq.data, max_bodies=opts.get("max_bodies", 2)))
    return [sequence_to_row(seq, Path(path).name)]


def _plan(corpus: str, raw: Path, missing_list: str | Path | None = None, **_) -> CorpusPlan:
    """The ``.skeleton`` files (NTU60: actions 1..60) minus those on the official missing-skeleton list."""
    files = [
        p
        for p in find_files(raw, "*.skeleton")
        if corpus == "ntu120" or parse_ntu_name(p.name)["action"] <= 60
    ]
    if missing_list is None:
        found = find_files(raw, "*samples_with_missing_skeletons.txt")
        found = [p for p in found if ("120" in p.name) == (corpus == "ntu120")] or found
        missing_list = found[0] if found else None
    missing = set(read_name_list(missing_list)) if missing_list else set()
    listed = [str(p) for p in files if p.name.removesuffix(".skeleton") in missing]
    keep = [str(p) for p in files if p.name.removesuffix(".skeleton") not in missing]
    classes = list(NTU120_CLASSES[: 120 if corpus == "ntu120" else 60])
    return CorpusPlan(keep, {}, classes, listed, {"missing_list": str(missing_list or "")})


def _plan60(raw: Path, **options) -> CorpusPlan:
    return _plan("ntu60", raw, **options)


def _plan120(raw: Path, **options) -> CorpusPlan:
    return _plan("ntu120", raw, **options)


def _split60(config: str, ids: Mapping[str, int]) -> str | None:
    if config == "xsub":
        return "train" if ids["subject"] in NTU60_XSUB_TRAIN_SUBJECTS else "test"
    if config == "xview":
        return "train" if ids["camera"] in (2, 3) else "test"
    raise KeyError(f"no id-based split {config!r} for corpus 'ntu60'; known: ('xsub', 'xview')")


def _split120(config: str, ids: Mapping[str, int]) -> str | None:
    if config == "xsub":
        return "train" if ids["subject"] in NTU120_XSUB_TRAIN_SUBJECTS else "test"
    if config == "xset":
        return "train" if ids["setup"] % 2 == 0 else "test"
    raise KeyError(f"no id-based split {config!r} for corpus 'ntu120'; known: ('xsub', 'xset')")


register(
    CorpusSpec(
        name="ntu60",
        pretty_name="NTU RGB+D 60 (skeletons)",
        description="60 daily, mutual and health-related actions by 40 subjects, 56,880 samples, three Kinect v2 "
        "cameras; 25 joints, up to two bodies.",
        layout="ntu25",
        classes=NTU120_CLASSES[:60],
        split_configs=("xsub", "xview"),
        task=_task,
        plan=_plan60,
        split_rule=_split60,
        homepage=_HOMEPAGE,
        license_name="ntu-rgbd-release-agreement",
        terms=_NTU_TERMS,
        bibtex=(_NTU60_BIBTEX,),
        modality=_MODALITY,
        official_counts={"xsub": {"train": 40091, "test": 16487}, "xview": {"train": 37646, "test": 18932}},
        descriptions="ntu120.txt",
        description_count=60,
    )
)
register(
    CorpusSpec(
        name="ntu120",
        pretty_name="NTU RGB+D 120 (skeletons)",
        description="120 actions by 106 subjects, 114,480 samples, 32 camera setups; 25 joints, up to two bodies.",
        layout="ntu25",
        classes=NTU120_CLASSES,
        split_configs=("xsub", "xset"),
        task=_task,
        plan=_plan120,
        split_rule=_split120,
        homepage=_HOMEPAGE,
        license_name="ntu-rgbd-release-agreement",
        terms=_NTU_TERMS,
        bibtex=(_NTU120_BIBTEX, _NTU60_BIBTEX),
        modality=_MODALITY,
        official_counts={"xsub": {"train": 63026, "test": 50919}, "xset": {"train": 54468, "test": 59477}},
        descriptions="ntu120.txt",
    )
)
