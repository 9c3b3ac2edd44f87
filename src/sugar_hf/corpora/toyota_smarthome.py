"""Toyota Smarthome (trimmed): activities of daily living, LCR-Net++ 13-joint skeletons, one JSON per clip.

Class names: the cross-subject class list (``classes_cs.txt``); the label comes from the file name. The
cross-view protocols CV1/CV2 use 19 of the 31 classes, relabelled in :data:`TOYOTA_CV_CLASSES` order.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import SkeletonFormatError, read_toyota_json
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import sequence_to_row

TOYOTA_CLASSES = (
    "Cook.Cleandishes",
    "Cook.Cleanup",
    "Cook.Cut",
    "Cook.Stir",
    "Cook.Usestove",
    "Cutbread",
    "Drink.Frombottle",
    "Drink.Fromcan",
    "Drink.Fromcup",
    "Drink.Fromglass",
    "Eat.Attable",
    "Eat.Snack",
    "Enter",
    "Getup",
    "Laydown",
    "Leave",
    "Makecoffee.Pourgrains",
    "Makecoffee.Pourwater",
    "Maketea.Boilwater",
    "Maketea.Insertteabag",
    "Pour.Frombottle",
    "Pour.Fromcan",
    "Pour.Fromkettle",
    "Readbook",
    "Sitdown",
    "Takepills",
    "Uselaptop",
    "Usetablet",
    "Usetelephone",
    "Walk",
    "WatchTV",
)
"""The 31 cross-subject classes in label order."""

TOYOTA_CV_CLASSES = (
    "Cutbread",
    "Drink.Frombottle",
    "Drink.Fromcan",
    "Drink.Fromcup",
    "Drink.Fromglass",
    "Eat.Attable",
    "Eat.Snack",
    "Enter",
    "Getup",
    "Leave",
    "Pour.Frombottle",
    "Pour.Fromcan",
    "Readbook",
    "Sitdown",
    "Takepills",
    "Uselaptop",
    "Usetablet",
    "Usetelephone",
    "Walk",
)
"""The 19 classes of the cross-view protocols CV1/CV2 (a subset of the 31 cross-subject classes)."""

TOYOTA_CS_TRAIN_SUBJECTS = frozenset((3, 4, 6, 7, 9, 12, 13, 15, 17, 19, 25))


def _task(path: str, opts: dict) -> list[dict]:
    seq = read_toyota_json(path, dims=opts.get("dims", 3))
    action = seq.meta.get("action")
    if action not in TOYOTA_CLASSES:
        raise SkeletonFormatError(path, None, f"action {action!r} of the file name is not a Toyota class")
    seq.label = TOYOTA_CLASSES.index(action)
    return [sequence_to_row(seq, Path(path).name)]


def _plan(raw: Path, dims: int = 3, **_) -> CorpusPlan:
    """Every ``.json`` clip; ``dims`` 3 (x, y, z) or 2 (x, y)."""
    return CorpusPlan([str(p) for p in find_files(raw, "*.json")], {"dims": dims}, list(TOYOTA_CLASSES))


def _split(config: str, ids: Mapping[str, int]) -> str | None:
    if config == "cs":
        return "train" if ids["subject"] in TOYOTA_CS_TRAIN_SUBJECTS else "test"
    if config == "cv1":
        return {1: "train", 2: "test"}.get(ids["camera"])
    if config == "cv2":
        return "train" if ids["camera"] in (1, 3, 4, 6, 7) else ("test" if ids["camera"] == 2 else None)
    raise KeyError(f"no id-based split {config!r} for corpus 'toyota_smarthome'; known: ('cs', 'cv1', 'cv2')")


register(
    CorpusSpec(
        name="toyota_smarthome",
        pretty_name="Toyota Smarthome (trimmed, skeletons)",
        description="31 activities of daily living by 18 elderly subjects in a real apartment, 7 cameras; 13-joint "
        "LCR-Net++ skeletons. Cross-view protocols use 19 of the classes; the headline metric is mean per-class "
        "accuracy.",
        layout="toyota13",
        classes=TOYOTA_CLASSES,
        split_configs=("cs", "cv1", "cv2"),
        task=_task,
        plan=_plan,
        split_rule=_split,
        config_classes={"cv1": TOYOTA_CV_CLASSES, "cv2": TOYOTA_CV_CLASSES},
        channels=lambda options: int(options.get("dims", 3)),
        homepage="https://project.inria.fr/toyotasmarthome/",
        license_name="toyota-smarthome-license",
        terms="Released for non-commercial research under the Toyota Smarthome license agreement; "
        "redistribution is not permitted.",
        bibtex=(
            """@inproceedings{das2019toyota,
  title     = {Toyota Smarthome: Real-World Activities of Daily Living},
  author    = {Das, Srijan and Dai, Rui and Koperski, Michal and Minciullo, Luca and Garattoni, Lorenzo and
               Bremond, Francois and Francesca, Gianpiero},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year      = {2019}
}""",
        ),
        modality="3D skeletons (LCR-Net++, 13 joints)",
        descriptions="toyota_smarthome.txt",
    )
)
