"""Converters on broken corpus files: a bad file is skipped with its reason, never the whole conversion (issue 15)."""

from __future__ import annotations

import json
import shutil

import numpy as np

from sugar_hf.data.builders import convert_corpus


def _tsu_corpus(raw):
    raw.mkdir()
    (raw / "Action_list.txt").write_text("".join(f"{i}\taction {i}\n" for i in range(51)))
    rng = np.random.default_rng(0)
    for video in ("P01T01C01", "P02T01C01", "P03T01C01"):
        np.savez(raw / f"{video}_LCRNet2d.npz", kpts=rng.normal(size=(40, 17, 2)).astype(np.float32))
    good = {"P01T01C01": {"subset": "training", "actions": [[3, 0, 19], [7, 20, 39]]},
            "P02T01C01": {"subset": "testing", "actions": [[51, 0, 19]]}}  # fmt: skip  (51: no such class)
    (raw / "annotations.json").write_text(json.dumps(good))
    (raw / "broken.json").write_text('{"P03T01C01": {"actions": [[1, 0, ' + "9" * 5000 + "]]}}")


def test_tsu_bad_annotations_skip_their_videos_with_the_reason(tmp_path):
    """A refused annotation entry (class id 51) and an unreadable annotation file (a 5,000-digit integer) used
    to abort the whole conversion from the plan; now each video they concern is skipped and says why."""
    _tsu_corpus(tmp_path / "raw")
    report = convert_corpus("tsu", tmp_path / "raw", tmp_path / "out", num_workers=1, progress=False)
    reasons = {item["file"].rsplit("/", 1)[-1]: item["reason"] for item in report.skipped}
    assert set(reasons) == {"P02T01C01_LCRNet2d.npz", "P03T01C01_LCRNet2d.npz"}
    assert "annotation was refused" in reasons["P02T01C01_LCRNet2d.npz"]
    assert "51" in reasons["P02T01C01_LCRNet2d.npz"]
    assert "unreadable annotation files" in reasons["P03T01C01_LCRNet2d.npz"]
    assert "broken.json" in reasons["P03T01C01_LCRNet2d.npz"]
    assert report.written == 1 and report.rows == 2  # P01 and its two segments


def test_utd_file_without_an_action_in_its_name_is_skipped(tmp_path):
    """A UTD-MHAD file named without ``aXX`` (once written with label None) is skipped with its reason: the corpus
    task reads with ``require_label=True`` and the row check refuses a missing label as well."""
    from scipy.io import savemat

    raw = tmp_path / "raw"
    raw.mkdir()
    rng = np.random.default_rng(1)
    for name in ("a1_s1_t1_skeleton.mat", "a2_s2_t1_skeleton.mat"):
        savemat(raw / name, {"d_skel": rng.normal(size=(20, 3, 12))})
    shutil.copy(raw / "a1_s1_t1_skeleton.mat", raw / "s1_t2_skeleton.mat")
    report = convert_corpus("utd_mhad", raw, tmp_path / "out", num_workers=1, progress=False)
    assert report.written == 2 and [i["file"].rsplit("/", 1)[-1] for i in report.skipped] == ["s1_t2_skeleton.mat"]
    assert report.inputs == report.written + len(report.skipped)
