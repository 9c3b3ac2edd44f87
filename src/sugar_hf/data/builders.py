"""Raw corpus folder -> ``datasets.DatasetDict``, one config per official split.

The pipeline: list the input files, parse them in worker processes (each file independently, so one broken
file costs only itself), write rows through :meth:`datasets.Dataset.from_generator` with explicit
``Features``, then cut each split config out of the one parsed table. Every input is accounted for in a
:class:`ConversionReport`: ``inputs == written + skipped + listed_missing``.

Row schema (all corpora)::

    name         string   sample / clip name
    source       string   the raw file (recording) the row came from
    skeleton     Array3D(shape=(None, V, C), float32)  persons stacked along time: (num_persons * T, V, C)
    num_persons  int32    M; ``skeleton.reshape(M, T, V, C)`` recovers the (persons, frames, ...) array
    num_frames   int32    T
    label        ClassLabel(official class names)
    subject, camera, setup, view   int32 ids (-1 when the corpus has no such id)

The ``folder`` corpus (your own arrays + a CSV) keeps string ids too: a ``subject`` column of ``s01, s02 ...``
is stored as ints ``0, 1 ...`` (sorted order) plus a ``subject_name`` string column, and the mapping is in the
dataset's ``info.description`` (``id_names``), with the layout (a preset name or a custom layout dict).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..skeleton_layouts import LAYOUTS, SkeletonLayout, custom_layout, get_layout
from ..skeleton.readers import (
    SkeletonFormatError,
    SkeletonSequence,
    cut_clips,
    cut_utkinect_clips,
    parse_ntu_name,
    read_array,
    read_name_list,
    read_ntu_skeleton,
    read_nw_ucla,
    read_pku_labels,
    read_pku_skeleton,
    read_pku_split,
    read_toyota_json,
    read_tsu_action_list,
    read_tsu_annotations,
    read_tsu_npz,
    read_utd_mhad,
    read_utkinect_joints,
    read_utkinect_labels,
)
from ..skeleton.readers.nw_ucla import load_json_text
from ..skeleton.transforms import denoise_bodies
from .class_names import CORPUS_CLASSES, TOYOTA_CV_CLASSES
from .splits import SPLIT_CONFIGS, split_of

CORPUS_LAYOUT = {
    "ntu60": "ntu25",
    "ntu120": "ntu25",
    "pku_mmd": "ntu25",
    "toyota_smarthome": "toyota13",
    "tsu": "coco17",
    "nw_ucla": "kinect_v1_20",
    "utd_mhad": "utd_mhad20",
    "utkinect": "kinect_v1_20",
}
ID_COLUMNS = ("subject", "camera", "setup", "view")
_TOYOTA_CV_REMAP = {CORPUS_CLASSES["toyota_smarthome"].index(c): i for i, c in enumerate(TOYOTA_CV_CLASSES)}


@dataclass
class ConversionReport:
    """What happened to every input file of one conversion."""

    corpus: str
    inputs: int = 0
    written: int = 0
    rows: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"file", "reason"}
    listed_missing: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.inputs == self.written + len(self.skipped) + len(self.listed_missing)

    def summary(self) -> str:
        return (
            f"{self.corpus}: {self.inputs} inputs = {self.written} written + {len(self.skipped)} skipped + "
            f"{len(self.listed_missing)} listed-missing; {self.rows} rows in {self.seconds:.1f} s"
        )

    def save(self, path: str | os.PathLike) -> None:
        Path(path).write_text(
            json.dumps(dict(asdict(self), balanced=self.balanced), indent=1), encoding="utf-8"
        )


class ConversionFailed(ValueError):
    """No input could be converted; ``report`` says why for each one."""

    def __init__(self, report: ConversionReport) -> None:
        self.report = report
        reasons = [item["reason"] for item in report.skipped[:5]]
        more = f" (and {len(report.skipped) - 5} more)" if len(report.skipped) > 5 else ""
        super().__init__(
            f"no clip could be converted: all {report.inputs} inputs were skipped{more}: "
            + "; ".join(reasons)
        )


def skeleton_features(
    layout: str, class_names: list[str], channels: int = 3, name_columns: tuple[str, ...] = ()
):
    """The explicit ``datasets.Features`` of a corpus with the given joint layout and channel count;
    ``name_columns`` adds ``<id>_name`` string columns (the original string ids of a folder corpus)."""
    from datasets import Array3D, ClassLabel, Features, Value

    layout = get_layout(layout)
    c = channels
    return Features(
        {
            "name": Value("string"),
            "source": Value("string"),
            "skeleton": Array3D(shape=(None, layout.num_joints, c), dtype="float32"),
            "num_persons": Value("int32"),
            "num_frames": Value("int32"),
            "label": ClassLabel(names=list(class_names)),
            **{k: Value("int32") for k in ID_COLUMNS},
            **{f"{k}_name": Value("string") for k in name_columns},
        }
    )


def sequence_to_row(seq: SkeletonSequence, source: str) -> dict:
    """Flatten a :class:`SkeletonSequence` into a dataset row (persons stacked along time)."""
    m, t, v, c = seq.data.shape
    row = {
        "name": seq.name,
        "source": source,
        "skeleton": np.ascontiguousarray(seq.data, dtype=np.float32).reshape(m * t, v, c),
        "num_persons": m,
        "num_frames": t,
        "label": seq.label,
    }
    for key in ID_COLUMNS:
        value = seq.meta.get(key, -1)
        row[key] = value if isinstance(value, int) else -1
    return row


def row_to_skeleton(row: dict) -> np.ndarray:
    """Recover ``(persons, frames, joints, channels)`` float32 from a row."""
    skel = np.asarray(row["skeleton"], dtype=np.float32)
    return skel.reshape(int(row["num_persons"]), int(row["num_frames"]), *skel.shape[1:])


def _keep_present(data: np.ndarray) -> np.ndarray:
    present = np.abs(data).sum(axis=(1, 2, 3)) > 0
    return data[present] if present.any() else data[:1]


# --- per-corpus tasks: each parses one input file into rows (runs in a worker process) ------------------


def _ntu_task(path: str, opts: dict) -> list[dict]:
    seq = read_ntu_skeleton(path)
    seq.data = _keep_present(denoise_bodies(seq.data, max_bodies=opts.get("max_bodies", 2)))
    return [sequence_to_row(seq, Path(path).name)]


def _pku_task(path: str, opts: dict) -> list[dict]:
    label_path = Path(opts["label_dir"]) / Path(path).name
    if not label_path.exists():
        raise SkeletonFormatError(path, None, f"no label file {label_path}")
    seq = read_pku_skeleton(path)
    view = {"L": 1, "M": 2, "R": 3}.get(seq.meta.get("view", ""), -1)
    rows = []
    for clip in cut_clips(seq, read_pku_labels(label_path), label_path):
        clip.data = _keep_present(clip.data)
        clip.meta.update(view=view, camera=view)
        rows.append(sequence_to_row(clip, seq.name))
    return rows


def _toyota_task(path: str, opts: dict) -> list[dict]:
    seq = read_toyota_json(path, dims=opts.get("dims", 3))
    classes = CORPUS_CLASSES["toyota_smarthome"]
    action = seq.meta.get("action")
    if action not in classes:
        raise SkeletonFormatError(path, None, f"action {action!r} of the file name is not a Toyota class")
    seq.label = classes.index(action)
    return [sequence_to_row(seq, Path(path).name)]


def _tsu_task(path: str, opts: dict) -> list[dict]:
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


def _nw_ucla_task(path: str, opts: dict) -> list[dict]:
    return [sequence_to_row(read_nw_ucla(path), Path(path).name)]


def _utd_task(path: str, opts: dict) -> list[dict]:
    # a corpus file must name its action (aXX_sYY_tZZ_skeleton.mat); a lone file read elsewhere need not
    return [sequence_to_row(read_utd_mhad(path, require_label=True), Path(path).name)]


def _utkinect_task(path: str, opts: dict) -> list[dict]:
    rec = read_utkinect_joints(path)
    key = rec.name.replace("joints_", "")
    if key not in opts["labels"]:
        raise SkeletonFormatError(path, None, f"{key} is not in the label file")
    return [
        sequence_to_row(c, rec.name) for c in cut_utkinect_clips(rec, opts["labels"][key], opts["label_path"])
    ]


def _folder_task(path: str, opts: dict) -> list[dict]:
    seq = read_array(path, opts["layout"])
    meta = opts["row"]
    seq.label = meta["label"]
    seq.meta.update(meta["ids"])
    row = sequence_to_row(seq, meta["source"])
    row.update({f"{key}_name": value for key, value in meta["names"].items()})
    return [row]


_TASKS: dict[str, Callable[[str, dict], list[dict]]] = {
    "ntu60": _ntu_task,
    "ntu120": _ntu_task,
    "pku_mmd": _pku_task,
    "toyota_smarthome": _toyota_task,
    "tsu": _tsu_task,
    "nw_ucla": _nw_ucla_task,
    "utd_mhad": _utd_task,
    "utkinect": _utkinect_task,
    "folder": _folder_task,
}


def _check_rows(path: str, rows: list[dict], expect: dict) -> None:
    """Every row must be writable with the corpus's features and read back: joints, channels, label."""
    joints, channels, num_classes = expect["joints"], expect["channels"], expect["num_classes"]
    for row in rows:
        skel = row["skeleton"]
        if skel.ndim != 3 or skel.shape[1] != joints:
            raise SkeletonFormatError(
                path, None, f"skeleton shape {skel.shape[1:]}: the layout has {joints} joints"
            )
        if skel.shape[2] != channels:
            raise SkeletonFormatError(
                path, None, f"{skel.shape[2]} channels per joint, the corpus has {channels} ({expect['why']})"
            )
        if skel.shape[0] == 0:
            raise SkeletonFormatError(path, None, "zero frames")
        if not np.isfinite(skel).all():
            raise SkeletonFormatError(path, None, "NaN or infinite value")
        label = row["label"]
        if isinstance(label, (bool, np.bool_)) or not isinstance(label, (int, np.integer)):
            raise SkeletonFormatError(path, None, f"no valid class label ({label!r})")
        if not 0 <= int(label) < num_classes:
            raise SkeletonFormatError(path, None, f"class label {int(label)} outside 0..{num_classes - 1}")


def _run_task(args: tuple[str, str, dict, dict]) -> tuple[str, list[dict] | None, str | None]:
    corpus, path, opts, expect = args
    try:
        rows = _TASKS[corpus](path, opts)
        _check_rows(path, rows, expect)
        return path, rows, None
    except SkeletonFormatError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a reader bug must not kill a 100k-file run; it is reported, never hidden
        return path, None, f"{path}: unexpected {type(exc).__name__}: {exc}"


# --- listing the inputs of each corpus ---------------------------------------------------------------------


@dataclass
class _Plan:
    files: list[str]
    opts: dict
    class_names: list[str]
    listed_missing: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    per_file: dict = field(default_factory=dict)  # options of one file only (folder corpus: its CSV row)


def _find(raw: Path, pattern: str) -> list[Path]:
    return sorted(raw.rglob(pattern), key=lambda p: p.name)


def _plan(corpus: str, raw: Path, **kw) -> _Plan:
    if corpus in ("ntu60", "ntu120"):
        files = [
            p
            for p in _find(raw, "*.skeleton")
            if corpus == "ntu120" or parse_ntu_name(p.name)["action"] <= 60
        ]
        missing_list = kw.get("missing_list")
        if missing_list is None:
            found = _find(raw, "*samples_with_missing_skeletons.txt")
            found = [p for p in found if ("120" in p.name) == (corpus == "ntu120")] or found
            missing_list = found[0] if found else None
        missing = set(read_name_list(missing_list)) if missing_list else set()
        listed = [str(p) for p in files if p.name.removesuffix(".skeleton") in missing]
        keep = [str(p) for p in files if p.name.removesuffix(".skeleton") not in missing]
        return _Plan(keep, {}, CORPUS_CLASSES[corpus], listed, {"missing_list": str(missing_list or "")})
    if corpus == "pku_mmd":
        skel = _find(raw, "*.txt")
        skel = [
            p
            for p in skel
            if p.parent.name.lower().startswith("skeleton") or "skeleton" in p.parent.name.lower()
        ]
        label_dir = kw.get("label_dir") or next(
            (p for p in raw.rglob("*") if p.is_dir() and p.name.lower().startswith("label")), raw
        )
        splits = {}
        for cfg, fname in (("xsub", "cross-subject.txt"), ("xview", "cross-view.txt")):
            found = _find(raw, fname)
            if found:
                splits[cfg] = read_pku_split(found[0])
        return _Plan(
            [str(p) for p in skel],
            {"label_dir": str(label_dir)},
            CORPUS_CLASSES[corpus],
            extra={"splits": splits},
        )
    if corpus == "toyota_smarthome":
        return _Plan(
            [str(p) for p in _find(raw, "*.json")], {"dims": kw.get("dims", 3)}, CORPUS_CLASSES[corpus]
        )
    if corpus == "tsu":
        annotations, subsets, unreadable = {}, {}, {}
        for p in _find(raw, "*.json"):
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
        action_list = _find(raw, "Action_list*")
        if not action_list:
            raise FileNotFoundError(f"no Action_list.txt under {raw}")
        files = [str(p) for p in _find(raw, "*.npz")]
        return _Plan(
            files,
            {"annotations": annotations, "unreadable_annotations": unreadable},
            read_tsu_action_list(action_list[0]),
            extra={"subsets": subsets},
        )
    if corpus == "nw_ucla":
        return _Plan([str(p) for p in _find(raw, "*.json")], {}, CORPUS_CLASSES[corpus])
    if corpus == "utd_mhad":
        return _Plan([str(p) for p in _find(raw, "*.mat")], {}, CORPUS_CLASSES[corpus])
    if corpus == "utkinect":
        label_path = kw.get("label_file") or next(iter(_find(raw, "actionLabel.txt")), None)
        if label_path is None:
            raise FileNotFoundError(f"no actionLabel.txt under {raw}")
        files = [str(p) for p in _find(raw, "joints_*.txt")]
        return _Plan(
            files,
            {"labels": read_utkinect_labels(label_path), "label_path": str(label_path)},
            CORPUS_CLASSES[corpus],
        )
    raise KeyError(f"unknown corpus {corpus!r}; known: {sorted(_TASKS)}")


def _parse(
    corpus: str, plan: _Plan, report: ConversionReport, num_workers: int | None, progress: bool, expect: dict
) -> Iterator[dict]:
    from tqdm.auto import tqdm

    key = corpus if corpus in _TASKS else "folder"
    tasks = [
        (key, f, {**plan.opts, **plan.per_file[f]} if f in plan.per_file else plan.opts, expect)
        for f in plan.files
    ]
    workers = num_workers if num_workers is not None else (os.cpu_count() or 1)
    bar = tqdm(total=len(tasks), desc=f"parsing {corpus}", unit="file", disable=not progress)
    if workers > 1 and len(tasks) > 4 * workers:
        with ProcessPoolExecutor(workers) as pool:
            results = pool.map(_run_task, tasks, chunksize=max(1, min(64, len(tasks) // (8 * workers))))
            yield from _collect(results, report, bar)
    else:
        yield from _collect(map(_run_task, tasks), report, bar)
    bar.close()


def _collect(results, report: ConversionReport, bar) -> Iterator[dict]:
    for path, rows, error in results:
        bar.update(1)
        if error is not None:
            report.skipped.append({"file": path, "reason": error})
            continue
        report.written += 1
        report.rows += len(rows)
        yield from rows


def build_corpus(
    corpus: str,
    raw_dir: str | os.PathLike,
    *,
    cache_dir: str | os.PathLike | None = None,
    num_workers: int | None = None,
    progress: bool = True,
    **options,
):
    """Parse a raw corpus folder into one ``datasets.Dataset`` of all samples.

    Args:
        corpus: ``ntu60``, ``ntu120``, ``pku_mmd``, ``toyota_smarthome``, ``tsu``, ``nw_ucla``, ``utd_mhad`` or
            ``utkinect``.
        raw_dir: The corpus as released (searched recursively for its files, label and split lists).
        cache_dir: Where ``datasets`` writes the Arrow table (default: its own cache).
        num_workers: Parser processes (default: all cores; 1 = in-process).
        options: ``missing_list`` (NTU; default: the official list found under ``raw_dir``), ``label_dir``
            (PKU-MMD), ``label_file`` (UTKinect), ``dims`` (Toyota, 3 or 2).

    Returns:
        ``(dataset, report, extra)``: ``extra`` carries what split configs need (PKU-MMD split lists, TSU
        subsets).
    """

    start = time.perf_counter()
    plan = _plan(corpus, Path(raw_dir), **options)
    report = ConversionReport(corpus, inputs=len(plan.files) + len(plan.listed_missing))
    report.listed_missing = [Path(p).name for p in plan.listed_missing]
    channels = 2 if corpus == "tsu" else (int(options.get("dims", 3)) if corpus == "toyota_smarthome" else 3)
    layout = get_layout(CORPUS_LAYOUT[corpus])
    expect = {"joints": layout.num_joints, "channels": channels, "num_classes": len(plan.class_names),
              "why": f"the {corpus} reader's output"}  # fmt: skip
    dataset = _generate(
        skeleton_features(layout, plan.class_names, channels), corpus, plan, report, num_workers, progress, expect,
        cache_dir,
    )  # fmt: skip
    dataset.info.description = json.dumps({"corpus": corpus, "layout": CORPUS_LAYOUT.get(corpus, "custom")})
    report.seconds = time.perf_counter() - start
    return dataset, report, plan.extra


def _generate(features, corpus, plan, report, num_workers, progress, expect, cache_dir):
    """``Dataset.from_generator`` over the parsed rows; all inputs skipped -> :class:`ConversionFailed`."""
    from datasets import Dataset

    try:
        dataset = Dataset.from_generator(
            _parse,
            features=features,
            gen_kwargs={
                "corpus": corpus,
                "plan": plan,
                "report": report,
                "num_workers": num_workers,
                "progress": progress,
                "expect": expect,
            },  # fmt: skip
            cache_dir=str(cache_dir) if cache_dir else None,
            fingerprint=uuid.uuid4().hex,
        )
    except Exception:
        if report.written == 0 and report.inputs:
            raise ConversionFailed(report) from None
        raise
    if report.written == 0:
        raise ConversionFailed(report)
    return dataset


# --- your own data: a folder of arrays + a CSV -------------------------------------------------------------
SPLIT_BY = ("auto", "column", "subject", "random", "none")
NO_TEST_SPLIT = (
    "no test split: every clip is in 'train', so training will skip evaluation. Hold clips out with "
    "--split-by subject --test-subjects ID[,ID...] (or --test-fraction F), --split-by random --test-fraction F "
    "--seed N, or a 'split' column in the CSV"
)


def read_edge_list(path: str | os.PathLike, center: int = 0) -> SkeletonLayout:
    """A custom layout from an edge file: text lines ``i j`` (0-based joint indices, ``#`` comments, comma or
    space separated) or JSON (``{"joint_names": [...], "edges": [[i, j], ...], "center": 0, "body_parts": {}}``
    or a plain list of pairs). Joints are ``0..max index``; edges are oriented towards ``center``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"edge list {path} does not exist")
    text = path.read_text(encoding="utf-8-sig")
    names, parts = None, None
    if path.suffix.lower() == ".json":
        try:
            obj = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: not valid JSON: {exc}") from None
        if isinstance(obj, dict) and "inward_edges" in obj:
            return SkeletonLayout.from_dict(obj)
        if isinstance(obj, dict):
            names, parts = obj.get("joint_names"), obj.get("body_parts")
            center = int(obj.get("center", center))
            obj = obj.get("edges")
        if not isinstance(obj, list) or not all(isinstance(e, list) and len(e) == 2 for e in obj):
            raise ValueError(f"{path}: 'edges' must be a list of [i, j] pairs")
        pairs = [(int(a), int(b)) for a, b in obj]
    else:
        pairs = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = [f for f in re.split(r"[\s,;]+", line) if f]
            if len(fields) != 2 or not all(f.isdigit() for f in fields):
                raise ValueError(f"{path}:{number}: expected two 0-based joint indices 'i j', found {line!r}")
            pairs.append((int(fields[0]), int(fields[1])))
    if not pairs:
        raise ValueError(f"{path}: no edges")
    num_joints = max(max(p) for p in pairs) + 1
    names = list(names) if names else [f"joint_{i}" for i in range(num_joints)]
    if len(names) < num_joints:
        raise ValueError(f"{path}: {len(names)} joint names for joints 0..{num_joints - 1}")
    if not 0 <= center < len(names):
        raise ValueError(f"{path}: centre joint {center} outside 0..{len(names) - 1}")
    try:
        return custom_layout(names, pairs, center=center, body_parts=parts)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def resolve_layout(layout: str | SkeletonLayout | dict | None = None, edges: str | os.PathLike | None = None,
                   center: int = 0) -> SkeletonLayout:  # fmt: skip
    """``--layout`` (a preset name or a layout JSON file) or ``--edges FILE`` (a custom edge list)."""
    if edges is not None:
        return read_edge_list(edges, center)
    if layout is None:
        return get_layout("ntu25")
    if isinstance(layout, str) and layout.lower().endswith(".json"):
        return read_edge_list(layout, center)
    return get_layout(layout)


def _layout_record(layout: SkeletonLayout):
    """What ``info.description`` stores: a preset's name, or the whole custom layout."""
    return layout.name if LAYOUTS.get(layout.name) == layout else layout.to_dict()


def _read_folder_csv(
    labels_csv: Path, folder: Path, report: ConversionReport
) -> tuple[list[dict], list[str]]:
    """The usable rows of the labels CSV (every other row is reported as skipped, with its line) and the header."""
    try:
        text = labels_csv.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"labels CSV {labels_csv} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if "file" not in header or "label" not in header:
        raise ValueError(
            f"{labels_csv}:1: the header must name 'file' and 'label' columns (optional: subject, camera, setup, "
            f"view, split), found {header}"
        )
    rows, first_line = [], {}
    for row in reader:
        line = reader.line_num
        where = f"{labels_csv}:{line}"
        report.inputs += 1
        if None in row or any(v is None for v in row.values()):
            count = len(header) + len(row.get(None) or []) - sum(v is None for v in row.values())
            report.skipped.append(
                {"file": where, "reason": f"{where}: {count} columns, the header has {len(header)}"}
            )
            continue
        rel, label = row["file"].strip(), row["label"].strip()
        if not rel or not label:
            problem = "empty file name" if not rel else "empty label"
            report.skipped.append({"file": where, "reason": f"{where}: {problem}"})
            continue
        key = Path(rel).as_posix()
        if key in first_line:
            report.skipped.append(
                {"file": where, "reason": f"{where}: {rel} listed again (first on line {first_line[key]})"}
            )
            continue
        first_line[key] = line
        path = folder / rel
        if not path.is_file():
            report.skipped.append(
                {
                    "file": str(path),
                    "reason": f"{path}: listed on line {line} of {labels_csv.name} but not found",
                }
            )
            continue
        rows.append(
            {**{k: (v or "").strip() for k, v in row.items()}, "file": key, "_path": str(path), "_line": line}
        )
    return rows, header


def _encode_ids(rows: list[dict], header: list[str]) -> dict[str, list[str]]:
    """Integer ids per row and column; string ids map to their sorted order (``id_names`` keeps the strings)."""
    id_names: dict[str, list[str]] = {}
    for key in ID_COLUMNS:
        if key not in header:
            continue
        values = [r[key] for r in rows if r[key] != ""]
        if values and not all(re.fullmatch(r"-?\d+", v) for v in values):
            id_names[key] = sorted(set(values))
    for r in rows:
        ids, names = {}, {}
        for key in ID_COLUMNS:
            value = r.get(key, "")
            if key in id_names:
                ids[key] = id_names[key].index(value) if value else -1
                names[key] = value
            elif value:
                ids[key] = int(value)
        r["_ids"], r["_names"] = ids, names
    return id_names


def folder_splits(rows: list[dict], header: list[str], split_by: str = "auto", *,
                  test_subjects: list[str] | None = None, test_fraction: float | None = None,
                  seed: int = 0) -> dict[str, str]:  # fmt: skip
    """``{file: split}`` for the rows of a folder corpus.

    ``split_by``: ``auto`` (the CSV's ``split`` column if it has one, else everything in ``train``), ``column``,
    ``subject`` (the clips of ``test_subjects``, or of a seeded ``test_fraction`` of the distinct subjects, go to
    ``test``), ``random`` (a seeded ``test_fraction`` of each class's clips, default 0.2) or ``none``.
    """
    if split_by not in SPLIT_BY:
        raise ValueError(f"--split-by must be one of {SPLIT_BY}, got {split_by!r}")
    if split_by == "auto":
        split_by = "column" if "split" in header else "none"
    if split_by != "subject" and test_subjects:
        raise ValueError("--test-subjects needs --split-by subject")
    if test_fraction is not None and not 0 < test_fraction < 1:
        raise ValueError(f"--test-fraction must be between 0 and 1, got {test_fraction}")
    if split_by == "none":
        return {r["file"]: "train" for r in rows}
    if split_by == "column":
        if "split" not in header:
            raise ValueError("--split-by column: the CSV has no 'split' column")
        out = {}
        for r in rows:
            value = r.get("split") or "train"
            if not re.fullmatch(r"\w+(\.\w+)*", value):
                raise ValueError(f"line {r['_line']}: split name {value!r} is not a valid split name")
            out[r["file"]] = value
        return out
    rng = np.random.default_rng(seed)
    if split_by == "subject":
        if "subject" not in header:
            raise ValueError("--split-by subject: the CSV has no 'subject' column")
        subjects = sorted({r["subject"] for r in rows if r["subject"]})
        if test_subjects:
            wanted = [str(s).strip() for s in test_subjects]
            unknown = [s for s in wanted if s not in subjects]
            if unknown:
                raise ValueError(
                    f"--test-subjects {unknown} are not in the CSV's subject column; it has {subjects}"
                )
            held = set(wanted)
        else:
            if test_fraction is None:
                raise ValueError("--split-by subject needs --test-subjects ID[,ID...] or --test-fraction F")
            count = min(max(1, round(test_fraction * len(subjects))), len(subjects) - 1)
            if count < 1:
                raise ValueError(f"--split-by subject needs at least two subjects, the CSV has {subjects}")
            held = {subjects[i] for i in rng.permutation(len(subjects))[:count]}
        if held >= set(subjects):
            raise ValueError("--test-subjects holds out every subject: nothing is left to train on")
        return {r["file"]: "test" if r["subject"] in held else "train" for r in rows}
    fraction = 0.2 if test_fraction is None else test_fraction
    by_class: dict[str, list[str]] = {}
    for r in rows:
        by_class.setdefault(r["label"], []).append(r["file"])
    out = {}
    for label in sorted(by_class):
        files = sorted(by_class[label])
        count = min(max(1, round(fraction * len(files))), len(files) - 1) if len(files) > 1 else 0
        picked = {files[i] for i in rng.permutation(len(files))[:count]}
        out.update({f: "test" if f in picked else "train" for f in files})
    return out


def build_folder(
    folder: str | os.PathLike,
    labels_csv: str | os.PathLike,
    layout: str | SkeletonLayout | dict | None = "ntu25",
    *,
    edges: str | os.PathLike | None = None,
    center_joint: int = 0,
    channels: int | None = None,
    coordinate_channels: int | None = None,
    split_by: str = "auto",
    test_subjects: list[str] | None = None,
    test_fraction: float | None = None,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    num_workers: int | None = None,
    progress: bool = True,
):
    """Your own ``.npy``/``.npz`` arrays (``(T, V, C)`` or ``(M, T, V, C)``) listed in a CSV with a header
    ``file,label[,subject,camera,setup,view,split]`` (paths relative to ``folder``).

    Class names are the sorted distinct labels (or ``0..max`` when labels are integers). The joint layout is a
    preset (``layout``), a layout JSON file, or a custom edge list (``edges``, see :func:`read_edge_list`).
    The channel count is ``channels`` or that of the first readable array; any array with another count, a
    duplicate or broken CSV row and a missing file is skipped and reported, so ``inputs`` (the CSV's rows) is
    ``written + skipped`` and every written row reads back. Splits: :func:`folder_splits`.
    ``coordinate_channels`` records how many leading channels are positions (``2`` for keypoints with a
    confidence score: x, y, score); training reads it back so the score is never centred or rotated.

    Returns ``(dataset, report, extra)``; ``extra["splits"]`` maps each row's ``source`` to its split.
    """
    start = time.perf_counter()
    folder, labels_csv = Path(folder), Path(labels_csv)
    if not folder.is_dir():
        raise FileNotFoundError(f"raw folder {folder} does not exist" if not folder.exists()
                                else f"{folder} is not a folder")  # fmt: skip
    if not labels_csv.is_file():
        raise FileNotFoundError(f"labels CSV {labels_csv} does not exist")
    lay = resolve_layout(layout, edges, center_joint)
    report = ConversionReport("folder")
    rows, header = _read_folder_csv(labels_csv, folder, report)
    if not rows:
        raise ConversionFailed(report)
    raw = [r["label"] for r in rows]
    classes = (
        [str(i) for i in range(max(map(int, raw)) + 1)] if all(v.isdigit() for v in raw) else sorted(set(raw))
    )
    id_names = _encode_ids(rows, header)
    splits = folder_splits(rows, header, split_by, test_subjects=test_subjects, test_fraction=test_fraction,
                           seed=seed)  # fmt: skip
    per_file = {
        r["_path"]: {
            "row": {
                "label": classes.index(r["label"]),
                "ids": r["_ids"],
                "names": r["_names"],
                "source": r["file"],
            }
        }  # fmt: skip
        for r in rows
    }
    plan = _Plan(list(per_file), {"layout": lay}, classes, per_file=per_file)
    why = "set by --channels"
    if channels is None:
        for p in plan.files:  # the channel count of the first readable array
            try:
                channels = read_array(p, lay).data.shape[-1]
                why = f"set by the first readable array, {Path(p).name}; --channels picks another"
                break
            except SkeletonFormatError:
                continue
        else:
            channels = 3
    if coordinate_channels is not None and not 1 <= int(coordinate_channels) <= int(channels):
        raise ValueError(
            f"--coordinate-channels {coordinate_channels}: the clips have {channels} channels per joint ({why})"
        )
    expect = {"joints": lay.num_joints, "channels": int(channels), "num_classes": len(classes), "why": why}
    features = skeleton_features(lay, classes, int(channels), tuple(id_names))
    dataset = _generate(features, "folder", plan, report, num_workers, progress, expect, cache_dir)
    described = {"corpus": "folder", "layout": _layout_record(lay), "channels": int(channels), "id_names": id_names}
    if coordinate_channels is not None:
        described["coordinate_channels"] = int(coordinate_channels)
    dataset.info.description = json.dumps(described)
    report.seconds = time.perf_counter() - start
    return dataset, report, {"splits": splits}


def make_split_configs(
    corpus: str, dataset, extra: dict | None = None, configs: tuple[str, ...] | None = None
) -> dict:
    """Cut every split config of ``corpus`` out of the all-samples ``dataset``: ``{config: DatasetDict}``.

    Toyota CV1/CV2 keep only the 19 cross-view classes and relabel them to that list's order.
    """
    from datasets import ClassLabel, DatasetDict

    extra = extra or {}
    if corpus == "folder":
        split = extra["splits"]
        tags = [split.get(n, "train") for n in dataset["source"]]
        parts = {s: [i for i, t in enumerate(tags) if t == s] for s in sorted(set(tags))}
        return {"csv": DatasetDict({s: dataset.select(idx) for s, idx in parts.items() if idx})}
    if corpus == "tsu":
        subset = extra.get("subsets", {})
        names = dataset["source"]
        tags = [{"training": "train", "testing": "test"}.get(subset.get(n)) for n in names]
        return {
            "cs": DatasetDict(
                {s: dataset.select([i for i, t in enumerate(tags) if t == s]) for s in ("train", "test")}
            )
        }
    out = {}
    cols = dataset.select_columns(["source", *ID_COLUMNS]).to_dict()
    for config in configs or SPLIT_CONFIGS[corpus]:
        if corpus == "pku_mmd":
            if config not in extra.get("splits", {}):
                continue
            train, test = (set(x) for x in extra["splits"][config])
            tags = ["train" if s in train else ("test" if s in test else None) for s in cols["source"]]
        else:
            tags = [
                split_of(corpus, config, {k: cols[k][i] for k in ID_COLUMNS}) for i in range(len(dataset))
            ]
        dd = DatasetDict(
            {s: dataset.select([i for i, t in enumerate(tags) if t == s]) for s in ("train", "test")}
        )
        if corpus == "toyota_smarthome" and config.startswith("cv"):
            dd = dd.filter(lambda b: [lab in _TOYOTA_CV_REMAP for lab in b["label"]], batched=True)
            features = dd["train"].features.copy()
            features["label"] = ClassLabel(names=TOYOTA_CV_CLASSES)
            dd = dd.map(
                lambda b: {"label": [_TOYOTA_CV_REMAP[lab] for lab in b["label"]]},
                batched=True,
                features=features,
            )
        out[config] = dd
    return out


def convert_corpus(
    corpus: str,
    raw_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    configs: tuple[str, ...] | None = None,
    parquet: bool = True,
    push_to_hub: str | None = None,
    num_workers: int | None = None,
    progress: bool = True,
    accept_terms: bool = False,
    **options,
) -> ConversionReport:
    """Build a corpus and write each split config to ``out_dir/<config>`` (``save_to_disk``), Parquet files
    to ``out_dir/parquet/<config>/<split>.parquet``, the skip report to ``out_dir/conversion_report.json``;
    ``push_to_hub="user/repo"`` then uploads the configs with :func:`sugar_hf.hub.push_dataset` (dataset card;
    a research corpus only with ``accept_terms=True``, checked before any conversion work, and privately)."""
    import shutil

    import datasets

    from ..hub.publish import check_upload_terms

    if push_to_hub:
        check_upload_terms(corpus, accept_terms)
    bars_were_on = datasets.is_progress_bar_enabled()
    if not progress:
        datasets.disable_progress_bars()
    try:
        report = _convert(corpus, raw_dir, out_dir, configs, parquet, num_workers, progress, options)
    finally:
        if bars_were_on:
            datasets.enable_progress_bars()
        shutil.rmtree(Path(out_dir) / "_cache", ignore_errors=True)
    if push_to_hub:
        from ..hub.publish import push_dataset

        push_dataset(out_dir, push_to_hub, corpus=corpus, accept_terms=accept_terms, configs=configs)
    return report


def _convert(corpus, raw_dir, out_dir, configs, parquet, num_workers, progress, options):
    """Convert into a fresh sibling folder and move it into place: a failed run leaves nothing behind."""
    out = Path(out_dir)
    raw = Path(raw_dir)
    if not raw.exists():
        raise FileNotFoundError(f"raw folder {raw} does not exist")
    if not raw.is_dir():
        raise FileNotFoundError(f"{raw} is not a folder")
    if corpus == "folder":
        if not options.get("labels_csv"):
            raise ValueError(
                "`convert folder` needs --labels-csv FILE: a CSV with a header file,label[,subject,camera,setup,"
                "view,split] and one row per clip (file paths relative to the raw folder)"
            )
        if not Path(options["labels_csv"]).is_file():
            raise FileNotFoundError(f"labels CSV {options['labels_csv']} does not exist")
    made_parent = next((p for p in reversed(out.parents) if not p.exists()), None)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        report = _convert_into(work, corpus, raw, configs, parquet, num_workers, progress, options)
        shutil.rmtree(work / "_cache", ignore_errors=True)
        if not out.exists():
            work.rename(out)
        else:
            for item in work.iterdir():
                target = out / item.name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
                item.rename(target)
            work.rmdir()
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if made_parent is not None:
            shutil.rmtree(made_parent, ignore_errors=True)
        raise
    return report


def _convert_into(out: Path, corpus, raw_dir, configs, parquet, num_workers, progress, options):
    cache = out / "_cache"
    if corpus == "folder":
        folder_options = {k: v for k, v in options.items() if k != "labels_csv"}
        dataset, report, extra = build_folder(
            raw_dir, options["labels_csv"], cache_dir=cache, num_workers=num_workers, progress=progress,
            **folder_options,
        )  # fmt: skip
    else:
        dataset, report, extra = build_corpus(
            corpus, raw_dir, cache_dir=cache, num_workers=num_workers, progress=progress, **options
        )
    for config, dd in make_split_configs(corpus, dataset, extra, configs).items():
        if "test" not in dd and not any(w.startswith("no test split") for w in report.warnings):
            report.warnings.append(NO_TEST_SPLIT if corpus == "folder" else f"{config}: no test split")
        dd.save_to_disk(str(out / config))
        if parquet:
            for split, ds in dd.items():
                target = out / "parquet" / config / f"{split}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                ds.to_parquet(str(target))
    report.save(out / "conversion_report.json")
    return report
