"""Fuzz the readers with mutated real files: every defect must end in SkeletonFormatError naming the file
and line (never another exception, a hang or silently wrong arrays), and a converter over a folder with
broken files must finish and account for every input.

Row-per-frame formats (PKU-MMD, UTKinect) cannot tell a deleted whole row from a shorter recording, so
line deletion is fuzzed on NTU, whose frame and body counts make every deletion detectable.

``test_fuzz_families`` runs the synthetic mutation families of ``fuzz_families.py`` (the same ones
``benchmarks/fuzz_readers.py`` runs at >= 10,000 cases) on every format, asserting a memory and time bound a case.
"""

from __future__ import annotations

import json
import shutil
import time

import numpy as np
import pytest
from data_helpers import require

from sugar_hf.skeleton.readers import (
    SkeletonFormatError,
    read_ntu_skeleton,
    read_nw_ucla,
    read_pku_labels,
    read_pku_skeleton,
    read_tsu_npz,
    read_utd_mhad,
    read_utkinect_joints,
    read_utkinect_labels,
)

RNG = np.random.default_rng(1234)


def _expect_error(reader, path, text_format: bool = True):
    start = time.perf_counter()
    with pytest.raises(SkeletonFormatError) as info:
        reader(path)
    assert time.perf_counter() - start < 5, "reader took too long on a broken file"
    err = info.value
    assert isinstance(err, ValueError) and str(path) in str(err)
    if text_format:
        assert err.line is not None and err.line >= 1, str(err)
        assert f":{err.line}:" in str(err)
    return err


def _lines(path) -> list[str]:
    return path.read_text().splitlines()


def _write(tmp_path, name: str, lines: list[str]):
    out = tmp_path / name
    out.write_text("\n".join(lines) + "\n")
    return out


def _replace_token(line: str, index: int, value: str) -> str:
    parts = line.split()
    parts[index % len(parts)] = value
    return " ".join(parts)


def _truncations(text: str, count: int) -> list[str]:
    """Cut points inside a line, just before a space (so at least one whole token is lost)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    picks = RNG.choice(len(spaces), size=min(count, len(spaces)), replace=False)
    return [text[: spaces[k]] for k in picks]


NTU = "S001C003P008R002A058.skeleton"  # two bodies, CRLF


def _ntu_mutants(src) -> dict[str, list[str]]:
    lines = src.read_text().splitlines()
    joint_lines = [k for k, line in enumerate(lines) if len(line.split()) == 12]
    count_lines = [k for k, line in enumerate(lines) if line.strip() == "25"]
    mutants: dict[str, list[str]] = {}
    for k in RNG.choice(len(lines) - 1, size=12, replace=False) + 1:
        mutants[f"delete_line_{k}"] = lines[:k] + lines[k + 1 :]
    for k in RNG.choice(joint_lines, size=6, replace=False):
        mutants[f"non_number_{k}"] = lines[:k] + [_replace_token(lines[k], int(k), "abc")] + lines[k + 1 :]
        mutants[f"nan_{k}"] = lines[:k] + [_replace_token(lines[k], int(k) + 1, "NaN")] + lines[k + 1 :]
        mutants[f"inf_{k}"] = lines[:k] + [_replace_token(lines[k], int(k) + 2, "-inf")] + lines[k + 1 :]
        mutants[f"short_joint_{k}"] = lines[:k] + [" ".join(lines[k].split()[:-1])] + lines[k + 1 :]
    for k in RNG.choice(count_lines, size=3, replace=False):
        mutants[f"joints_24_{k}"] = lines[:k] + ["24"] + lines[k + 1 :]
        mutants[f"joints_26_{k}"] = lines[:k] + ["26"] + lines[k + 1 :]
    mutants["zero_frames"] = ["0"] + lines[1:]
    mutants["absurd_frames"] = ["999999999"] + lines[1:]
    mutants["negative_frames"] = ["-3"] + lines[1:]
    mutants["more_frames"] = [str(int(lines[0]) + 1)] + lines[1:]
    mutants["fewer_frames"] = [str(int(lines[0]) - 1)] + lines[1:]
    mutants["absurd_bodies"] = lines[:1] + ["1000000"] + lines[2:]
    mutants["frame_count_text"] = ["seventy"] + lines[1:]
    mutants["body_id_text"] = lines[:2] + [_replace_token(lines[2], 0, "body")] + lines[3:]
    mutants["empty"] = []
    mutants["blank"] = ["", "   ", ""]
    mutants["all_bodies_missing"] = ["2", "0", "0"]
    for n, cut in enumerate(_truncations("\n".join(lines), 10)):
        mutants[f"truncate_{n}"] = cut.split("\n")
    return mutants




def test_fuzz_ntu(tmp_path, ntu_path):
    src = require("ntu_rgbd", "skeletons", NTU)
    mutants = _ntu_mutants(src)
    assert len(mutants) > 60
    for name, lines in mutants.items():
        path = _write(tmp_path, f"{name}_{NTU}", lines)
        if name in ("empty", "blank"):
            path.write_text("\n".join(lines))
        _expect_error(read_ntu_skeleton, path)


def test_fuzz_ntu_binary_garbage(tmp_path, ntu_path):
    path = tmp_path / "garbage.skeleton"
    path.write_bytes(bytes(RNG.integers(0, 256, size=4000, dtype=np.uint8)))
    _expect_error(read_ntu_skeleton, path)


@pytest.mark.parametrize(
    ("folder", "name", "reader", "per_line"),
    [
        (("pku_mmd_v1", "skeleton"), "0310-R.txt", read_pku_skeleton, 150),
        (("utkinect_action3d", "joints"), "joints_s02_e01.txt", read_utkinect_joints, 61),
    ],
)
def test_fuzz_row_formats(tmp_path, folder, name, reader, per_line):
    src = require(*folder, name)
    lines = _lines(src)
    rows = RNG.choice(len(lines), size=6, replace=False)
    mutants = {}
    for k in rows:
        mutants[f"non_number_{k}"] = (
            lines[:k] + [_replace_token(lines[k], int(k) + 1, "x1.2")] + lines[k + 1 :]
        )
        mutants[f"nan_{k}"] = lines[:k] + [_replace_token(lines[k], int(k) + 1, "nan")] + lines[k + 1 :]
        mutants[f"wrong_count_{k}"] = lines[:k] + [" ".join(lines[k].split()[:-3])] + lines[k + 1 :]
        mutants[f"extra_values_{k}"] = lines[:k] + [lines[k] + " 0.1 0.2 0.3"] + lines[k + 1 :]
        mutants[f"blank_inside_{k}"] = lines[:k] + [""] + lines[k:]
    for n, cut in enumerate(_truncations("\n".join(lines), 8)):
        mutants[f"truncate_{n}"] = cut.split("\n")
    mutants["comma_separated"] = [",".join(line.split()) for line in lines[:5]]
    for mname, mlines in mutants.items():
        _expect_error(reader, _write(tmp_path, f"{mname}_{name}", mlines))
    for mname, content in (("empty", ""), ("spaces", " \n \n")):
        path = tmp_path / f"{mname}_{name}"
        path.write_text(content)
        _expect_error(reader, path)


def test_fuzz_label_files(tmp_path):
    pku = _lines(require("pku_mmd_v1", "label", "0036-L.txt"))
    for n, bad in enumerate(["26,206", "26,x,265,2", "99,1,5,2", "3,50,10,2", "a,b,c,d", "26;206;265;2"]):
        _expect_error(read_pku_labels, _write(tmp_path, f"pku_label_{n}.txt", pku[:2] + [bad] + pku[2:]))
    utk = _lines(require("utkinect_action3d", "joints", "actionLabel.txt"))
    for n, bad in enumerate(["walk: 12", "walk: a b", "fly: 1 2", "walk: 30 10", "s01 e01 extra"]):
        _expect_error(read_utkinect_labels, _write(tmp_path, f"utk_label_{n}.txt", utk[:3] + [bad] + utk[3:]))
    (tmp_path / "empty.txt").write_text("")
    _expect_error(read_pku_labels, tmp_path / "empty.txt")
    _expect_error(read_utkinect_labels, tmp_path / "empty.txt")


def test_fuzz_nw_ucla_json(tmp_path):
    src = require("nw_ucla", "all_sqe", "a01_s01_e00_v01.json")
    text = src.read_text()
    obj = json.loads(text)
    mutants = {f"truncate_{n}": text[: int(len(text) * f)] for n, f in enumerate((0.1, 0.5, 0.9, 0.999))}
    mutants["empty"] = ""
    mutants["not_object"] = "[1, 2, 3]"
    mutants["no_skeletons"] = json.dumps({"file_name": "x", "label": 1})
    mutants["zero_frames"] = json.dumps(dict(obj, skeletons=[]))
    mutants["wrong_joints"] = json.dumps(dict(obj, skeletons=[f[:19] for f in obj["skeletons"]]))
    mutants["ragged"] = json.dumps(dict(obj, skeletons=[obj["skeletons"][0], obj["skeletons"][1][:5]]))
    mutants["string_value"] = json.dumps(dict(obj, skeletons=[[["a", 1, 2]] * 20]))
    mutants["nan"] = text.replace(str(obj["skeletons"][3][2][0]), "NaN", 1)
    mutants["bad_label"] = json.dumps(dict(obj, label=42))
    mutants["pretty_nan"] = json.dumps(obj, indent=1).replace(str(obj["skeletons"][0][0][1]), "Infinity", 1)
    for name, content in mutants.items():
        path = tmp_path / f"{name}.json"
        path.write_text(content)
        err = _expect_error(read_nw_ucla, path)
        if name == "pretty_nan":
            assert err.line > 1


def test_fuzz_binary_formats(tmp_path):
    mat = require("utd_mhad", "skeleton", "a1_s1_t1_skeleton.mat")
    raw = mat.read_bytes()
    for n, frac in enumerate((0.0, 0.3, 0.7, 0.95)):
        path = tmp_path / f"trunc_{n}.mat"
        path.write_bytes(raw[: int(len(raw) * frac)])
        _expect_error(read_utd_mhad, path, text_format=False)
    from scipy.io import savemat

    for name, value in {
        "nan": np.full((20, 3, 5), np.nan),
        "zero": np.zeros((20, 3, 0)),
        "joints": np.zeros((19, 3, 5)),
    }.items():
        savemat(tmp_path / f"{name}.mat", {"d_skel": value})
        _expect_error(read_utd_mhad, tmp_path / f"{name}.mat", text_format=False)
    npz = require("toyota_smarthome_tsu_sample", "P11T13C03_LCRNet2d.npz").read_bytes()
    for n, frac in enumerate((0.0, 0.5, 0.99)):
        path = tmp_path / f"trunc_{n}.npz"
        path.write_bytes(npz[: int(len(npz) * frac)])
        _expect_error(read_tsu_npz, path, text_format=False)


def test_converter_reports_broken_files(tmp_path):
    from sugar_hf.data.builders import convert_corpus

    src = require("ntu_rgbd", "skeletons")
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in src.glob("*.skeleton"):
        shutil.copy(f, raw / f.name)
    broken = sorted(raw.glob("*.skeleton"))[:3]
    broken[0].write_text("")
    broken[1].write_text(broken[1].read_text()[:5000])
    broken[2].write_text(broken[2].read_text().replace("25", "24", 1))
    missing = tmp_path / "NTU_RGBD_samples_with_missing_skeletons.txt"
    missing.write_text("header\nS004C002P003R001A017\n")
    report = convert_corpus(
        "ntu60", raw, tmp_path / "out", missing_list=missing, num_workers=2, progress=False
    )
    assert report.inputs == 10 and report.written == 6 and len(report.skipped) == 3
    assert report.listed_missing == ["S004C002P003R001A017.skeleton"] and report.balanced
    reasons = {item["file"]: item["reason"] for item in report.skipped}
    assert set(reasons) == {str(b) for b in broken}
    assert all(str(b) in reasons[str(b)] for b in broken)
    saved = json.loads((tmp_path / "out" / "conversion_report.json").read_text())
    assert saved["balanced"] and len(saved["skipped"]) == 3


# --- The mutation families of fuzz_families.py (shared with benchmarks/fuzz_readers.py) ----------------------

FUZZ_CASES_PER_FORMAT = 200
FUZZ_LIMITS_BOMB = 64 * 2**20  # bombs inflate to 64 MiB here (2 GiB in the benchmark) ...
FUZZ_LIMITS = dict(max_array_bytes=16 * 2**20, max_inflated_bytes=16 * 2**20)  # ... and the limit is 16 MiB
FUZZ_PEAK_BYTES = 48 * 2**20
FUZZ_CASE_SECONDS = 2.0


@pytest.mark.parametrize("fmt", sorted(__import__("fuzz_families").FORMATS))
def test_fuzz_families(tmp_path, fmt):
    """A few hundred seeded cases a format (byte and bit flips, special numeric tokens, NUL / BOM / invalid
    UTF-8, absurd header counts, moved line breaks, truncation, wrong .mat variables / shapes / dtypes, JSON
    types / nesting / huge integers, npz and mat bombs, object arrays): each ends in a sane clean result or
    one SkeletonFormatError naming the file, within FUZZ_PEAK_BYTES traced and FUZZ_CASE_SECONDS."""
    import tracemalloc

    import fuzz_families as ff

    from sugar_hf.skeleton.readers import ReadLimits, use_limits

    cases = ff.generate(fmt, FUZZ_CASES_PER_FORMAT, seed=15, bomb_bytes=FUZZ_LIMITS_BOMB, bomb_every=8)
    families = {c.family for c in cases}
    assert len(cases) == FUZZ_CASES_PER_FORMAT and len(families) >= 8, families
    if fmt in ("tsu_npz", "generic_npz", "utd_mhad", "ntu_c", "ntu_py"):
        assert any(c.family in ("bomb", "ntu_body_per_frame") for c in cases)
    outcomes: dict[str, int] = {}
    bad = []
    with use_limits(ReadLimits(**FUZZ_LIMITS)):
        for i, case in enumerate(cases):
            path = tmp_path / f"{i:04d}_{case.filename}"
            cleanup = ff.write_case(case, path)
            tracemalloc.start()
            start = time.perf_counter()
            try:
                outcome, detail = ff.run_case(case, path)
            finally:
                wall = time.perf_counter() - start
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                cleanup()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome not in ("clean", "error"):
                bad.append(f"{case.family}: {outcome}: {detail}")
            if peak > FUZZ_PEAK_BYTES or wall > FUZZ_CASE_SECONDS:
                bad.append(f"{case.family}: peak {peak / 2**20:.0f} MiB, {wall:.2f} s")
    assert not bad, "\n".join(bad[:20])
    assert outcomes.get("error", 0) > FUZZ_CASES_PER_FORMAT // 2, outcomes  # the mutations do break files


def test_fuzz_ntu_c_and_python_parsers_agree(tmp_path):
    """On every NTU fuzz case the C fast path and the pure-Python path give the same error or the same
    bit-identical result."""
    import fuzz_families as ff

    from sugar_hf.skeleton.readers import ReadLimits, ntu, use_limits

    if ntu._ntu_fast is None:
        pytest.skip("C fast path not built")
    cases = ff.generate("ntu_c", 300, seed=16, bomb_bytes=32 * 2**20, bomb_every=8)

    def outcome(path):
        try:
            seq = read_ntu_skeleton(path, channels=tuple(ntu.NTU_CHANNELS))
        except SkeletonFormatError as exc:
            return ("error", str(exc))
        return ("clean", seq.data.shape, seq.data.tobytes(), seq.label, repr(seq.meta))

    accepted = 0
    with use_limits(ReadLimits(max_array_bytes=16 * 2**20)):
        for i, case in enumerate(cases):
            if case.special:  # special files never reach a parser (fuzzed in test_fuzz_families)
                continue
            path = tmp_path / f"{i:04d}_{case.filename}"
            path.write_bytes(case.content)
            fast = outcome(path)
            saved, ntu._ntu_fast = ntu._ntu_fast, None
            try:
                slow = outcome(path)
            finally:
                ntu._ntu_fast = saved
            assert fast == slow, (case.family, fast[:2], slow[:2])
            accepted += fast[0] == "clean"
    assert accepted > 10
