"""The README's "Your own skeletons" section, run exactly as written on a generated corpus.

The commands are extracted from the section's fenced ``bash`` blocks (one command a line, ``\\`` continuations
joined, ``#`` comments dropped) and its ``python`` blocks. Every ``bash`` line must be a ``sugar-hf`` command: it
runs in-process through ``sugar_hf.cli.main`` with the line's exact arguments (the same entry point as the
console script, without paying the torch/transformers import once per line), in a temporary folder that holds
the four corpora the section describes. ``python`` blocks run as written in that folder. Pushes in the section
are ``--dry-run``s: nothing is uploaded (the real upload path is tested with a fake ``HfApi`` in
``tests/test_own_data.py``).
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import os
import re
import shlex
import time
from pathlib import Path

import numpy as np
import pytest

from sugar_hf.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## Your own skeletons"
POSE_EXPORTS = "\n### From a pose estimator's export"
CLASSES = ("wave", "clap", "kick")
SUBJECTS = ("s01", "s02", "s03")


def section_blocks(text: str = None) -> list[tuple[str, str]]:
    """``[(language, code)]`` of the fenced blocks under the section heading, in order."""
    text = README.read_text(encoding="utf-8") if text is None else text
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    end = end if end > 0 else len(text)
    exports = text.find(POSE_EXPORTS, start, end)  # its own test: tests/test_readme_pose_exports.py
    body = text[start : exports if exports > 0 else end]
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", body, re.S | re.M)]


def bash_commands(code: str) -> list[list[str]]:
    joined = code.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(shlex.split(line, comments=True))
    return out


def _clips(root: Path, name: str, shape_of, *, split: bool, edges: str | None = None, seed: int = 0) -> None:
    """``root/name/clips/<subject>_<class>_<k>.npy`` and ``root/name/labels.csv``."""
    rng = np.random.default_rng(seed)
    folder = root / name
    (folder / "clips").mkdir(parents=True)
    rows = []
    for subject in SUBJECTS:
        for c, label in enumerate(CLASSES):
            for k in range(2):
                shape = shape_of(k)
                clip = 0.05 * rng.standard_normal(shape).astype(np.float32)
                frames = shape[-3]
                clip[..., 0] += np.sin(np.linspace(0, (c + 1) * np.pi, frames))[:, None]
                rel = f"clips/{subject}_{label}_{k}.npy"
                np.save(folder / rel, clip)
                row = {"file": rel, "label": label, "subject": subject}
                if split:
                    row["split"] = "test" if subject == "s03" else "train"
                rows.append(row)
    with open(folder / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if edges:
        (folder / "edges.txt").write_text(edges, encoding="utf-8")


def write_corpora(root: Path) -> None:
    _clips(root, "my_coco", lambda k: (14 + k, 17, 2), split=False)  # COCO-17 2-D, no split column
    _clips(root, "my_coco_scores", lambda k: (14, 17, 3), split=True, seed=1)  # x, y, confidence
    _clips(root, "my_kinect", lambda k: (1 + k, 12, 25, 3), split=False, seed=2)  # 3-D NTU-25, 1-2 persons
    rig = "# pelvis-rooted five-joint rig\n0 1\n1 2\n0 3\n0 4\n"
    _clips(root, "my_rig", lambda k: (12, 5, 3), split=False, edges=rig, seed=3)


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """Run every command of the section in order; returns ``{"root", "outputs", "seconds", "skipped"}``."""
    root = tmp_path_factory.mktemp("readme_own_data")
    write_corpora(root)
    blocks = section_blocks()
    assert [lang for lang, _ in blocks].count("bash") >= 3, "the section lost its command blocks"
    outputs: list[tuple[list[str], str]] = []
    skipped: list[str] = []
    start, here = time.perf_counter(), os.getcwd()
    os.chdir(root)
    try:
        for lang, code in blocks:
            if lang == "bash":
                for argv in bash_commands(code):
                    assert argv[0] == "sugar-hf", f"README command is not a sugar-hf command: {argv}"
                    out = io.StringIO()
                    with contextlib.redirect_stdout(out):
                        code_ = main(argv[1:])
                    assert code_ == 0, f"{shlex.join(argv)} exited {code_}:\n{out.getvalue()[-3000:]}"
                    outputs.append((argv, out.getvalue()))
            elif lang == "python":
                if (
                    "skeleton-action-recognition" in code
                    and importlib.util.find_spec("sugar_hf.pipeline_sugar") is None
                ):
                    skipped.append(
                        "the pipeline block: sugar_hf.pipeline_sugar (the custom pipeline) is not built yet"
                    )
                    continue
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(code, "README.md (python block)", "exec"), {"__name__": "__readme__"})
                outputs.append((["python"], out.getvalue()))
    finally:
        os.chdir(here)
    return {"root": root, "outputs": outputs, "seconds": time.perf_counter() - start, "skipped": skipped}


def _output(run, *words) -> str:
    for argv, text in run["outputs"]:
        if all(w in argv for w in words):
            return text
    raise AssertionError(f"no README command with {words}")


def test_readme_commands_convert_train_evaluate_predict_and_push(readme_run):
    from datasets import load_dataset, load_from_disk

    root = readme_run["root"]
    coco = load_from_disk(str(root / "data" / "coco2d" / "csv"))
    assert sorted(coco) == ["test", "train"] and set(coco["test"]["subject_name"]) == {"s03"}
    assert coco["train"].features["skeleton"].shape[1:] == (17, 2)
    for name, shape in (("coco_scores", (17, 3)), ("kinect", (25, 3)), ("rig", (5, 3))):
        dd = load_from_disk(str(root / "data" / name / "csv"))
        assert sorted(dd) == ["test", "train"] and dd["train"].features["skeleton"].shape[1:] == shape
        report = json.loads((root / "data" / name / "conversion_report.json").read_text())
        assert report["balanced"] and report["inputs"] == report["written"] == 18

    from sugar_hf import SugarForActionRecognition

    stage2 = SugarForActionRecognition.from_pretrained(root / "runs" / "coco2d_stage2")
    assert stage2.config.encoder_config.in_channels == 2 and stage2.config.encoder_config.layout == "coco17"
    from sugar_hf.modeling_baseline import SugarForSkeletonClassification

    with_scores = SugarForSkeletonClassification.from_pretrained(root / "runs" / "scores_baseline_xys")
    assert (with_scores.config.encoder_config.in_channels, with_scores.config.encoder_config.coordinate_channels) == (3, 2)
    for run in ("coco2d_baseline", "coco2d_stage1", "coco2d_stage2", "scores_baseline", "scores_baseline_xys",
                "rig_baseline"):  # fmt: skip
        metrics = json.loads((root / "runs" / run / "eval_metrics.json").read_text())
        assert 0.0 <= metrics["top1"] <= 1.0 and sum(map(sum, metrics["confusion_matrix"])) == 6

    assert json.loads((root / "eval" / "coco2d_stage2" / "metrics.json").read_text())["num_samples"] == 6
    assert "top-1" in _output(readme_run, "evaluate", "runs/coco2d_baseline")
    zero_shot = json.loads(_output(readme_run, "predict", "--candidates"))
    assert {p["label"] for p in zero_shot[0]["predictions"]} == {"wave", "clap", "jump rope"}
    assert abs(sum(p["score"] for p in zero_shot[0]["predictions"]) - 1) < 1e-4
    baseline = json.loads(_output(readme_run, "predict", "runs/coco2d_baseline"))
    assert {p["label"] for p in baseline[0]["predictions"]} == set(CLASSES)
    text = _output(readme_run, "predict", "--top-k")
    assert (
        "my_coco/clips/s03_kick_1.npy" in text
        and len([ln for ln in text.splitlines() if ln.startswith("  ")]) == 6
    )

    assert (root / "out" / "model_repo" / "config.json").exists()
    repo = root / "out" / "dataset_repo"
    assert not list(repo.rglob("*.arrow")) and (repo / "csv" / "train-00000-of-00001.parquet").exists()
    assert load_dataset(str(repo), "csv")["test"].num_rows == 6


def test_readme_pipeline_block(readme_run):
    if readme_run["skipped"]:
        pytest.skip("; ".join(readme_run["skipped"]))
    text = _output(readme_run, "python")
    assert "'label'" in text and "'score'" in text


def test_readme_section_runs_in_budget(readme_run):
    """The whole section, SmolLM2 stage 2 included, runs in about a minute on one CPU thread."""
    assert readme_run["seconds"] < 150, readme_run["seconds"]
