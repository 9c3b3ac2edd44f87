"""Toyota Smarthome Untrimmed (TSU): 2-D LCR-Net poses in COCO-17 slots, cut into the annotated segments.

The class list is the release's ``Action_list.txt`` (read at conversion); the one config ``cs`` follows the
``subset`` (training / testing) of each video in the annotation JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..skeleton.readers import (
    SkeletonFormatError,
    SkeletonSequence,
    read_tsu_action_list,
    read_tsu_annotations,
    read_tsu_npz,
)
from ..skeleton.readers.nw_ucla import load_json_text
from ._registry import CorpusPlan, CorpusSpec, find_files, register
from .rows import sequence_to_row

SUBSET_SPLITS = {"training": "train", "testing": "test"}


def _task(path: str, opts: dict) -> list[dict]:
    seq = read_tsu_npz(path)
    ann = opts["annotations"].get(seq.name)
    if isinstance(ann, str):  # the annotation file had an entry for this video that the reader refused
        raise SkeletonFormatError(path, None, f"its annotation was refused: {ann}")
    if ann is None:
        unreadable = opts.get("unreadable_annotations") or {}
        hint = f" (unreadable annotation files: {'; '.join(unreadable.values())})" if unreadable else ""
        raise SkeletonFormatError(path, None, f"no annotation for video {seq.name}{hint}")
    rows = []
    for k, (cls, start, end) in enumerate(ann):
        end = min(end, seq.num_frames - 1)
        if start > end:
            raise SkeletonFormatError(
                path, None, f"segment {k} ({start}..{end}) beyond {seq.num_frames} frames"
            )
        clip = SkeletonSequence(
            seq.data[:, start : end + 1].copy(), f"{seq.name}_{k:03d}", seq.layout, cls, seq.meta
        )
        rows.append(sequence_to_row(clip, seq.name))
    return rows


def _read_annotations(raw: Path) -> tuple[dict, dict, dict]:
    """``(annotations, subsets, unreadable)``: each video's segments (or why they were refused), its subset,
    and the annotation files that could not be read at all."""
    annotations, subsets, unreadable = {}, {}, {}
    for p in find_files(raw, "*.json"):
        # each video's annotation is read on its own: a refused entry skips that video (with the reason),
        # an unreadable file its videos, never the whole conversion
        try:
            obj, _ = load_json_text(p)
        except SkeletonFormatError as error:
            unreadable[str(p)] = str(error)
            continue
        for video in obj if isinstance(obj, dict) else []:
            try:
                annotations[video] = read_tsu_annotations(p, video)
            except SkeletonFormatError as error:
                annotations[video] = str(error)
            entry = obj[video]
            subsets[video] = entry.get("subset") if isinstance(entry, dict) else None
    return annotations, subsets, unreadable


def _plan(raw: Path, **_) -> CorpusPlan:
    """The ``.npz`` pose files, every video's annotation and the class list of ``Action_list.txt``."""
    annotations, subsets, unreadable = _read_annotations(raw)
    action_list = find_files(raw, "Action_list*")
    if not action_list:
        raise FileNotFoundError(f"no Action_list.txt under {raw}")
    files = [str(p) for p in find_files(raw, "*.npz")]
    return CorpusPlan(
        files,
        {"annotations": annotations, "unreadable_annotations": unreadable},
        read_tsu_action_list(action_list[0]),
        extra={"subsets": subsets},
    )


def _split_tags(config: str, columns: Mapping[str, list], extra: dict) -> list[str | None]:
    """Rows by their video's ``subset`` in the annotation JSON (the one config, ``cs``)."""
    subset = extra.get("subsets", {})
    return [SUBSET_SPLITS.get(subset.get(n)) for n in columns["source"]]


register(
    CorpusSpec(
        name="tsu",
        pretty_name="Toyota Smarthome Untrimmed (2D poses, trimmed segments)",
        description="51 activities in untrimmed videos of the Toyota Smarthome environment; 2D LCR-Net poses in "
        "COCO-17 slots; sugar-hf cuts the annotated segments into clips.",
        layout="coco17",
        classes=None,
        split_configs=("cs",),
        task=_task,
        plan=_plan,
        split_tags=_split_tags,
        channels=2,
        homepage="https://project.inria.fr/toyotasmarthome/",
        license_name="toyota-smarthome-license",
        terms="Released for non-commercial research under the Toyota Smarthome license agreement; "
        "redistribution is not permitted.",
        bibtex=(
            """@article{dai2022tsu,
  title   = {Toyota Smarthome Untrimmed: Real-World Untrimmed Videos for Activity Detection},
  author  = {Dai, Rui and Das, Srijan and Sharma, Saurav and Minciullo, Luca and Garattoni, Lorenzo and
             Bremond, Francois and Francesca, Gianpiero},
  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence},
  year    = {2022}
}""",
        ),
        modality="2D poses (COCO-17 slots from LCR-Net++)",
    )
)
