"""Readers on the real samples of ../shared/data: every file parses, ids and shapes are right; reading any file by
its suffix; the limit error."""

from __future__ import annotations

import numpy as np
import pytest
from data_helpers import require

from sugar_hf.skeleton.readers import (
    SKELETON_FILE_SUFFIXES,
    ReadLimitExceeded,
    ReadLimits,
    SkeletonFormatError,
    cut_clips,
    cut_utkinect_clips,
    parse_ntu_name,
    read_array,
    read_array_folder,
    read_name_list,
    read_ntu_skeleton,
    read_nw_ucla,
    read_pku_labels,
    read_pku_skeleton,
    read_pku_split,
    read_skeleton_file,
    read_toyota_json,
    read_tsu_action_list,
    read_tsu_annotations,
    read_tsu_npz,
    read_utd_mhad,
    read_utkinect_joints,
    read_utkinect_labels,
)

NTU_FRAMES = {
    "S001C001P001R001A001": 103, "S001C001P001R001A002": 158, "S001C001P001R001A003": 104,
    "S001C001P001R001A004": 99, "S001C001P001R001A005": 54, "S001C001P001R001A011": 82,
    "S002C001P003R001A003": 100, "S003C001P015R001A034": 71, "S004C002P003R001A017": 124,
    "S001C003P008R002A058": 70,
}  # fmt: skip


def test_every_ntu_sample_parses():
    files = sorted(require("ntu_rgbd", "skeletons").glob("*.skeleton"))
    assert len(files) == 10
    for f in files:
        seq = read_ntu_skeleton(f)
        assert seq.data.dtype == np.float32 and seq.data.shape[2:] == (25, 3)
        assert np.isfinite(seq.data).all()
        ids = parse_ntu_name(f.name)
        assert seq.label == ids["action"] - 1 and seq.meta["subject"] == ids["subject"]
        assert seq.num_frames == NTU_FRAMES[f.stem]


def test_ntu_two_person_sample_has_two_bodies():
    seq = read_ntu_skeleton(require("ntu_rgbd", "skeletons", "S001C003P008R002A058.skeleton"))
    assert seq.data.shape == (2, 70, 25, 3)
    assert len(set(seq.meta["body_ids"])) == 2
    assert (np.abs(seq.data).sum(axis=(2, 3)) > 0).all()


def test_ntu_all_channels_and_ranges():
    seq = read_ntu_skeleton(
        require("ntu_rgbd", "skeletons", "S001C001P001R001A001.skeleton"), channels=("xyz", "depth", "color")
    )
    assert seq.data.shape[-1] == 7
    z = seq.data[..., 2]
    assert 2.0 < z.min() and z.max() < 4.5
    assert (seq.data[..., 3] <= 512).all() and (seq.data[..., 5] <= 1920).all()


def test_crlf_and_lf_give_identical_arrays(tmp_path):
    src = require("ntu_rgbd", "skeletons", "S001C003P008R002A058.skeleton")  # CRLF original
    raw = src.read_bytes()
    assert b"\r\n" in raw
    lf = tmp_path / src.name
    lf.write_bytes(raw.replace(b"\r\n", b"\n"))
    np.testing.assert_array_equal(read_ntu_skeleton(src).data, read_ntu_skeleton(lf).data)
    lf_src = require("ntu_rgbd", "skeletons", "S001C001P001R001A001.skeleton")  # LF original
    crlf = tmp_path / lf_src.name
    crlf.write_bytes(lf_src.read_bytes().replace(b"\n", b"\r\n"))
    np.testing.assert_array_equal(read_ntu_skeleton(lf_src).data, read_ntu_skeleton(crlf).data)


def _read_both(path, **kwargs):
    """``read_ntu_skeleton`` through the C fast path and through the pure-Python path."""
    from sugar_hf.skeleton.readers import ntu

    fast = read_ntu_skeleton(path, **kwargs)
    saved, ntu._ntu_fast = ntu._ntu_fast, None
    try:
        slow = read_ntu_skeleton(path, **kwargs)
    finally:
        ntu._ntu_fast = saved
    return fast, slow


def _assert_same(a, b):
    assert a.data.dtype == b.data.dtype and a.data.shape == b.data.shape
    assert a.data.tobytes() == b.data.tobytes()  # bit-identical, signed zeros included
    assert (a.name, a.label, a.layout, a.meta) == (b.name, b.label, b.layout, b.meta)


def test_ntu_fast_path_equals_python_path_on_real_samples(tmp_path):
    from sugar_hf.skeleton.readers import ntu

    if ntu._ntu_fast is None:
        pytest.skip("C fast path not built (python setup.py build_ext --inplace)")
    for f in sorted(require("ntu_rgbd", "skeletons").glob("*.skeleton")):
        raw = f.read_bytes()
        assert ntu._ntu_fast.parse(raw) is not None, f"fast path declined a real file: {f.name}"
        lf, crlf = tmp_path / f"lf_{f.name}", tmp_path / f"crlf_{f.name}"
        lf.write_bytes(raw.replace(b"\r\n", b"\n"))
        crlf.write_bytes(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        for path in (f, lf, crlf):
            _assert_same(*_read_both(path, channels=tuple(ntu.NTU_CHANNELS), keep_empty_frames=False))
        _assert_same(*_read_both(f))


def test_ntu_fast_path_number_forms(tmp_path):
    """Unusual but valid number spellings and spacing give the same values as the Python path."""
    joints = [
        "-0 1. .5 +1 1.5E-05 -9.276937E-05 1e3 0.0000001 12345678 1.123456789 -1234567.7654321 2",
        "\t0.2181153  0.1725972 3.785547 277.419 191.8218 1036.233 519.1677 -0.2059419 0.05 0.96 -0.15 2 ",
    ]
    text = "1\n1\n72057594037931101 0 1 1 1 1 0 0.02764709 0.05745083 2\n25\n" + "\n".join(
        joints[k % 2] for k in range(25)
    )
    path = tmp_path / "S001C001P001R001A001.skeleton"
    path.write_text(text + "\n\n")
    fast, slow = _read_both(path, channels=("xyz", "depth", "color", "orientation", "tracking"))
    _assert_same(fast, slow)
    assert fast.meta["body_ids"] == ["72057594037931101"]


def test_ntu_name_lists():
    meta = require("ntu_rgbd", "metadata")
    assert len(read_name_list(meta / "NTU_RGBD_samples_with_missing_skeletons.txt")) == 302
    assert len(read_name_list(meta / "NTU_RGBD120_samples_with_missing_skeletons.txt")) == 535
    assert len(read_name_list(meta / "ntu120_skes_available_name.txt")) == 113_945


def test_pku_mmd_sequences_labels_and_clips():
    root = require("pku_mmd_v1")
    frames = {"0036-L": 1261, "0036-M": 1258, "0036-R": 1307, "0310-L": 1364, "0310-M": 1388, "0310-R": 1158}
    total = 0
    for name, t in frames.items():
        seq = read_pku_skeleton(root / "skeleton" / f"{name}.txt")
        assert seq.data.shape == (2, t, 25, 3)
        segments = read_pku_labels(root / "label" / f"{name}.txt")
        clips = cut_clips(seq, segments)
        assert all(c.num_frames == s.end - s.start + 1 for c, s in zip(clips, segments))
        total += len(clips)
    assert total == 45
    train, test = read_pku_split(root / "split" / "cross-view.txt")
    assert "0036-L" in train and "0036-M" in test


def test_every_nw_ucla_file_parses():
    files = sorted(require("nw_ucla", "all_sqe").glob("*.json"))
    assert len(files) == 1484
    lengths = []
    for f in files:
        seq = read_nw_ucla(f)
        assert seq.data.shape[0] == 1 and seq.data.shape[2:] == (20, 3)
        assert 0 <= seq.label <= 9 and 1 <= seq.meta["view"] <= 3
        lengths.append(seq.num_frames)
    assert min(lengths) == 1 and max(lengths) == 201


def test_every_utd_mhad_file_parses():
    files = sorted(require("utd_mhad").rglob("*.mat"))
    assert len(files) == 861
    for f in files:
        seq = read_utd_mhad(f)
        assert seq.data.shape[2:] == (20, 3) and 41 <= seq.num_frames <= 125
        assert 0 <= seq.label <= 26
    head = read_utd_mhad(files[0]).data[0, 0]
    assert head[0, 1] == head[:, 1].max()  # joint 1 (head) is the highest


def test_utkinect_recordings_give_199_segments():
    root = require("utkinect_action3d", "joints")
    labels = read_utkinect_labels(root / "actionLabel.txt")
    clips = []
    for f in sorted(root.glob("joints_*.txt")):
        rec = read_utkinect_joints(f)
        assert rec.data.shape[2:] == (20, 3)
        clips += cut_utkinect_clips(rec, labels[rec.name.removeprefix("joints_")], root / "actionLabel.txt")
    assert len(clips) == 199
    assert read_utkinect_joints(root / "joints_s01_e01.txt").num_frames == 560
    assert len(read_utkinect_labels(root / "actionLabel_modified.txt")) == 20


def test_tsu_npz_annotations_and_clips():
    root = require("toyota_smarthome_tsu_sample")
    seq = read_tsu_npz(root / "P11T13C03_LCRNet2d.npz")
    assert seq.data.shape == (1, 34520, 17, 2) and seq.layout == "coco17"
    segments = read_tsu_annotations(root / "P11T13C03_annotations_CS_51.json", "P11T13C03")
    assert len(segments) == 81 and max(s[2] for s in segments) == 34426
    assert len(read_tsu_action_list(root / "Action_list.txt")) == 51


def test_toyota_trimmed_json(tmp_path):
    rng = np.random.default_rng(0)
    frames = [
        [{"pose2d": rng.normal(size=26).tolist(), "pose3d": rng.normal(size=39).tolist(), "cumscore": 1.0}]
    ]
    frames += [[]]  # a frame without detection
    import json

    path = tmp_path / "Cook.Cleandishes_p02_r00_v02_c03.json"
    path.write_text(json.dumps({"njts": 13, "frames": frames}))
    seq = read_toyota_json(path)
    assert (
        seq.data.shape == (1, 2, 13, 3)
        and seq.meta["camera"] == 3
        and seq.meta["action"] == "Cook.Cleandishes"
    )
    np.testing.assert_allclose(
        seq.data[0, 0, :, 0], np.asarray(frames[0][0]["pose3d"][:13], dtype=np.float32)
    )
    assert not seq.data[0, 1].any()
    assert read_toyota_json(path, dims=2).data.shape == (1, 2, 13, 2)


def test_generic_arrays_and_folder(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "a.npy", rng.normal(size=(10, 17, 2)).astype(np.float32))
    np.savez(tmp_path / "b.npz", skeleton=rng.normal(size=(2, 5, 17, 2)))
    (tmp_path / "labels.csv").write_text("file,label,subject\na.npy,wave,1\nb.npz,clap,2\n")
    assert read_array(tmp_path / "a.npy", "coco17").data.shape == (1, 10, 17, 2)
    seqs, classes = read_array_folder(tmp_path, tmp_path / "labels.csv", "coco17")
    assert (
        classes == ["clap", "wave"] and [s.label for s in seqs] == [1, 0] and seqs[1].meta["subject"] == "2"
    )
    with pytest.raises(SkeletonFormatError, match="joints"):
        read_array(tmp_path / "a.npy", "ntu25")


@pytest.mark.parametrize(
    ("filename", "seed", "layout", "shape"),
    [
        ("S001C001P001R001A001.skeleton", "seed_ntu", "ntu25", (2, 8, 25, 3)),
        ("a01_s01_e00_v01.json", "seed_nw_ucla", "kinect_v1_20", (1, 10, 20, 3)),
        ("a1_s1_t1_skeleton.mat", "seed_utd", "utd_mhad20", (1, 10, 20, 3)),
        ("clip.npy", "seed_npy", "ntu25", (1, 10, 25, 3)),
        ("clip.NPZ", "seed_npz", "ntu25", (2, 10, 25, 3)),
    ],
)
def test_read_skeleton_file_reads_each_suffix_with_its_reader(tmp_path, filename, seed, layout, shape):
    import fuzz_families

    path = tmp_path / filename
    path.write_bytes(getattr(fuzz_families, seed)(np.random.default_rng(0)))
    data, read_layout = read_skeleton_file(path)
    assert read_layout == layout and data.shape == shape and data.dtype == np.float32
    assert SKELETON_FILE_SUFFIXES == (".skeleton", ".npy", ".npz", ".json", ".mat", ".csv", ".txt")


def test_read_skeleton_file_reads_arrays_in_the_given_layout_under_limits(tmp_path):
    clip = np.random.default_rng(1).standard_normal((6, 20, 3)).astype(np.float32)
    np.save(tmp_path / "clip.npy", clip)
    data, layout = read_skeleton_file(tmp_path / "clip.npy", layout="kinect_v1_20")
    assert layout == "kinect_v1_20" and np.array_equal(data, clip[None])
    with pytest.raises(SkeletonFormatError, match="20 joints, layout 'ntu25' has 25"):
        read_skeleton_file(tmp_path / "clip.npy")
    with pytest.raises(ReadLimitExceeded, match=r"6 frames, more than the limit of 5 \(max_frames\)") as hit:
        read_skeleton_file(tmp_path / "clip.npy", layout="kinect_v1_20", limits=ReadLimits(max_frames=5))
    assert (hit.value.limit, hit.value.value, hit.value.maximum) == ("max_frames", 6, 5)
    (tmp_path / "clip.bin").write_text("1 2 3\n")
    with pytest.raises(ValueError, match=r"unsupported skeleton file type '\.bin'"):
        read_skeleton_file(tmp_path / "clip.bin")
    (tmp_path / "clip.txt").write_text("1 2 3\n")  # a YOLO-pose frame now, checked as one
    with pytest.raises(SkeletonFormatError, match="3 values; a YOLO-pose line of 17 keypoints has"):
        read_skeleton_file(tmp_path / "clip.txt")


def test_read_limit_exceeded_is_a_format_error_that_pickles(tmp_path):
    import pickle

    path = tmp_path / "big.npy"
    np.save(path, np.zeros((4, 25, 3), np.float32))
    with pytest.raises(ReadLimitExceeded) as hit:
        read_array(path, limits=ReadLimits(max_file_bytes=100))
    error = hit.value
    assert isinstance(error, SkeletonFormatError) and error.limit == "max_file_bytes" and error.maximum == 100
    assert str(error) == f"{path}: file is {error.value} bytes, more than the limit of 100 (max_file_bytes)"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ReadLimitExceeded and str(again) == str(error)
    assert (again.limit, again.value, again.maximum, again.line) == (error.limit, error.value, 100, None)
