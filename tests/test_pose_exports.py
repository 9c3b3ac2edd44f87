"""The pose-estimator export readers (COCO results, OpenPose, MediaPipe, YOLO-pose, csv-frames), the tracker that
links people across frames, the layouts of those estimators, and the dispatcher telling JSON kinds apart."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pose_export_fixtures import (
    make_clip,
    write_coco_results,
    write_csv_frames,
    write_mediapipe_csv,
    write_mediapipe_json,
    write_openpose,
    write_yolo_json,
    write_yolo_txt,
)

from sugar_hf.skeleton.readers import (
    ReadLimits,
    SkeletonFormatError,
    detect_pose_format,
    read_pose_export,
    read_skeleton_file,
    track_people,
)
from sugar_hf.skeleton_layouts import BODY_PARTS, get_layout

DROP = frozenset({(1, 3), (1, 4), (0, 0)})


def _writers(tmp_path):
    """``[(format, path, written clip (M, T, V, C), expected layout)]`` of every export kind."""
    coco = make_clip("coco17", 12, 2, seed=1)
    body25 = make_clip("body25", 12, 2, seed=2)
    coco18 = make_clip("coco18", 12, 2, seed=3)
    mp = make_clip("mediapipe33", 12, 1, channels=4, normalised=True, seed=4)
    yolo = make_clip("coco17", 12, 2, normalised=True, seed=5)
    halpe = make_clip("halpe26", 12, 2, seed=6)
    return [
        ("coco-json", write_coco_results(tmp_path / "coco.json", coco, DROP), coco, "coco17"),
        ("coco-json", write_coco_results(tmp_path / "coco_names.json", coco, DROP, "name"), coco, "coco17"),
        ("openpose", write_openpose(tmp_path / "op25", body25, DROP), body25, "body25"),
        ("openpose", write_openpose(tmp_path / "op18", coco18, DROP, ids=True), coco18, "coco18"),
        ("mediapipe", write_mediapipe_json(tmp_path / "mp.json", mp, DROP), mp, "mediapipe33"),
        ("mediapipe", write_mediapipe_csv(tmp_path / "mp.csv", mp, DROP), mp, "mediapipe33"),
        ("yolo-pose", write_yolo_txt(tmp_path / "yolo", yolo, DROP), yolo, "coco17"),
        ("yolo-pose", write_yolo_json(tmp_path / "yolo.json", yolo, DROP), yolo, "coco17"),
        ("csv-frames", write_csv_frames(tmp_path / "frames.csv", halpe, "halpe26", DROP), halpe, "halpe26"),
    ]


def test_every_format_reads_back_what_was_written_with_missing_detections_filled(tmp_path):
    for fmt, path, clip, layout in _writers(tmp_path):
        assert detect_pose_format(path) == fmt, path
        seq = read_pose_export(path)
        same = read_pose_export(path, format=fmt)
        np.testing.assert_array_equal(seq.data, same.data)
        m = clip.shape[0]
        assert seq.layout == layout and seq.data.shape == clip.shape and seq.data.dtype == np.float32, path
        assert seq.meta["format"] == fmt and seq.meta["coordinate_channels"] == (3 if fmt == "mediapipe" else 2)
        k = seq.meta["coordinate_channels"]
        report = seq.meta["tracking"]
        # person 0 misses frame 0 (1 filled), person 1 frames 3-4 (2 filled); the most present comes first
        assert report["filled"] == ([1, 2] if m == 2 else [1]), (path, report)
        assert report["filled_total"] == sum(report["filled"]) and report["frames"] == 12
        for p in range(m):
            for t in range(12):
                if (p, t) in DROP:
                    assert (seq.data[p, t, :, k:] == 0).all(), "a filled frame must carry score 0"
                else:
                    np.testing.assert_allclose(seq.data[p, t], clip[p, t], atol=1e-3, err_msg=str(path))
        # carried before the first detection, interpolated inside the span
        np.testing.assert_allclose(seq.data[0, 0, :, :k], clip[0, 1, :, :k], atol=1e-3)
        if m == 2:
            expected = (2 * clip[1, 2, :, :k] + clip[1, 5, :, :k]) / 3
            np.testing.assert_allclose(seq.data[1, 3, :, :k], expected, atol=1e-3)


def test_the_dispatcher_reads_exports_and_tells_json_kinds_apart(tmp_path):
    for _fmt, path, clip, layout in _writers(tmp_path):
        data, read_layout = read_skeleton_file(path)
        assert read_layout == layout and data.shape == clip.shape
    import fuzz_families

    ucla = tmp_path / "a01_s01_e00_v01.json"
    ucla.write_bytes(fuzz_families.seed_nw_ucla(np.random.default_rng(0)))
    assert read_skeleton_file(ucla)[1] == "kinect_v1_20"
    toyota = tmp_path / "Cook.Cleandishes_p02_r00_v02_c03.json"
    toyota.write_bytes(fuzz_families.seed_toyota(np.random.default_rng(0)))
    assert read_skeleton_file(toyota)[1] == "toyota13"
    other = tmp_path / "config.json"
    other.write_text(json.dumps({"model": "x", "layers": 3}))
    with pytest.raises(SkeletonFormatError) as err:
        read_skeleton_file(other)
    assert str(other) in str(err.value) and "COCO keypoint results" in str(err.value)
    assert "'skeletons'" in str(err.value)  # NW-UCLA is one of the kinds it names, not the only guess
    with pytest.raises(SkeletonFormatError, match="not a pose export"):
        read_pose_export(ucla)


def test_tracker_keeps_identities_whatever_the_detection_order():
    rng = np.random.default_rng(0)
    clip = make_clip("coco17", 20, 3, seed=7)
    frames, truth = [], []
    for t in range(20):
        order = [m for m in rng.permutation(3) if not (m == 2 and t % 2)]  # person 2 every other frame
        frames.append([clip[m, t] for m in order])
        truth.append(order)
    data, report = track_people(frames, coordinate_channels=2, max_persons=2)
    assert data.shape == (2, 20, 17, 3) and report.tracks == 3 and report.dropped_tracks == 1
    assert report.filled == [0, 0] and not report.by_id
    np.testing.assert_array_equal(data, clip[:2])  # the two always-present persons, in a stable order
    data3, report3 = track_people(frames, coordinate_channels=2, max_persons=3)
    assert report3.filled == [0, 0, 10] and (data3[2, 1::2, :, 2] == 0).all()
    np.testing.assert_array_equal(data3[2, ::2], clip[2, ::2])


def test_tracker_by_id_and_its_refusals():
    clip = make_clip("coco17", 4, 2, seed=8)
    frames = [[clip[1, t], clip[0, t]] for t in range(4)]
    data, report = track_people(frames, 2, 2, ids=[[7, 3]] * 4)
    assert report.by_id and report.tracks == 2
    with pytest.raises(ValueError, match="twice"):
        track_people(frames, 2, 2, ids=[[7, 7]] * 4)
    empty = np.zeros((17, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="no person detected"):
        track_people([[empty], []], 2, 2)


@pytest.mark.parametrize("name", ["body25", "coco18", "mediapipe33", "halpe26"])
def test_estimator_layouts_are_trees_with_six_parts(name):
    lay = get_layout(name)
    parents = dict(lay.inward_edges)
    assert len(parents) == lay.num_joints - 1 and lay.center not in parents
    for joint in range(lay.num_joints):  # every joint reaches the centre
        seen = 0
        while joint != lay.center:
            joint, seen = parents[joint], seen + 1
            assert seen < lay.num_joints
    assert set(lay.body_parts) == set(BODY_PARTS) and all(lay.body_parts.values())
    assert {j for part in lay.body_parts.values() for j in part} == set(range(lay.num_joints))
    assert lay.adjacency_subsets().shape == (3, lay.num_joints, lay.num_joints)
    assert get_layout({"mediapipe33": "blazepose", "body25": "body_25", "coco18": "coco_18",
                       "halpe26": "halpe"}[name]) is lay  # fmt: skip


def test_defects_name_the_file(tmp_path):
    def refused(path, match, **kwargs):
        with pytest.raises(SkeletonFormatError, match=match) as err:
            read_pose_export(path, **kwargs)
        assert str(path) in str(err.value)

    clip = make_clip("coco17", 6, 1)
    bad = tmp_path / "coco.json"
    dets = json.loads(write_coco_results(bad, clip).read_text())
    dets[2]["keypoints"] = dets[2]["keypoints"][:-3]
    bad.write_text(json.dumps(dets))
    refused(bad, "16 keypoints")
    dets[2]["keypoints"] = ["1.0"] * 51
    bad.write_text(json.dumps(dets))
    refused(bad, "rectangular array of numbers")
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps([{"image_id": 1, "keypoints": [1.0, 2.0, 0.5] * 19}]))
    refused(odd, "19 keypoints: no preset layout")
    assert read_pose_export(odd, layout={"name": "custom", "joint_names": [str(i) for i in range(19)],
                                         "inward_edges": [[i, 0] for i in range(1, 19)], "center": 0}).data.shape == (1, 1, 19, 3)  # fmt: skip
    folder = write_openpose(tmp_path / "op", make_clip("body25", 5, 1))
    first = sorted(folder.iterdir())[1]
    first.write_text('{"people": [{"pose_keypoints_2d": [1, 2, NaN]}]}')
    refused(folder, "NaN")
    nobody = tmp_path / "nobody"
    nobody.mkdir()
    (nobody / "x_0_keypoints.json").write_text('{"people": []}')
    refused(nobody, "no person")
    yolo = write_yolo_txt(tmp_path / "yolo", make_clip("coco17", 3, 1, normalised=True))
    sorted(yolo.iterdir())[0].write_text("0 0.5 0.5 0.1 0.1 1 2 3\n")
    refused(yolo, "8 values")
    frames = tmp_path / "frames.csv"
    frames.write_text("frame,nose_x,nose_y,elbow_q\n0,1,2,3\n")
    refused(frames, "elbow_q")
    frames.write_text("frame,nose_x,nose_y\n0,1,zz\n")
    refused(frames, "'zz'", layout={"name": "one", "joint_names": ["nose"], "inward_edges": [], "center": 0})
    crowd = tmp_path / "crowd.json"
    write_coco_results(crowd, make_clip("coco17", 2, 5))
    refused(crowd, "max_persons", limits=ReadLimits(max_persons=4))
    long = tmp_path / "long.json"
    long.write_text(json.dumps([{"image_id": i * 7 + 1, "keypoints": [1.0, 2.0, 0.5] * 17} for i in (0, 1)]
                               + [{"image_id": 10**9, "keypoints": [1.0, 2.0, 0.5] * 17}]))  # fmt: skip
    refused(long, "max_frames")
    with pytest.raises(SkeletonFormatError, match="not a pose export"):
        detect_pose_format(tmp_path / "clip.npy")


def test_frame_numbers_with_a_stride_and_gaps(tmp_path):
    clip = make_clip("coco17", 5, 1)
    dets = [{"image_id": 100 + 5 * t, "keypoints": clip[0, t].reshape(-1).tolist()} for t in (0, 1, 2, 4)]
    path = tmp_path / "strided.json"
    path.write_text(json.dumps(dets))
    seq = read_pose_export(path)
    assert seq.data.shape[1] == 5 and seq.meta["frame_stride"] == 5 and seq.meta["first_frame"] == 100
    assert seq.meta["tracking"]["filled"] == [1] and seq.meta["tracking"]["frames_without_detection"] == 1
