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
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..skeleton.layouts import get_layout
from ..skeleton.readers import (
    SkeletonFormatError,
    SkeletonSequence,
    cut_clips,
    cut_utkinect_clips,
    parse_ntu_name,
    read_array,
    read_label_csv,
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


def skeleton_features(layout: str, class_names: list[str], channels: int = 3):
    """The explicit ``datasets.Features`` of a corpus with the given joint layout and channel count."""
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
    if ann is None:
        raise SkeletonFormatError(path, None, f"no annotation for video {seq.name}")
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
    return [sequence_to_row(read_utd_mhad(path), Path(path).name)]


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
    row_meta = opts["rows"][path]
    seq.label = row_meta["label"]
    for key in ID_COLUMNS:
        if str(row_meta.get(key, "")).lstrip("-").isdigit():
            seq.meta[key] = int(row_meta[key])
    return [sequence_to_row(seq, Path(path).name)]


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


def _run_task(args: tuple[str, str, dict]) -> tuple[str, list[dict] | None, str | None]:
    corpus, path, opts = args
    try:
        return path, _TASKS[corpus](path, opts), None
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
        annotations, subsets = {}, {}
        for p in _find(raw, "*.json"):
            obj = json.loads(p.read_text(encoding="utf-8"))
            for video in obj if isinstance(obj, dict) else []:
                annotations[video] = read_tsu_annotations(p, video)
                subsets[video] = obj[video].get("subset")
        action_list = _find(raw, "Action_list*")
        if not action_list:
            raise FileNotFoundError(f"no Action_list.txt under {raw}")
        files = [str(p) for p in _find(raw, "*.npz")]
        return _Plan(
            files,
            {"annotations": annotations},
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
    corpus: str, plan: _Plan, report: ConversionReport, num_workers: int | None, progress: bool
) -> Iterator[dict]:
    from tqdm.auto import tqdm

    tasks = [(corpus if corpus in _TASKS else "folder", f, plan.opts) for f in plan.files]
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
    from datasets import Dataset

    start = time.perf_counter()
    plan = _plan(corpus, Path(raw_dir), **options)
    report = ConversionReport(corpus, inputs=len(plan.files) + len(plan.listed_missing))
    report.listed_missing = [Path(p).name for p in plan.listed_missing]
    dataset = Dataset.from_generator(
        _parse,
        features=skeleton_features(CORPUS_LAYOUT[corpus], plan.class_names, 2 if corpus == "tsu" else 3),
        gen_kwargs={
            "corpus": corpus,
            "plan": plan,
            "report": report,
            "num_workers": num_workers,
            "progress": progress,
        },
        cache_dir=str(cache_dir) if cache_dir else None,
        fingerprint=uuid.uuid4().hex,
    )
    dataset.info.description = json.dumps({"corpus": corpus, "layout": CORPUS_LAYOUT.get(corpus, "custom")})
    report.seconds = time.perf_counter() - start
    return dataset, report, plan.extra


def build_folder(
    folder: str | os.PathLike,
    labels_csv: str | os.PathLike,
    layout: str,
    *,
    cache_dir: str | os.PathLike | None = None,
    num_workers: int | None = None,
    progress: bool = True,
):
    """A generic folder of ``.npy``/``.npz`` arrays with a CSV (``file,label[,subject,camera,setup,view,split]``).

    Class names are the sorted distinct labels (or ``0..max`` when labels are integers). Returns
    ``(dataset, report)``; a ``split`` column, when present, is kept in ``report``-independent form via
    :func:`make_split_configs` with ``config="csv"``.
    """
    from datasets import Dataset

    start = time.perf_counter()
    rows = read_label_csv(labels_csv)
    raw = [r["label"].strip() for r in rows]
    classes = (
        [str(i) for i in range(max(map(int, raw)) + 1)] if all(v.isdigit() for v in raw) else sorted(set(raw))
    )
    by_path = {}
    for row, value in zip(rows, raw):
        by_path[str(Path(folder) / row["file"].strip())] = dict(row, label=classes.index(value))
    plan = _Plan(list(by_path), {"layout": layout, "rows": by_path}, classes)
    lay = get_layout(layout)
    report = ConversionReport("folder", inputs=len(plan.files))
    channels = 3
    for p in plan.files:  # channel count from the first readable array
        try:
            channels = read_array(p, layout).data.shape[-1]
            break
        except SkeletonFormatError:
            continue
    features = skeleton_features(lay, classes, channels)
    dataset = Dataset.from_generator(
        _parse,
        features=features,
        gen_kwargs={
            "corpus": "folder",
            "plan": plan,
            "report": report,
            "num_workers": num_workers,
            "progress": progress,
        },
        cache_dir=str(cache_dir) if cache_dir else None,
        fingerprint=uuid.uuid4().hex,
    )
    splits = {str(Path(folder) / r["file"].strip()): r.get("split", "train") for r in rows}
    dataset.info.description = json.dumps({"corpus": "folder", "layout": lay.name})
    report.seconds = time.perf_counter() - start
    return dataset, report, {"splits": {Path(k).name: v for k, v in splits.items()}}


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
        names = dataset["source"]
        parts = {
            s: [i for i, n in enumerate(names) if split.get(n) == s] for s in sorted(set(split.values()))
        }
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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache = out / "_cache"
    if corpus == "folder":
        dataset, report, extra = build_folder(
            raw_dir,
            options["labels_csv"],
            options["layout"],
            cache_dir=cache,
            num_workers=num_workers,
            progress=progress,
        )
    else:
        dataset, report, extra = build_corpus(
            corpus, raw_dir, cache_dir=cache, num_workers=num_workers, progress=progress, **options
        )
    for config, dd in make_split_configs(corpus, dataset, extra, configs).items():
        dd.save_to_disk(str(out / config))
        if parquet:
            for split, ds in dd.items():
                target = out / "parquet" / config / f"{split}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                ds.to_parquet(str(target))
    report.save(out / "conversion_report.json")
    return report
