"""Raw corpus folder -> ``datasets.DatasetDict``, one config per official split.

The pipeline: list the input files, parse them in worker processes (each file independently, so one broken
file costs only itself), write rows through :meth:`datasets.Dataset.from_generator` with explicit
``Features``, then cut each split config out of the one parsed table. Every input is accounted for in a
:class:`ConversionReport`: ``inputs == written + skipped + listed_missing``.

Rows follow the schema of :mod:`sugar_hf.corpora.rows`; what is specific to a corpus (its files, reader,
classes, splits) is its :class:`~sugar_hf.corpora.CorpusSpec` in :mod:`sugar_hf.corpora`.

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
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..corpora import CorpusPlan, get_corpus
from ..corpora.rows import ID_COLUMNS, skeleton_features
from ..skeleton.readers import SkeletonFormatError, read_array
from ..skeleton_layouts import LAYOUTS, SkeletonLayout, custom_layout, get_layout


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
    tracking: list[dict] = field(default_factory=list)  # pose exports: {"file", persons, tracks, filled...}
    counts: dict = field(default_factory=dict)  # {config: {split: {class: clips}}}

    @property
    def balanced(self) -> bool:
        return self.inputs == self.written + len(self.skipped) + len(self.listed_missing)

    def summary(self) -> str:
        return (
            f"{self.corpus}: {self.inputs} inputs = {self.written} written + {len(self.skipped)} skipped + "
            f"{len(self.listed_missing)} listed-missing; {self.rows} rows in {self.seconds:.1f} s"
        )

    def skip_summary(self, first: int = 5) -> list[str]:
        """The skipped inputs in a few lines: one count per reason (``kind``) and the first ``first`` reasons
        (a CSV of a million bad rows prints a dozen lines, not a million; the saved report has them all)."""
        if not self.skipped:
            return []
        counts: dict[str, int] = {}
        for item in self.skipped:
            kind = item.get("kind", "unreadable file")
            counts[kind] = counts.get(kind, 0) + 1
        lines = [f"skipped {len(self.skipped)}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())]
        lines += [f"skipped: {item['reason'][:300]}" for item in self.skipped[:first]]
        if len(self.skipped) > first:
            lines.append(f"... and {len(self.skipped) - first} more (all in conversion_report.json)")
        return lines

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
        rows = get_corpus(corpus).task(path, opts)
        _check_rows(path, rows, expect)
        return path, rows, None
    except SkeletonFormatError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a reader bug must not kill a 100k-file run; it is reported, never hidden
        return path, None, f"{path}: unexpected {type(exc).__name__}: {exc}"


def _parse(
    corpus: str,
    plan: CorpusPlan,
    report: ConversionReport,
    num_workers: int | None,
    progress: bool,
    expect: dict,
) -> Iterator[dict]:
    from tqdm.auto import tqdm

    tasks = [
        (corpus, f, {**plan.opts, **plan.per_file[f]} if f in plan.per_file else plan.opts, expect)
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
            report.skipped.append({"file": path, "reason": error, "kind": "unreadable file"})
            continue
        report.written += 1
        report.rows += len(rows)
        for row in rows:  # a pose export's tracking report travels with its row, never into the dataset
            tracking = row.pop("_tracking", None)
            if tracking is not None:
                report.tracking.append({"file": path, **tracking})
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
        corpus: a registered corpus key (:func:`sugar_hf.corpora.available_corpora`) other than ``folder``.
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
    spec = get_corpus(corpus)
    if spec.plan is None:
        raise KeyError(f"corpus {corpus!r} is not built from a raw release folder (see build_folder)")
    plan = spec.plan(Path(raw_dir), **options)
    report = ConversionReport(corpus, inputs=len(plan.files) + len(plan.listed_missing))
    report.listed_missing = [Path(p).name for p in plan.listed_missing]
    channels = spec.channels_for(options)
    layout = get_layout(spec.layout)
    expect = {"joints": layout.num_joints, "channels": channels, "num_classes": len(plan.class_names),
              "why": f"the {corpus} reader's output"}  # fmt: skip
    dataset = _generate(
        skeleton_features(layout, plan.class_names, channels), corpus, plan, report, num_workers, progress, expect,
        cache_dir,
    )  # fmt: skip
    dataset.info.description = json.dumps({"corpus": corpus, "layout": spec.layout})
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


MAX_CSV_BYTES = 64 * 2**20
"""Largest labels CSV ``convert folder`` reads (a row is ~50 bytes: over a million clips)."""
MAX_CSV_ROWS = 1_000_000
"""Most rows of a labels CSV (more is refused before any row is kept)."""
MAX_CSV_FIELD = 4096
"""Longest CSV cell (a path or a label)."""
_COLUMN_NAME = re.compile(r"[\w .-]{1,40}")


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot be a class name, or ``None``: control / format characters (newlines, tabs, NUL,
    U+2028 / U+2029, bidi overrides...) break configs, cards and terminals; a leading ``= + - @`` is a formula
    when a class list is opened in a spreadsheet."""
    import unicodedata

    bad = next((c for c in label if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")), None)
    if bad is not None:
        return f"a control character U+{ord(bad):04X}"
    if label[:1] in "=+-@":
        return f"a leading {label[0]!r} (read as a spreadsheet formula)"
    if len(label) > 200:
        return f"{len(label)} characters (at most 200)"
    return None


def _shown(text: str, n: int = 60) -> str:
    """A CSV value for a message: escaped (no control character reaches a terminal) and cut."""
    return ascii(text[:n]) + ("..." if len(text) > n else "")


def _inside(folder_real: Path, rel: str) -> tuple[Path | None, str | None]:
    """``(resolved path, None)`` of a CSV ``file`` value inside the raw folder, or ``(None, why not)``: absolute
    paths, ``..`` parts and symlinks that resolve outside the folder are refused before anything is opened."""
    pure = Path(rel)
    if pure.is_absolute() or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return None, "an absolute path (paths are relative to the raw folder)"
    if ".." in pure.parts or ".." in rel.replace("\\", "/").split("/"):
        return None, "a '..' path part (paths must stay inside the raw folder)"
    try:
        resolved = (folder_real / pure).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL in the name
        return None, f"an unresolvable path ({type(exc).__name__})"
    if not resolved.is_relative_to(folder_real):
        return None, "a symlink leading outside the raw folder"
    return resolved, None


def _read_folder_csv(
    labels_csv: Path, folder: Path, report: ConversionReport, folders: bool = False
) -> tuple[list[dict], list[str]]:
    """The usable rows of the labels CSV (every other row is reported as skipped, with its line) and the header.

    The CSV is read like an untrusted skeleton file (a regular file, at most ``MAX_CSV_BYTES``, at most
    ``MAX_CSV_ROWS`` rows); a row's file must resolve inside ``folder`` (no absolute path, no ``..``, no symlink
    out of it) and is a duplicate when it resolves to a file listed before; a label must be a clean class name
    (:func:`label_problem`). Messages never quote the CSV's content beyond an escaped, cut value.
    """
    from ..skeleton.readers import ReadLimits
    from ..skeleton.readers.base import read_bytes

    try:
        raw = read_bytes(labels_csv, ReadLimits(max_file_bytes=MAX_CSV_BYTES))
    except SkeletonFormatError as exc:
        raise ValueError(f"labels CSV {labels_csv}: {exc.reason}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"labels CSV {labels_csv} is not UTF-8 text") from None
    if "\x00" in text:
        raise ValueError(f"labels CSV {labels_csv} holds NUL bytes: not a text CSV")
    del raw
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise ValueError(f"{labels_csv}:1: the header is not a CSV row ({exc})") from None
    header = [h.strip() for h in fieldnames]
    reader.fieldnames = header
    if "file" not in header or "label" not in header:
        names = [h for h in header if _COLUMN_NAME.fullmatch(h)]
        shown = f"{len(header)} columns" + (f" ({', '.join(names[:10])})" if len(names) == len(header) else "")
        raise ValueError(
            f"{labels_csv}:1: the header must name 'file' and 'label' columns (optional: subject, camera, setup, "
            f"view, split), found {shown}"
        )
    folder_real = folder.resolve()
    rows, first_line = [], {}
    rows_iter = iter(reader)
    while True:
        try:
            row = next(rows_iter)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            where = f"{labels_csv}:{line}"
            report.inputs += 1
            report.skipped.append({"file": where, "reason": f"{where}: not a CSV row ({exc})"[:200],
                                   "kind": "broken CSV row"})  # fmt: skip
            if "field larger" not in str(exc):
                break  # the reader cannot resynchronise after an unterminated quote
            continue
        line = reader.line_num
        where = f"{labels_csv}:{line}"
        report.inputs += 1
        if report.inputs > MAX_CSV_ROWS:
            raise ValueError(f"labels CSV {labels_csv} has more than {MAX_CSV_ROWS:,} rows (MAX_CSV_ROWS)")

        def skip(kind: str, reason: str, file: str | None = None, where: str = where) -> None:
            report.skipped.append({"file": file or where, "reason": f"{where}: {reason}", "kind": kind})

        if None in row or any(v is None for v in row.values()):
            count = len(header) + len(row.get(None) or []) - sum(v is None for v in row.values())
            skip("wrong column count", f"{count} columns, the header has {len(header)}")
            continue
        rel, label = row["file"].strip(), row["label"].strip()
        if not rel or not label:
            skip("empty file or label", "empty file name" if not rel else "empty label")
            continue
        problem = label_problem(label)
        if problem is not None:
            skip("refused label", f"label {_shown(label, 40)} has {problem}")
            continue
        path, why = _inside(folder_real, rel)
        if path is None:
            skip("outside the raw folder", f"file {_shown(rel)} is {why}")
            continue
        key = Path(rel).as_posix()
        if path in first_line:
            skip("duplicate", f"file {_shown(rel)} is listed again (the same file as line {first_line[path]})")
            continue
        first_line[path] = line
        if not (path.is_file() or (folders and path.is_dir())):  # a folder: OpenPose / YOLO-pose frames
            what = "not found" if not path.exists() else "not a regular file"
            skip("missing file", f"file {_shown(rel)} is {what}", str(folder / rel))
            continue
        rows.append(
            {**{k: (v or "").strip() for k, v in row.items()}, "file": key, "_path": str(path), "_line": line,
             "_root": str(folder_real)}  # fmt: skip
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
        return _subject_splits(rows, header, test_subjects, test_fraction, rng)
    return _random_splits(rows, 0.2 if test_fraction is None else test_fraction, rng)


def _subject_splits(rows: list[dict], header: list[str], test_subjects: list[str] | None,
                    test_fraction: float | None, rng: np.random.Generator) -> dict[str, str]:  # fmt: skip
    """``--split-by subject``: the clips of ``test_subjects`` (or of a seeded fraction of the subjects) test."""
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


def _random_splits(rows: list[dict], fraction: float, rng: np.random.Generator) -> dict[str, str]:
    """``--split-by random``: a seeded ``fraction`` of each class's clips (at least one, never all) test."""
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
    format: str | None = None,
    max_persons: int = 2,
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

    ``format`` (:data:`~sugar_hf.corpora.folder.FOLDER_FORMATS`) reads pose-estimator exports instead (a CSV
    row names an export file or a folder of frames): layout, channels and ``coordinate_channels`` default to
    the first readable export's, ``max_persons`` people are kept per clip, and each clip's tracking report
    lands in ``report.tracking``. A single class is refused.

    Returns ``(dataset, report, extra)``; ``extra["splits"]`` maps each row's ``source`` to its split.
    """
    from ..corpora.folder import check_format

    start = time.perf_counter()
    folder, labels_csv = Path(folder), Path(labels_csv)
    _check_folder_inputs(folder, labels_csv)
    fmt = check_format(format)
    lay = resolve_layout(layout, edges, center_joint) if fmt == "array" or layout or edges else None
    report = ConversionReport("folder")
    rows, header = _read_folder_csv(labels_csv, folder, report, folders=fmt != "array")
    if not rows:
        raise ConversionFailed(report)
    lay, channels, coordinate_channels, why = _folder_exports(rows, fmt, lay, channels, coordinate_channels,
                                                              max_persons)  # fmt: skip
    classes = _folder_classes(rows)
    _check_classes(classes, rows, labels_csv)
    id_names = _encode_ids(rows, header)
    splits = folder_splits(rows, header, split_by, test_subjects=test_subjects, test_fraction=test_fraction,
                           seed=seed)  # fmt: skip
    plan = _folder_plan(rows, classes, lay)
    plan.opts.update(format=fmt, max_persons=max_persons)
    if why is None:
        channels, why = _folder_channels(plan, lay, channels)
    _check_coordinate_channels(coordinate_channels, channels, why)
    expect = {"joints": lay.num_joints, "channels": int(channels), "num_classes": len(classes), "why": why}
    features = skeleton_features(lay, classes, int(channels), tuple(id_names))
    dataset = _generate(features, "folder", plan, report, num_workers, progress, expect, cache_dir)
    dataset.info.description = _folder_description(lay, channels, id_names, coordinate_channels)
    if fmt != "array":
        described = json.loads(dataset.info.description)
        dataset.info.description = json.dumps({**described, "format": fmt, "max_persons": max_persons})
    report.seconds = time.perf_counter() - start
    return dataset, report, {"splits": splits}


def _folder_exports(rows, fmt, lay, channels, coordinate_channels, max_persons):
    """``(layout, channels, coordinate_channels, why)``: for pose exports, what the first readable export says
    where the options do not (``why`` ``None``: arrays only, the channel count is found as before)."""
    from ..corpora.folder import is_array, probe_exports

    if fmt == "array" or all(is_array(r["_path"], fmt) for r in rows):
        return lay or get_layout("ntu25"), channels, coordinate_channels, None
    found = probe_exports([r["_path"] for r in rows], fmt, lay, max_persons)
    why = found["why"] if channels is None else "set by --channels"
    coordinates = found["coordinate_channels"] if coordinate_channels is None else coordinate_channels
    return found["layout"], channels or found["channels"], coordinates, why


def _check_classes(classes: list[str], rows: list[dict], labels_csv: Path) -> None:
    """Refuse a single class: a classifier of one class is right on every clip (top-1 100 %, meaning nothing)."""
    used = sorted({r["label"] for r in rows})
    if len(used) < 2:
        raise ValueError(
            f"{labels_csv}: every one of the {len(rows)} usable rows has the label {used[0]!r}: an action "
            "classifier needs at least two classes (its top-1 would be 100 % whatever it learns)"
        )


def _check_folder_inputs(folder: Path, labels_csv: Path) -> None:
    """Fail early (and say which) when the raw folder or the labels CSV is not there."""
    if not folder.is_dir():
        raise FileNotFoundError(f"raw folder {folder} does not exist" if not folder.exists()
                                else f"{folder} is not a folder")  # fmt: skip
    if not labels_csv.is_file():
        raise FileNotFoundError(f"labels CSV {labels_csv} does not exist")


def _folder_classes(rows: list[dict]) -> list[str]:
    """The class names: ``0..max`` when every label is an integer, else the sorted distinct labels."""
    raw = [r["label"] for r in rows]
    return (
        [str(i) for i in range(max(map(int, raw)) + 1)] if all(v.isdigit() for v in raw) else sorted(set(raw))
    )


def _check_coordinate_channels(coordinate_channels: int | None, channels: int, why: str) -> None:
    """``--coordinate-channels`` must lie in ``1..channels`` (``why``: where the channel count came from)."""
    if coordinate_channels is not None and not 1 <= int(coordinate_channels) <= int(channels):
        raise ValueError(
            f"--coordinate-channels {coordinate_channels}: the clips have {channels} channels per joint ({why})"
        )


def _folder_description(
    layout: SkeletonLayout, channels: int, id_names: dict[str, list[str]], coordinate_channels: int | None
) -> str:
    """The ``info.description`` JSON of a folder dataset: corpus, layout record, channels, id names."""
    described = {
        "corpus": "folder",
        "layout": _layout_record(layout),
        "channels": int(channels),
        "id_names": id_names,
    }
    if coordinate_channels is not None:
        described["coordinate_channels"] = int(coordinate_channels)
    return json.dumps(described)


def _folder_plan(rows: list[dict], classes: list[str], layout: SkeletonLayout) -> CorpusPlan:
    """One file per usable CSV row, each with its row's label, ids, string ids and source as its own options."""
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
    root = str(Path(rows[0]["_root"])) if rows else ""
    return CorpusPlan(list(per_file), {"layout": layout, "root": root}, classes, per_file=per_file)


def _folder_channels(plan: CorpusPlan, layout: SkeletonLayout, channels: int | None) -> tuple[int, str]:
    """``(channels, why)``: ``--channels``, else that of the first readable array (3 when none is readable)."""
    if channels is not None:
        return channels, "set by --channels"
    for p in plan.files:
        try:
            found = read_array(p, layout).data.shape[-1]
        except SkeletonFormatError:
            continue
        return found, f"set by the first readable array, {Path(p).name}; --channels picks another"
    return 3, "set by --channels"


def make_split_configs(
    corpus: str, dataset, extra: dict | None = None, configs: tuple[str, ...] | None = None
) -> dict:
    """Cut every split config of ``corpus`` (or those in ``configs``) out of the all-samples ``dataset``:
    ``{config: DatasetDict}``. Each row's split comes from the corpus's split rule (:class:`CorpusSpec`); a
    config on a subset of the classes (Toyota CV1/CV2) keeps only those and relabels them to the subset's order.
    """
    from datasets import DatasetDict

    spec = get_corpus(corpus)
    extra = extra or {}
    columns = dataset.select_columns(["source", *ID_COLUMNS]).to_dict()
    out = {}
    for config in configs or spec.split_configs:
        tags = spec.tags(config, columns, extra)
        if tags is None:  # the split list of this config is not in the raw release
            continue
        names = spec.split_names or sorted(set(tags) - {None})
        dd = DatasetDict({s: dataset.select([i for i, t in enumerate(tags) if t == s]) for s in names})
        if config in spec.config_classes:
            dd = _keep_classes(dd, spec.config_classes[config])
        out[config] = dd
    return out


def _keep_classes(dd, classes: tuple[str, ...]):
    """Only the rows of ``classes``, relabelled to that list's order."""
    from datasets import ClassLabel

    names = dd["train"].features["label"].names
    remap = {names.index(c): i for i, c in enumerate(classes)}
    dd = dd.filter(lambda b: [lab in remap for lab in b["label"]], batched=True)
    features = dd["train"].features.copy()
    features["label"] = ClassLabel(names=list(classes))
    return dd.map(lambda b: {"label": [remap[lab] for lab in b["label"]]}, batched=True, features=features)


def convert_corpus(
    corpus: str,
    raw_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    configs: tuple[str, ...] | None = None,
    parquet: bool = True,
    num_workers: int | None = None,
    progress: bool = True,
    **options,
) -> ConversionReport:
    """Build a corpus and write each split config to ``out_dir/<config>`` (``save_to_disk``), Parquet files
    to ``out_dir/parquet/<config>/<split>.parquet``, the skip report to ``out_dir/conversion_report.json``.

    Conversion never uploads: :func:`sugar_hf.hub.publish.push_dataset` uploads a converted folder (the CLI's
    ``sugar-hf convert --push-to-hub`` converts, then pushes)."""
    import datasets

    uploads = sorted({"push_to_hub", "accept_terms"} & set(options))
    if uploads:
        raise TypeError(
            f"convert_corpus() does not upload ({', '.join(uploads)}): convert, then call "
            "sugar_hf.hub.publish.push_dataset(out_dir, repo_id, corpus=..., accept_terms=...)"
        )
    bars_were_on = datasets.is_progress_bar_enabled()
    if not progress:
        datasets.disable_progress_bars()
    try:
        report = _convert(corpus, raw_dir, out_dir, configs, parquet, num_workers, progress, options)
    finally:
        if bars_were_on:
            datasets.enable_progress_bars()
        shutil.rmtree(Path(out_dir) / "_cache", ignore_errors=True)
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


def _count_classes(report: ConversionReport, config: str, dd, splits_warned: bool = True) -> None:
    """Clips per split and class into ``report.counts``; warn of a class with a single clip (it cannot be both
    trained and tested) and of a class that a held-out split lacks or that only a held-out split has."""
    names = next(iter(dd.values())).features["label"].names
    counts = {split: {name: 0 for name in names} for split in dd}
    for split, ds in dd.items():
        for label in ds["label"]:
            counts[split][names[label]] += 1
    report.counts[config] = counts
    total = {name: sum(c[name] for c in counts.values()) for name in names}
    single = [name for name, n in total.items() if n == 1]
    if single:
        report.warnings.append(
            f"{config}: {len(single)} class(es) with a single clip ({', '.join(single[:10])}): each is in one split "
            "only, so it is either never trained on or never tested"
        )
    held_out = [s for s in counts if s != "train"]
    for split in held_out if "train" in counts and splits_warned else []:
        missing = [n for n in names if counts["train"][n] and not counts[split][n]]
        untrained = [n for n in names if counts[split][n] and not counts["train"][n]]
        if missing:
            report.warnings.append(f"{config}: {split} has no clip of {', '.join(missing[:10])}")
        if untrained:
            report.warnings.append(f"{config}: {', '.join(untrained[:10])} appear in {split} only (never trained on)")


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
        _count_classes(report, config, dd, splits_warned=corpus == "folder")
        dd.save_to_disk(str(out / config))
        if parquet:
            for split, ds in dd.items():
                target = out / "parquet" / config / f"{split}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                ds.to_parquet(str(target))
    report.save(out / "conversion_report.json")
    return report
