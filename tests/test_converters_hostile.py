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


# --- issue 24: `convert folder` reads only inside its folder, bounds its CSV and its messages ---------------------

import contextlib  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import tracemalloc  # noqa: E402

import pytest  # noqa: E402

from sugar_hf.data import builders  # noqa: E402


def _clip(path, rng, frames=6):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, rng.normal(size=(frames, 17, 2)).astype(np.float32))


def _folder_with_outside_files(tmp_path):
    rng = np.random.default_rng(24)
    raw = tmp_path / "raw"
    for name in ("a.npy", "b.npy", "sub/c.npy"):
        _clip(raw / name, rng)
    _clip(tmp_path / "outside.npy", rng)
    (raw / "escape.npy").symlink_to(tmp_path / "outside.npy")
    (raw / "alias.npy").symlink_to(raw / "a.npy")  # inside: fine, but the same file as a.npy
    return raw


def _convert(raw, out, csv_text, **kw):
    (raw / "labels.csv").write_text(csv_text, encoding="utf-8")
    return convert_corpus("folder", raw, out, labels_csv=raw / "labels.csv", layout="coco17", num_workers=1,
                          progress=False, **kw)  # fmt: skip


def test_folder_reads_nothing_outside_the_raw_folder(tmp_path, monkeypatch):
    """`../outside.npy`, an absolute path, `/etc/passwd` and a symlink out of the folder were converted (one
    outside file became three rows); now each is skipped before anything is opened."""
    raw = _folder_with_outside_files(tmp_path)
    opened = []
    real = builders.read_array

    def spy(path, *a, **kw):
        opened.append(os.path.realpath(path))
        return real(path, *a, **kw)

    monkeypatch.setattr(builders, "read_array", spy)
    from sugar_hf.corpora import folder as folder_corpus

    monkeypatch.setattr(folder_corpus, "read_array", spy)
    outside = tmp_path / "outside.npy"
    report = _convert(raw, tmp_path / "out", (
        "file,label\n"
        "a.npy,wave\n"
        "b.npy,clap\n"
        "sub/c.npy,kick\n"
        "../outside.npy,wave\n"
        f"{outside},clap\n"
        "/etc/passwd,kick\n"
        "escape.npy,jump\n"
        "sub/../../outside.npy,wave\n"
        "alias.npy,clap\n"  # the same file as a.npy, by its resolved path
        "./a.npy,kick\n"
    ))  # fmt: skip
    assert report.inputs == 10 and report.written == 3 and len(report.skipped) == 7 and report.balanced
    kinds = [item["kind"] for item in report.skipped]
    assert kinds.count("outside the raw folder") == 5 and kinds.count("duplicate") == 2, kinds
    assert all(p.startswith(str(raw.resolve())) for p in opened), opened
    reasons = " | ".join(item["reason"] for item in report.skipped)
    assert "root:" not in reasons and "symlink leading outside" in reasons and "'..'" in reasons


def test_folder_class_names_are_clean(tmp_path):
    raw = tmp_path / "raw"
    rng = np.random.default_rng(1)
    labels = ["wave", "=cmd|' /C calc'!A0", "+1", "-x", "@SUM(A1)", "line\\nbreak", "a\u2028b", "a\u2029b",
              "tab\there", "bidi\u202eevil", "bell\x07"]  # fmt: skip
    rows = []
    for k, label in enumerate(labels):
        _clip(raw / f"c{k}.npy", rng)
        rows.append(f'c{k}.npy,"{label}"'.replace("\\n", "\n"))
    _clip(raw / "ok.npy", rng)
    rows.append("ok.npy,clap")
    report = _convert(raw, tmp_path / "out", "file,label\n" + "\n".join(rows) + "\n")
    assert report.written == 2 and report.balanced, report.skipped
    assert [i["kind"] for i in report.skipped] == ["refused label"] * (len(labels) - 1)
    info = json.loads((tmp_path / "out" / "csv" / "dataset_dict.json").read_text())
    assert info["splits"]
    from datasets import load_from_disk

    names = load_from_disk(str(tmp_path / "out" / "csv"))["train"].features["label"].names
    assert names == ["clap", "wave"]
    for item in report.skipped:  # the label is escaped in the message: no raw control character
        assert not any(ord(c) < 32 or c in "\u2028\u2029\u202e" for c in item["reason"]), item


def test_folder_csv_is_bounded_and_skips_are_summarised(tmp_path, monkeypatch, capsys):
    """A CSV of 10^6 rows took 1.96 GB and printed ~100 MB of skip lines: the CLI now prints counts per reason
    and the first rows; a CSV over MAX_CSV_ROWS / MAX_CSV_BYTES is refused as a whole."""
    from sugar_hf.cli import main

    raw = tmp_path / "raw"
    _clip(raw / "a.npy", np.random.default_rng(2))
    _clip(raw / "b.npy", np.random.default_rng(3))
    csv_text = "file,label\na.npy,wave\nb.npy,clap\n" + "".join(f"missing{k}.npy,wave\n" for k in range(3000))
    csv_text += "".join(f"../x{k}.npy,wave\n" for k in range(500))
    (raw / "labels.csv").write_text(csv_text)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["convert", "folder", str(raw), str(tmp_path / "out"), "--labels-csv", str(raw / "labels.csv"),
                     "--layout", "coco17", "--workers", "1"])  # fmt: skip
    text = err.getvalue()
    assert code == 0
    assert "skipped 3500: 3000 missing file, 500 outside the raw folder" in text, text[:500]
    assert text.count("skipped:") == 5 and "and 3495 more" in text and len(text) < 5000
    report = json.loads((tmp_path / "out" / "conversion_report.json").read_text())
    assert report["inputs"] == 3502 and report["written"] == 2 and len(report["skipped"]) == 3500

    monkeypatch.setattr(builders, "MAX_CSV_ROWS", 1000)
    tracemalloc.start()
    with pytest.raises(ValueError, match="more than 1,000 rows"):
        _convert(raw, tmp_path / "out2", csv_text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * 2**20
    monkeypatch.setattr(builders, "MAX_CSV_BYTES", 10_000)
    with pytest.raises(ValueError, match="max_file_bytes"):
        _convert(raw, tmp_path / "out3", csv_text)
    assert not (tmp_path / "out2").exists() and not (tmp_path / "out3").exists()


def test_folder_errors_quote_no_file_content(tmp_path):
    raw = tmp_path / "raw"
    _clip(raw / "a.npy", np.random.default_rng(3))
    _clip(raw / "c.npy", np.random.default_rng(4))
    secret = "root:x:0:0:SECRET-first-line:/root:/bin/bash"
    (raw / "notes.csv").write_text(secret + "\nsecond line\n")
    with pytest.raises(ValueError) as info:
        convert_corpus("folder", raw, tmp_path / "out", labels_csv=raw / "notes.csv", layout="coco17",
                       num_workers=1, progress=False)  # fmt: skip
    assert "SECRET" not in str(info.value) and "'file' and 'label'" in str(info.value)
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 17, 2), 'SECRET-KEY': 1, }"
    raw_npy = b"\x93NUMPY\x01\x00" + len(header + "\n").to_bytes(2, "little") + (header + "\n").encode()
    (raw / "b.npy").write_bytes(raw_npy + bytes(3 * 17 * 2 * 4))
    (raw / "fifo.npy").unlink(missing_ok=True)
    os.mkfifo(raw / "fifo.npy")
    report = _convert(raw, tmp_path / "out", "file,label\na.npy,wave\nc.npy,clap\nb.npy,clap\nfifo.npy,kick\n")
    assert report.written == 2 and report.balanced
    reasons = " | ".join(i["reason"] for i in report.skipped)
    assert "SECRET" not in reasons and "bad .npy header" in reasons and "not a regular file" in reasons
