"""Regression tests for issue 15 (hostile input), one block a finding. Every file here is synthetic.

Each test failed on main before the fix (checked by running this file with ``PYTHONPATH`` pointing at the
old ``src``): a memory blow-up, another exception type, or a silently wrong result.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import struct
import time
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
from fuzz_families import (
    PNG,
    _mat_file,
    _npy_bytes,
    _npy_header,
    _zip,
    mat_bomb,
    npz_bomb,
    ntu_body_bomb,
    seed_ntu,
)

from sugar_hf.skeleton.readers import (
    ReadLimits,
    SkeletonFormatError,
    get_default_limits,
    read_array,
    read_ntu_bodies,
    read_ntu_skeleton,
    read_nw_ucla,
    read_pku_labels,
    read_pku_skeleton,
    read_toyota_json,
    read_tsu_action_list,
    read_tsu_annotations,
    read_tsu_npz,
    read_utd_mhad,
    read_utkinect_joints,
    read_utkinect_labels,
    set_default_limits,
    use_limits,
)

MiB = 2**20




def refused(reader, path, *args, match: str | None = None, peak_mib: float = 64, seconds: float = 5, **kw):
    """``reader(path)`` raises one SkeletonFormatError naming the file, within a memory and time bound."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(SkeletonFormatError) as info:
            reader(path, *args, **kw)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    wall = time.perf_counter() - start
    assert str(path) in str(info.value)
    assert peak < peak_mib * MiB, f"peak {peak / MiB:.0f} MiB"
    assert wall < seconds, f"{wall:.1f} s"
    if match is not None:
        assert match in str(info.value), str(info.value)
    return info.value


def _pku_text(rng, frames=6) -> list[str]:
    return [" ".join(f"{v:.5f}" for v in rng.normal(0, 1, 150)) for _ in range(frames)]


def _utk_text(rng, frames=6) -> list[str]:
    return [f"{100 + t} " + " ".join(f"{v:.5f}" for v in rng.normal(0, 1, 60)) for t in range(frames)]


def _write(tmp_path, name, content) -> str:
    path = tmp_path / name
    if isinstance(content, list):
        content = "\n".join(content) + "\n"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return str(path)


RNG = np.random.default_rng(15)


# --- 1. NTU memory was bodies x frames ------------------------------------------------------------------------


def test_ntu_new_body_every_frame_is_stored_sparsely_and_bounded(tmp_path, ntu_path):
    # 0.4 MB on disk; dense (400 bodies, 60,000 frames, 25, 3) float32 would be 6.7 GiB
    path = _write(tmp_path, "S001C001P001R001A001.skeleton", ntu_body_bomb(60_000, 400))
    assert (tmp_path / "S001C001P001R001A001.skeleton").stat().st_size < 450_000
    err = refused(read_ntu_skeleton, path, peak_mib=64, limits=ReadLimits(max_persons=1000))
    assert "max_array_bytes" in str(err)
    refused(read_ntu_skeleton, path, match="max_persons")  # 400 distinct bodies > 64 (the default)
    # the sparse reader holds only what the file holds
    tracemalloc.start()
    bodies, per_frame = read_ntu_bodies(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * MiB
    assert len(bodies) == 400 and len(per_frame) == 60_000 and per_frame.sum() == 400
    assert all(b.frames.shape == (1,) and b.data.shape == (1, 25, 3) for b in bodies)
    assert bodies[1].frames[0] == 150 and bodies[1].body_id == "1150"


def test_ntu_sparse_bodies_match_the_dense_array(tmp_path, ntu_path):
    path = _write(tmp_path, "S001C001P001R001A002.skeleton", seed_ntu(np.random.default_rng(3), frames=9))
    seq = read_ntu_skeleton(path, channels=("xyz", "tracking"))
    bodies, per_frame = read_ntu_bodies(path, channels=("xyz", "tracking"))
    assert seq.data.shape == (2, 9, 25, 4) and seq.meta["body_ids"] == [b.body_id for b in bodies]
    for k, body in enumerate(bodies):
        np.testing.assert_array_equal(seq.data[k, body.frames], body.data)
        absent = np.setdiff1d(np.arange(9), body.frames)
        assert not seq.data[k, absent].any()
    assert seq.meta["num_bodies_per_frame"] == per_frame.tolist()


def test_ntu_frame_count_limit(tmp_path, ntu_path):
    path = _write(tmp_path, "S001C001P001R001A001.skeleton", ntu_body_bomb(3000, 2))
    refused(read_ntu_skeleton, path, match="max_frames", limits=ReadLimits(max_frames=2999))
    assert read_ntu_skeleton(path, limits=ReadLimits(max_frames=3000)).data.shape == (2, 3000, 25, 3)


# --- 2. decompression bombs and lying headers ---------------------------------------------------------------


def test_npz_bomb_refused_before_inflating(tmp_path):
    small = ReadLimits(max_array_bytes=16 * MiB)
    # a 0.1 MB npz whose kpts inflates to 128 MiB
    bomb = npz_bomb("kpts", (2**27 // 136, 17, 2))
    assert len(bomb) < 200_000
    path = _write(tmp_path, "P01T01C01_LCRNet2d.npz", bomb)
    refused(read_tsu_npz, path, match="max_array_bytes", peak_mib=8, limits=small)
    generic = _write(tmp_path, "clip.npz", npz_bomb("skeleton", (1, 2**27 // 300, 25, 3)))
    refused(read_array, generic, match="max_array_bytes", peak_mib=8, limits=small)
    with use_limits(small):
        refused(read_tsu_npz, path, match="max_array_bytes", peak_mib=8)
    refused(
        read_tsu_npz,
        path,
        match="max_inflated_bytes",
        peak_mib=8,
        limits=ReadLimits(max_inflated_bytes=16 * MiB),
    )


def test_npz_member_larger_than_its_header_is_refused(tmp_path):
    member = _npy_header((10, 17, 2)) + bytes(10 * 17 * 2 * 4) + bytes(8 * MiB)
    path = _write(tmp_path, "P01T01C01_LCRNet2d.npz", _zip({"kpts.npy": member}))
    refused(read_tsu_npz, path, match="inflates", limits=ReadLimits(max_inflated_bytes=4 * MiB))
    refused(read_tsu_npz, path, match="data after the array")


def test_npy_header_promising_more_than_the_file_holds(tmp_path):
    path = _write(tmp_path, "clip.npy", _npy_header((2**40, 25, 3)) + bytes(64))
    refused(read_array, path, match="max_frames", peak_mib=4)
    refused(read_array, path, match="max_array_bytes", peak_mib=4, limits=ReadLimits(max_frames=2**41))
    path = _write(tmp_path, "clip2.npy", _npy_header((1000, 25, 3)) + bytes(64))
    refused(read_array, path, match="truncated", peak_mib=4)


def test_mat_bomb_refused_by_its_declared_dims(tmp_path):
    # a 0.1 MB .mat whose d_skel inflates to 128 MiB
    bomb = mat_bomb(2**27 // 480)
    assert len(bomb) < 200_000
    path = _write(tmp_path, "a1_s1_t1_skeleton.mat", bomb)
    refused(
        read_utd_mhad, path, match="max_array_bytes", peak_mib=8, limits=ReadLimits(max_array_bytes=16 * MiB)
    )
    refused(read_utd_mhad, path, match="max_frames", peak_mib=8, limits=ReadLimits(max_frames=1000))


def test_mat_bomb_with_lying_sizes_stops_at_the_inflation_limit(tmp_path):
    # declares a 2-frame d_skel, then inflates 64 MiB of zeros
    flags = struct.pack("<IIII", 6, 8, 6, 0)
    dims = struct.pack("<II3i", 5, 12, 20, 3, 2) + bytes(4)
    name = struct.pack("<HH", 1, 6) + b"d_skel\x00\x00"
    real = struct.pack("<II", 9, 960)
    body = flags + dims + name + real
    head = struct.pack("<II", 14, len(body) + 960) + body
    comp = zlib.compressobj(9)
    payload = comp.compress(head) + comp.compress(bytes(64 * MiB)) + comp.flush()
    path = _write(
        tmp_path, "a1_s1_t1_skeleton.mat", _mat_file(struct.pack("<II", 15, len(payload)) + payload)
    )
    refused(read_utd_mhad, path, match="max_inflated_bytes", limits=ReadLimits(max_inflated_bytes=8 * MiB))


def test_mat_hostile_headers(tmp_path):
    from fuzz_families import _mat_matrix

    cell = _write(
        tmp_path,
        "a1_s1_t2_skeleton.mat",
        _mat_file(_mat_matrix("d_skel", (10**5, 10**5), mclass=1, data=b"")),
    )
    refused(read_utd_mhad, cell, match="not a numeric array", peak_mib=4)
    lying = _write(tmp_path, "a1_s1_t3_skeleton.mat",
                   _mat_file(_mat_matrix("d_skel", (20, 3, 2), data=bytes(960), data_bytes=2**31)))  # fmt: skip
    refused(read_utd_mhad, lying, peak_mib=4)
    v73 = _write(
        tmp_path, "a1_s1_t4_skeleton.mat", b"MATLAB 7.3 MAT-file".ljust(116) + bytes(8) + b"\x00\x02IM"
    )
    refused(read_utd_mhad, v73, match="v7.3")
    other = _write(
        tmp_path, "a1_s2_t1_skeleton.mat", _mat_file(_mat_matrix("x" * 8, (2**30, 2**30), data=b""))
    )
    refused(read_utd_mhad, other, peak_mib=4)


def test_file_size_limit(tmp_path):
    path = _write(tmp_path, "0001-L.txt", _pku_text(RNG, 40))
    refused(read_pku_skeleton, path, match="max_file_bytes", limits=ReadLimits(max_file_bytes=1000))
    refused(read_nw_ucla, _write(tmp_path, "a01_s01_e01_v01.json", "{}" + " " * 2000), match="max_file_bytes",
            limits=ReadLimits(max_file_bytes=1000))  # fmt: skip


def test_limits_api():
    default = get_default_limits()
    assert default == ReadLimits() and default.max_frames == 1_000_000
    with pytest.raises(ValueError):
        ReadLimits(max_frames=0)
    with pytest.raises(ValueError):
        ReadLimits(max_persons=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        default.max_frames = 5
    small = ReadLimits(max_frames=7)
    previous = set_default_limits(small)
    try:
        assert get_default_limits() is small
        with use_limits(ReadLimits(max_frames=3)) as inner:
            assert get_default_limits() is inner
        assert get_default_limits() is small
    finally:
        set_default_limits(previous)
    assert get_default_limits() == ReadLimits()


def test_use_limits_is_per_thread():
    import threading

    seen = []
    with use_limits(ReadLimits(max_frames=3)):
        worker = threading.Thread(target=lambda: seen.append(get_default_limits().max_frames))
        worker.start()
        worker.join()
        assert get_default_limits().max_frames == 3
    assert seen == [ReadLimits().max_frames]


def test_default_limits_reach_every_reader(tmp_path):
    pku = _write(tmp_path, "0001-L.txt", _pku_text(RNG, 8))
    utk = _write(tmp_path, "joints_s01_e01.txt", _utk_text(RNG, 8))
    with use_limits(ReadLimits(max_frames=5)):
        refused(read_pku_skeleton, pku, match="max_frames")
        refused(read_utkinect_joints, utk, match="max_frames")
    assert read_pku_skeleton(pku).num_frames == 8


# --- 3. float32 overflow became inf ---------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["1e39", "-3.5e38", "1" * 40])
def test_float32_overflow_refused_in_text_formats(tmp_path, token):
    lines = _pku_text(RNG)
    lines[2] = lines[2].replace(lines[2].split()[7], token, 1)
    err = refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", lines))
    assert err.line == 3
    lines = _utk_text(RNG)
    lines[4] = lines[4].replace(lines[4].split()[9], token, 1)
    assert refused(read_utkinect_joints, _write(tmp_path, "joints_s01_e01.txt", lines)).line == 5


def test_float32_overflow_refused_in_ntu(tmp_path, ntu_path):
    lines = seed_ntu(np.random.default_rng(1), frames=3).decode().split("\r\n")
    k = next(i for i, line in enumerate(lines) if len(line.split()) == 12)
    parts = lines[k].split()
    parts[1] = "1e39"
    lines[k] = " ".join(parts)
    err = refused(read_ntu_skeleton, _write(tmp_path, "S001C001P001R001A001.skeleton", "\r\n".join(lines)))
    assert err.line == k + 1 and "float32" in err.reason


def test_float32_overflow_refused_in_json_and_binary(tmp_path):
    skel = RNG.normal(0, 1, (4, 20, 3)).tolist()
    skel[1][2][0] = 1e39
    refused(
        read_nw_ucla, _write(tmp_path, "a01_s01_e01_v01.json", json.dumps({"label": 1, "skeletons": skel}))
    )
    det = {"pose3d": [0.5] * 38 + [1e39], "pose2d": [1.0] * 26}
    refused(read_toyota_json, _write(tmp_path, "Cook_p01_r00_v01_c01.json", json.dumps({"frames": [[det]]})))
    buf = io.BytesIO()
    np.savez(buf, kpts=np.full((5, 17, 2), 1e39))
    refused(read_tsu_npz, _write(tmp_path, "P01T01C01_LCRNet2d.npz", buf.getvalue()))
    buf = io.BytesIO()
    np.save(buf, np.full((5, 25, 3), -1e39))
    refused(read_array, _write(tmp_path, "clip.npy", buf.getvalue()))
    from scipy.io import savemat

    savemat(tmp_path / "a1_s1_t1_skeleton.mat", {"d_skel": np.full((20, 3, 4), 1e39)})
    refused(read_utd_mhad, tmp_path / "a1_s1_t1_skeleton.mat")


# --- 4. a line break moved by one token -----------------------------------------------------------------------


@pytest.mark.parametrize("reader, make, name", [
    (read_pku_skeleton, _pku_text, "0001-L.txt"),
    (read_utkinect_joints, _utk_text, "joints_s01_e01.txt"),
])  # fmt: skip
def test_moved_line_break_is_refused(tmp_path, reader, make, name):
    lines = make(RNG)
    a = lines[2].split()
    lines[2], lines[3] = " ".join(a[:-1]), a[-1] + " " + lines[3]
    err = refused(reader, _write(tmp_path, name, lines))
    assert err.line == 3 and "found" in err.reason


# --- 5. other exception types ---------------------------------------------------------------------------------


def test_huge_json_integers(tmp_path):
    skel = RNG.normal(0, 1, (3, 20, 3)).round(4).tolist()
    for digits in (400, 5000):  # OverflowError in float(), then json's own ValueError (4,300 digits)
        big = "1" * digits
        text = json.dumps({"label": 1, "skeletons": skel}).replace(json.dumps(skel[0][0][0]), big, 1)
        refused(read_nw_ucla, _write(tmp_path, "a01_s01_e01_v01.json", text), match="digits")
        text = json.dumps({"label": 1, "skeletons": skel}).replace('"label": 1', '"label": ' + big)
        refused(read_nw_ucla, _write(tmp_path, "a01_s01_e02_v01.json", text), match="digits")
        det = '{"pose3d": [' + ", ".join(["0.5"] * 38 + [big]) + "]}"
        refused(
            read_toyota_json, _write(tmp_path, "Cook_p01_r00_v01_c01.json", '{"frames": [[' + det + "]]}")
        )


def test_json_30_digit_integer_is_still_a_number(tmp_path):
    # the control of test_huge_json_integers: a long but plausible integer literal still reads
    skel = RNG.normal(0, 1, (3, 20, 3)).tolist()
    text = json.dumps({"skeletons": skel}).replace(json.dumps(skel[0][0][0]), "1" * 25 + "0" * 5, 1)
    seq = read_nw_ucla(_write(tmp_path, "a01_s01_e00_v01.json", text))  # 30 digits: finite in float32
    assert np.isfinite(seq.data).all() and seq.data.max() > 1e29


def test_npz_member_that_is_not_an_array(tmp_path):
    path = _write(tmp_path, "clip.npz", _zip({"skeleton": b"not an array at all"}))
    refused(read_array, path, match="not a NumPy .npy array")
    path = _write(tmp_path, "P01T01C01_LCRNet2d.npz", _zip({"kpts": b"plain bytes"}))
    refused(read_tsu_npz, path, match="not a NumPy .npy array")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_npz_members_compressed_other_than_numpy_writes_are_refused(tmp_path, method):
    """A 422-byte bzip2 member inflated 200 MB in one zipfile call (429 MB peak) before any check: only stored
    and deflated members are read, refused from the member list."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z, z.open("skeleton.npy", "w", force_zip64=True) as member:
        member.write(seed_npy(np.random.default_rng(3)))
        for _ in range(4):
            member.write(bytes(2**24))  # 64 MB of zeros after the array
    path = _write(tmp_path, "clip.npz", buf.getvalue())
    assert len(buf.getvalue()) < 2**20
    refused(read_array, path, match=f"compressed with method {method}", peak_mib=8)
    refused(read_skeleton_file, path, match="only stored or deflated", peak_mib=8)


# --- 6. UTKinect frame id 1e19 --------------------------------------------------------------------------------


@pytest.mark.parametrize("frame_id", ["1e19", "99999999999999999999", "-3", "12.5"])
def test_utkinect_frame_id_out_of_range(tmp_path, frame_id):
    lines = _utk_text(RNG)
    lines[1] = frame_id + " " + lines[1].split(" ", 1)[1]
    err = refused(read_utkinect_joints, _write(tmp_path, "joints_s01_e01.txt", lines))
    assert err.line == 2 and "frame id" in err.reason


# --- 7. labels from file names --------------------------------------------------------------------------------


def _utd_mat(tmp_path, name):
    from scipy.io import savemat

    savemat(tmp_path / name, {"d_skel": RNG.normal(0, 1, (20, 3, 5))}, do_compression=True)
    return tmp_path / name


def test_utd_action_id_range(tmp_path):
    for bad in ("a28_s1_t1_skeleton.mat", "a0_s1_t1_skeleton.mat", "a100_s2_t1_skeleton.mat"):
        refused(read_utd_mhad, _utd_mat(tmp_path, bad), match="outside a1..a27")
    assert read_utd_mhad(_utd_mat(tmp_path, "a27_s8_t4_skeleton.mat")).label == 26
    assert read_utd_mhad(_utd_mat(tmp_path, "a1_s1_t1_skeleton.mat")).label == 0
    unnamed = _utd_mat(tmp_path, "clip.mat")
    assert read_utd_mhad(unnamed).label is None  # a lone file (the CLI) may carry no label
    refused(read_utd_mhad, unnamed, match="no action id", require_label=True)


def test_ntu_action_id_range(tmp_path, ntu_path):
    text = seed_ntu(np.random.default_rng(2), frames=2)
    refused(read_ntu_skeleton, _write(tmp_path, "S001C001P001R001A000.skeleton", text), match="A001..A120")
    refused(read_ntu_skeleton, _write(tmp_path, "S001C001P001R001A121.skeleton", text), match="A001..A120")
    assert read_ntu_skeleton(_write(tmp_path, "S001C001P001R001A120.skeleton", text)).label == 119


def test_converter_skips_and_reports_bad_utd_names(tmp_path):
    from sugar_hf.data.builders import convert_corpus

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a1_s1_t1_skeleton.mat", "a2_s1_t1_skeleton.mat", "a3_s2_t1_skeleton.mat"):
        _utd_mat(raw, name)
    for name in ("a28_s1_t1_skeleton.mat", "a0_s1_t1_skeleton.mat"):
        shutil.copy(raw / "a1_s1_t1_skeleton.mat", raw / name)
    report = convert_corpus("utd_mhad", raw, tmp_path / "out", num_workers=1, progress=False)
    assert report.inputs == 5 and report.written == 3 and len(report.skipped) == 2 and report.balanced
    assert {item["file"].rsplit("/", 1)[-1] for item in report.skipped} == {
        "a28_s1_t1_skeleton.mat",
        "a0_s1_t1_skeleton.mat",
    }
    assert all("outside a1..a27" in item["reason"] for item in report.skipped)


# --- 9. lenient parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ['"0.5"', "true", "false", "null", '"nan"'])
def test_json_coordinates_must_be_numbers(tmp_path, value):
    skel = json.dumps(RNG.normal(0, 1, (3, 20, 3)).round(4).tolist())
    first = skel[3 : skel.index(",")]
    text = '{"label": 1, "skeletons": ' + skel.replace(first, value, 1) + "}"
    refused(
        read_nw_ucla,
        _write(tmp_path, "a01_s01_e01_v01.json", text),
        match="not a rectangular array of numbers",
    )
    det = '{"pose3d": [' + ", ".join(["0.5"] * 38 + [value]) + "]}"
    refused(read_toyota_json, _write(tmp_path, "Cook_p01_r00_v01_c01.json", '{"frames": [[' + det + "]]}"))


def test_toyota_njts_must_be_the_integer_13(tmp_path):
    det = {"pose3d": [0.5] * 39}
    for njts in (13.0, "13", True):
        path = _write(tmp_path, "Cook_p01_r00_v01_c01.json", json.dumps({"njts": njts, "frames": [[det]]}))
        refused(read_toyota_json, path, match="njts")


@pytest.mark.parametrize("token", ["1_000", "\u0661\u0662", "\uff11", "\u00a01.5", "nan", "Infinity"])
def test_text_numbers_must_be_plain_ascii_decimals(tmp_path, token):
    lines = _pku_text(RNG)
    parts = lines[3].split()
    parts[5] = token
    lines[3] = " ".join(parts)
    assert refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", lines)).line == 4
    lines = _utk_text(RNG)
    parts = lines[2].split()
    parts[5] = token
    lines[2] = " ".join(parts)
    assert refused(read_utkinect_joints, _write(tmp_path, "joints_s01_e01.txt", lines)).line == 3


def test_ntu_counts_and_body_ids_must_be_plain_ascii(tmp_path, ntu_path):
    lines = seed_ntu(np.random.default_rng(4), frames=2).decode().split("\r\n")
    for k, value in ((0, "\u0662"), (0, "2_0"), (1, "\uff11")):
        bad = list(lines)
        bad[k] = value
        refused(read_ntu_skeleton, _write(tmp_path, "S001C001P001R001A001.skeleton", "\r\n".join(bad)))
    bad = list(lines)
    bad[2] = "\uff17" + bad[2][1:]
    refused(
        read_ntu_skeleton, _write(tmp_path, "S001C001P001R001A001.skeleton", "\r\n".join(bad)), match="bodyID"
    )


def test_label_files_numbers_must_be_plain(tmp_path):
    for bad in ("1_0,10,20,1", "\u0661,10,20,1", "3,1_0,20,1", "3,10,20,1_0"):
        refused(read_pku_labels, _write(tmp_path, "0001-L.txt", ["5,1,9,1", bad]))
    for bad in ("walk: 1_0 20", "walk: \u0661 20", "walk: 10 1e3"):
        refused(read_utkinect_labels, _write(tmp_path, "actionLabel.txt", ["s01_e01", bad]))
    refused(read_tsu_action_list, _write(tmp_path, "Action_list.txt", "0\tEnter\n\u0661\tWalk\n"))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_arrays_are_refused(tmp_path, dtype):
    base = RNG.normal(0, 1, (6, 25, 3))
    buf = io.BytesIO()
    np.save(buf, (base + 1j).astype(dtype))
    refused(read_array, _write(tmp_path, "clip.npy", buf.getvalue()), match="complex")
    buf = io.BytesIO()
    np.savez(buf, kpts=(base[:, :17, :2] + 1j).astype(dtype))
    refused(read_tsu_npz, _write(tmp_path, "P01T01C01_LCRNet2d.npz", buf.getvalue()), match="complex")
    from scipy.io import savemat

    savemat(tmp_path / "a1_s1_t1_skeleton.mat", {"d_skel": RNG.normal(0, 1, (20, 3, 4)) + 1j})
    refused(read_utd_mhad, tmp_path / "a1_s1_t1_skeleton.mat", match="complex")


@pytest.mark.parametrize("cls", [-5, 51, 999, 10**20])
def test_tsu_class_ids_in_range(tmp_path, cls):
    ann = {"P01T01C01": {"subset": "training", "actions": [[3, 10, 50], [cls, 60, 90]]}}
    path = _write(tmp_path, "ann.json", json.dumps(ann))
    refused(read_tsu_annotations, path, "P01T01C01", match="class id")
    if cls >= 0:
        assert read_tsu_annotations(path, "P01T01C01", num_classes=10**21)[1][0] == cls


def test_png_renamed_npy_says_what_it_is(tmp_path):
    err = refused(read_array, _write(tmp_path, "clip.npy", PNG))
    assert "not a NumPy file" in err.reason and "PNG" in err.reason and "pickle" not in err.reason
    err = refused(read_tsu_npz, _write(tmp_path, "P01T01C01_LCRNet2d.npz", PNG))
    assert "pickle" not in err.reason


def test_object_arrays_are_refused_without_unpickling(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    refused(read_array, _write(tmp_path, "clip.npy", buf.getvalue()), match="object array")
    refused(read_tsu_npz, _write(tmp_path, "P01T01C01_LCRNet2d.npz", _zip({"kpts.npy": buf.getvalue()})),
            match="object array")  # fmt: skip


# --- issue 24: hostile input, round 2 ---------------------------------------------------------------------------

import os  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402

from fuzz_families import FORMATS, seed_npy, seed_nw_ucla, seed_pku, seed_toyota, seed_utd, seed_utk  # noqa: E402

from sugar_hf.skeleton.readers import read_skeleton_file  # noqa: E402

SPECIAL_READERS = {  # every reader of fuzz_families, by the file name it is given
    name: (fmt.filename, fmt.read) for name, fmt in FORMATS.items()
}


def _fifo(tmp_path, name):
    path = tmp_path / name
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize("fmt", sorted(SPECIAL_READERS))
def test_fifo_without_a_writer_is_refused_at_once(tmp_path, fmt):
    """A FIFO named like a valid file used to block every reader forever in open()."""
    filename, read = SPECIAL_READERS[fmt]
    err = refused(read, _fifo(tmp_path, filename), seconds=2)
    assert "not a regular file (a FIFO)" in err.reason


def test_fifo_fed_endlessly_is_never_read(tmp_path):
    path = _fifo(tmp_path, "0036-L.txt")
    stop = threading.Event()

    def feed():  # a writer that never stops (opens non-blocking: it gives up when nobody reads)
        while not stop.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.01)
                continue
            try:
                while not stop.is_set():
                    os.write(fd, b"0.1 " * 4096)
            except OSError:
                pass
            finally:
                os.close(fd)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        refused(read_pku_skeleton, path, match="FIFO", seconds=2, peak_mib=8)
        refused(read_skeleton_file, _fifo(tmp_path, "clip.npy"), match="FIFO", seconds=2)
    finally:
        stop.set()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("name", ["clip.npy", "clip.npz", "S001C001P001R001A001.skeleton", "a01_s01_e00_v01.json",
                                  "a1_s1_t1_skeleton.mat", "0036-L.txt"])  # fmt: skip
def test_symlink_to_a_device_named_like_a_valid_file(tmp_path, device, name):
    link = tmp_path / name
    link.symlink_to(device)
    reader = read_pku_skeleton if name.endswith(".txt") else read_skeleton_file
    err = refused(reader, str(link), seconds=2, peak_mib=8)
    assert "not a regular file (a character device)" in err.reason


def test_socket_and_directory_are_refused(tmp_path):
    path = tmp_path / "clip.npy"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(path))
        assert "not a regular file (a socket)" in refused(read_skeleton_file, str(path)).reason
    folder = tmp_path / "S001C001P001R001A001.skeleton"
    folder.mkdir()
    assert "not a regular file (a directory)" in refused(read_ntu_skeleton, str(folder)).reason


def test_a_path_swapped_after_the_stat_is_checked_again_on_the_descriptor(tmp_path, monkeypatch):
    """The size / type check runs on fstat of the opened descriptor too: a path replaced by a FIFO between the
    stat and the open neither blocks (O_NONBLOCK) nor is read."""
    from sugar_hf.skeleton.readers import base

    path = tmp_path / "clip.npy"
    path.write_bytes(seed_npy(RNG))
    real_open = os.open

    def swapping_open(p, flags, *a):
        if str(p) == str(path):
            path.unlink()
            os.mkfifo(path)
        return real_open(p, flags, *a)

    monkeypatch.setattr(base.os, "open", swapping_open)
    refused(read_array, str(path), match="FIFO", seconds=2)


def test_a_file_that_grows_while_it_is_read_is_refused(tmp_path, monkeypatch):
    from sugar_hf.skeleton.readers import base

    path = tmp_path / "0036-L.txt"
    path.write_text("\n".join(_pku_text(RNG)) + "\n")
    real_fdopen = os.fdopen

    def growing_fdopen(fd, *a, **kw):
        with open(path, "ab") as out:  # a writer appends after the size was taken
            out.write(b"0.5 " * 150 + b"\n")
        return real_fdopen(fd, *a, **kw)

    monkeypatch.setattr(base.os, "fdopen", growing_fdopen)
    refused(read_pku_skeleton, str(path), match="grew while it was read")


def test_sparse_file_is_refused(tmp_path):
    path = tmp_path / "clip.npy"
    path.write_bytes(_npy_header((300_000, 25, 3)))
    with open(path, "r+b") as fp:
        fp.truncate(len(_npy_header((300_000, 25, 3))) + 300_000 * 25 * 3 * 4)  # a hole of 90 MB
    if os.stat(path).st_blocks * 512 >= 2**20:
        pytest.skip("this file system does not make sparse files")
    refused(read_array, str(path), match="sparse file", peak_mib=8)


@pytest.mark.parametrize("name", ["clip.npy.", "clip", "clip.NPY.bak", "clip.npy ", "x.npy.bak"])
def test_dispatcher_refuses_other_names_with_one_error(tmp_path, name):
    path = _write(tmp_path, name, seed_npy(RNG))
    err = refused(read_skeleton_file, path)
    assert type(err) is SkeletonFormatError and "unsupported skeleton file type" in err.reason


def test_dispatcher_turns_a_reader_bug_into_one_error(tmp_path, monkeypatch):
    from sugar_hf.skeleton.readers import dispatch

    def broken(*a, **kw):
        raise TypeError("a bug")

    monkeypatch.setattr(dispatch, "read_array", broken)
    err = refused(read_skeleton_file, _write(tmp_path, "clip.npy", seed_npy(RNG)))
    assert "TypeError" in err.reason


@pytest.mark.parametrize("shape", ["(True, 25, 3)", "(-1, 25, 3)", "(10, -25, 3)", "(10.0, 25, 3)", "[10, 25, 3]",
                                   "(10, 25, 3" + ", 1" * 40 + ")"])  # fmt: skip
def test_npy_header_shape_must_be_non_negative_integers(tmp_path, shape):
    header = ("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }").encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    raw = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(10 * 25 * 3 * 4)
    refused(read_array, _write(tmp_path, "clip.npy", raw), match="bad .npy header")
    refused(read_skeleton_file, _write(tmp_path, "clip.npy", raw), match="bad .npy header")


def test_npy_trailing_bytes_are_refused(tmp_path):
    good = seed_npy(RNG)
    assert read_array(_write(tmp_path, "clip.npy", good)).data.shape == (1, 10, 25, 3)
    for tail in (b"\x00", bytes(4096), b"junk"):
        refused(read_array, _write(tmp_path, "clip.npy", good + tail), match="data after the array")


def test_npz_duplicate_members_are_refused(tmp_path):
    arr = np.zeros((5, 25, 3), np.float32)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr("skeleton.npy", _npy_bytes(arr))
            z.writestr("skeleton.npy", _npy_bytes(arr + 1))
    refused(read_array, _write(tmp_path, "clip.npz", buf.getvalue()), match="two members named 'skeleton'")
    both = _zip({"kpts.npy": _npy_bytes(arr[:, :17, :2]), "kpts": _npy_bytes(arr[:, :17, :2])})
    refused(read_tsu_npz, _write(tmp_path, "P01T01C01_LCRNet2d.npz", both), match="two members named 'kpts'")
    one = _zip({"skeleton.npy": _npy_bytes(arr)})
    refused(read_array, _write(tmp_path, "clip.npz", one + b"trailing"), match="after its end record")
    assert read_array(_write(tmp_path, "clip.npz", one)).data.shape == (1, 5, 25, 3)


def test_mat_two_variables_of_one_name_are_ambiguous(tmp_path):
    skel = _mat_matrix_el("d_skel", RNG.normal(0, 1, (20, 3, 4)))
    refused(read_utd_mhad, _write(tmp_path, "a1_s1_t1_skeleton.mat", _mat_file(skel, skel)), match="ambiguous")
    assert read_utd_mhad(_write(tmp_path, "a1_s1_t1_skeleton.mat", _mat_file(skel))).data.shape == (1, 4, 20, 3)
    refused(read_utd_mhad, _write(tmp_path, "a1_s1_t1_skeleton.mat", _mat_file(skel) + b"\x00" * 5),
            match="stray bytes")  # fmt: skip


def _mat_matrix_el(name, array):
    from fuzz_families import _mat_matrix

    return _mat_matrix(name, array.shape, mclass=6, data=np.asfortranarray(array).tobytes(order="F"))


@pytest.mark.parametrize("value", ["true", "{}", "[]", '"1"', "null"])
def test_toyota_every_detection_and_pose_must_be_numbers(tmp_path, value):
    good = json.loads(seed_toyota(RNG))
    good["frames"][0].append(json.loads(json.dumps(good["frames"][0][0])))  # a second detection
    text = json.dumps(good)
    assert read_toyota_json(_write(tmp_path, "Cook_p01_r00_v01_c01.json", text)).data.shape == (1, 8, 13, 3)
    for where in ("second detection", "pose2d", "cumscore"):
        obj = json.loads(text)
        if where == "second detection":
            obj["frames"][0][1]["pose3d"][4] = "@@"
        elif where == "pose2d":
            obj["frames"][0][0]["pose2d"][7] = "@@"
        else:
            obj["frames"][0][0]["cumscore"] = "@@"
        bad = json.dumps(obj).replace('"@@"', value)
        refused(read_toyota_json, _write(tmp_path, "Cook_p01_r00_v01_c01.json", bad))


def test_json_nesting_duplicate_keys_and_long_numbers(tmp_path):
    for depth in (17, 40, 500):
        text = '{"skeletons": ' + "[" * depth + "1" + "]" * depth + "}"
        err = refused(read_nw_ucla, _write(tmp_path, "a01_s01_e01_v01.json", text), match="nested")
        assert type(err) is SkeletonFormatError
    refused(read_nw_ucla, _write(tmp_path, "a.json", "[" * 200_000), match="nested too deeply")
    seed = seed_nw_ucla(RNG).decode()
    dup = seed[:-1] + ', "skeletons": [[[0, 0, 0]]]}'
    refused(read_nw_ucla, _write(tmp_path, "a01_s01_e01_v01.json", dup), match="duplicate key 'skeletons'")
    obj = json.loads(seed)
    text = json.dumps(obj).replace(json.dumps(obj["skeletons"][2][3][1]), "0." + "1" * 100_000, 1)
    refused(read_nw_ucla, _write(tmp_path, "a01_s01_e01_v01.json", text), match="a number of 100002 characters")


def test_long_number_tokens_in_text_formats(tmp_path):
    """A million-digit mantissa was parsed (UTKinect); a token longer than 64 characters is refused."""
    for reader, name, lines in ((read_utkinect_joints, "joints_s01_e01.txt", _utk_text(RNG)),
                                (read_pku_skeleton, "0001-L.txt", _pku_text(RNG))):  # fmt: skip
        parts = lines[2].split()
        parts[3] = "0." + "3" * 10**6
        lines[2] = " ".join(parts)
        err = refused(reader, _write(tmp_path, name, lines), match="more than 64 characters")
        assert err.line == 3
    lines = seed_ntu(np.random.default_rng(4), frames=2).decode().split("\r\n")
    parts = lines[5].split()
    parts[0] = "0." + "7" * 200
    lines[5] = " ".join(parts)
    refused(read_ntu_skeleton, _write(tmp_path, "S001C001P001R001A001.skeleton", "\r\n".join(lines)),
            match="more than 64 characters")  # fmt: skip


def test_text_lines_and_line_counts_are_bounded_before_splitting(tmp_path):
    """One 100 MB line (2.2 GB before the count check) and 100 MB of newlines (a hang) are refused from the
    bytes, within a small memory and time bound."""
    big = "0.123 " * (100 * 2**20 // 6)
    err = refused(read_utkinect_joints, _write(tmp_path, "joints_s01_e01.txt", big), match="max_line_bytes",
                  peak_mib=400, seconds=10)  # fmt: skip
    assert err.line == 1
    refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", b"\n" * (100 * 2**20)), match="max_lines",
            peak_mib=250, seconds=10)  # fmt: skip
    refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", "\u2028" * (10 * 2**20)), match="max_lines",
            peak_mib=100, seconds=10)  # fmt: skip
    small = ReadLimits(max_line_bytes=100)
    refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", _pku_text(RNG)), limits=small, match="max_line_bytes")


def test_read_time_is_bounded(tmp_path):
    lines = _pku_text(RNG, frames=20_000)
    path = _write(tmp_path, "0001-L.txt", lines)
    assert read_pku_skeleton(path).num_frames == 20_000
    refused(read_pku_skeleton, path, limits=ReadLimits(max_seconds=1e-6), match="max_seconds")


def test_encodings_utf16_bom_and_cr_only(tmp_path):
    lines = _pku_text(RNG)
    text = "\n".join(lines) + "\n"
    refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", text.encode("utf-16")), match="UTF-16")
    refused(read_pku_skeleton, _write(tmp_path, "0001-L.txt", text.encode("utf-16-le")), match="UTF-16")
    expect = read_pku_skeleton(_write(tmp_path, "0001-L.txt", text)).data
    for raw in (b"\xef\xbb\xbf" + text.encode(), text.replace("\n", "\r").encode()):
        np.testing.assert_array_equal(read_pku_skeleton(_write(tmp_path, "0001-L.txt", raw)).data, expect)


def test_valid_files_still_read_identically(tmp_path):
    """The new checks keep every valid seed file's array bit-identical to a direct parse."""
    rng = np.random.default_rng(24)
    utk = seed_utk(rng)
    seq = read_utkinect_joints(_write(tmp_path, "joints_s01_e01.txt", utk))
    direct = np.array([line.split() for line in utk.decode().splitlines()], dtype=np.float64)
    np.testing.assert_array_equal(seq.data[0].reshape(len(direct), 60), direct[:, 1:].astype(np.float32))
    pku = seed_pku(rng)
    direct = np.array([line.split() for line in pku.decode().splitlines()], dtype=np.float32)
    np.testing.assert_array_equal(read_pku_skeleton(_write(tmp_path, "0001-L.txt", pku)).data,
                                  direct.reshape(-1, 2, 25, 3).transpose(1, 0, 2, 3))  # fmt: skip
    raw = seed_npy(rng)
    np.testing.assert_array_equal(read_array(_write(tmp_path, "clip.npy", raw)).data[0], np.load(io.BytesIO(raw)))
    mat = seed_utd(rng)
    from scipy.io import loadmat

    expect = loadmat(io.BytesIO(mat))["d_skel"].astype(np.float32).transpose(2, 0, 1)
    np.testing.assert_array_equal(read_utd_mhad(_write(tmp_path, "a1_s1_t1_skeleton.mat", mat)).data[0], expect)
