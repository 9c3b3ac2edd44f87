"""The README's "From a pose estimator's export" subsection (under "Your own skeletons"), run exactly as written
on exports the test writes (COCO results, OpenPose folders, MediaPipe JSON + CSV, YOLO-pose text folders +
JSON, csv-frames): every ``bash`` line through ``sugar_hf.cli.main`` in-process, the ``python`` block as
written, in a temporary folder."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex

import pytest
from pose_export_fixtures import write_export_corpus
from test_readme_own_data import README, bash_commands

from sugar_hf.cli import main

HEADING = "### From a pose estimator's export"
FOLDERS = {"coco": "coco-json", "openpose": "openpose", "mediapipe": "mediapipe", "yolo": "yolo-pose",
           "frames": "csv-frames"}  # fmt: skip


def subsection_blocks() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start)
    body = text[start : end if end > 0 else len(text)]
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", body, re.S | re.M)]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("readme_pose_exports")
    for folder, fmt in FOLDERS.items():
        write_export_corpus(root / "my_poses" / folder, fmt)
    blocks = subsection_blocks()
    assert [lang for lang, _ in blocks].count("bash") == 5 and [lang for lang, _ in blocks].count("python") == 1
    outputs, here = [], os.getcwd()
    os.chdir(root)
    try:
        for lang, code in blocks:
            if lang == "bash":
                for argv in bash_commands(code):
                    assert argv[0] == "sugar-hf", argv
                    out, err = io.StringIO(), io.StringIO()
                    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                        status = main(argv[1:])
                    assert status == 0, f"{shlex.join(argv)} exited {status}:\n{err.getvalue()[-3000:]}"
                    outputs.append((argv, out.getvalue()))
            else:
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(code, "README.md (python block)", "exec"), {"__name__": "__readme__"})
                outputs.append((["python"], out.getvalue()))
    finally:
        os.chdir(here)
    return root, outputs


def test_every_format_of_the_subsection_converts_trains_and_predicts(run):
    root, outputs = run
    converted = [text for argv, text in outputs if argv[1:3] == ["convert", "folder"]]
    assert len(converted) == 5
    for text in converted:
        assert "12 inputs = 12 written + 0 skipped" in text and "csv/test: 4 clips" in text
        assert "12 with missing detections filled" in text
    for folder in FOLDERS:
        report = json.loads((root / "data" / f"poses_{folder}" / "conversion_report.json").read_text())
        assert report["balanced"] and len(report["tracking"]) == 12
        assert (root / "runs" / f"poses_{folder}" / "config.json").exists()
    predicted = [(argv, text) for argv, text in outputs if argv[1:2] == ["predict"]]
    assert len(predicted) == 5
    for argv, text in predicted:
        ranked = [line for line in text.splitlines() if line.startswith("  ")]
        files = [a for a in argv[3:] if a.startswith("my_poses/")]
        assert len(ranked) == 2 * len(files) and {line.split()[-1] for line in ranked} == {"wave", "clap"}


def test_the_pipeline_block_reads_an_openpose_folder(run):
    _, outputs = run
    text = outputs[-1][1]
    assert outputs[-1][0] == ["python"] and "'label'" in text and "'score'" in text
