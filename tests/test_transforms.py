"""Cleaning and augmentation transforms: denoising, crop-resize, rotation, streams."""

from __future__ import annotations

import numpy as np
import pytest
from data_helpers import require

from sugar_hf.skeleton.readers import read_ntu_skeleton
from sugar_hf.skeleton.transforms import (
    bone_stream,
    denoise_bodies,
    motion_stream,
    random_rotation,
    rotation_matrix,
    valid_crop_resize,
)
from sugar_hf.skeleton_layouts import get_layout

RNG = np.random.default_rng(0)


def _body(frames: np.ndarray, total: int = 40, spread=(0.3, 1.0), seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros((total, 25, 3), dtype=np.float32)
    pose = rng.uniform(-0.5, 0.5, size=(25, 3)) * np.array([spread[0], spread[1], 0.2])
    x[frames] = pose + rng.normal(scale=0.02, size=(len(frames), 25, 3))
    return x


def test_denoise_drops_short_and_wide_bodies_and_keeps_two():
    person = _body(np.arange(40), seed=1)
    short = _body(np.arange(5), seed=2)  # <= 11 frames
    wide = _body(np.arange(40), spread=(3.0, 0.3), seed=3)  # x-spread >> 0.8 y-spread
    second = _body(np.arange(40), seed=4) * 1.5
    out = denoise_bodies(np.stack([short, person, wide, second]))
    assert out.shape == (2, 40, 25, 3)
    kept = {tuple(np.round(o[0, 0], 4)) for o in out}
    assert tuple(np.round(person[0, 0], 4)) in kept and tuple(np.round(second[0, 0], 4)) in kept


def test_denoise_merges_non_overlapping_bodies_into_one_actor():
    a = _body(np.arange(0, 20), seed=1)
    b = _body(np.arange(20, 40), seed=2)
    out = denoise_bodies(np.stack([a, b]))
    assert (np.abs(out[0]).sum(axis=(1, 2)) > 0).all() and not out[1].any()


def test_denoise_on_real_two_person_sample():
    seq = read_ntu_skeleton(require("ntu_rgbd", "skeletons", "S001C003P008R002A058.skeleton"))
    out = denoise_bodies(seq.data)
    assert out.shape == (2, 70, 25, 3) and (np.abs(out).sum(axis=(2, 3)) > 0).all()


def test_valid_crop_resize_train_and_test():
    x = np.zeros((2, 100, 25, 3), dtype=np.float32)
    x[:, 10:90] = RNG.normal(size=(2, 80, 25, 3))
    test = valid_crop_resize(x, 64, 0.95)
    assert test.shape == (2, 64, 25, 3) and np.isfinite(test).all()
    np.testing.assert_array_equal(valid_crop_resize(x, 64, 0.95), test)  # deterministic
    a = valid_crop_resize(x, 64, (0.5, 1.0), rng=np.random.default_rng(1))
    b = valid_crop_resize(x, 64, (0.5, 1.0), rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    assert valid_crop_resize(x[:, :3], 64, (0.5, 1.0), rng=np.random.default_rng(0)).shape == (2, 64, 25, 3)
    one = valid_crop_resize(x[:, 10:11], 64, 0.95)  # a one-frame clip (NW-UCLA has two)
    assert one.shape == (2, 64, 25, 3)


def test_random_rotation_preserves_lengths_and_absent_bodies():
    x = RNG.normal(size=(2, 10, 25, 3)).astype(np.float32)
    x[1, 5:] = 0
    y = random_rotation(x, 0.3, rng=np.random.default_rng(0))
    np.testing.assert_allclose(np.linalg.norm(y, axis=-1), np.linalg.norm(x, axis=-1), rtol=1e-5, atol=1e-6)
    assert not y[1, 5:].any()
    r = rotation_matrix(np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-6)


def test_bone_and_motion_streams():
    layout = get_layout("ntu25")
    x = RNG.normal(size=(1, 5, 25, 3)).astype(np.float32)
    bone = bone_stream(x, layout)
    child, parent = layout.inward_edges[0]
    np.testing.assert_allclose(bone[0, 0, child], x[0, 0, child] - x[0, 0, parent])
    assert not bone[..., layout.center, :].any()
    motion = motion_stream(x)
    np.testing.assert_allclose(motion[:, 0], x[:, 1] - x[:, 0])
    assert not motion[:, -1].any()


# ------------------------------------------------------------ keypoint scores are values, not coordinates
def _keypoints_with_scores(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, 12, 17, 3)).astype(np.float32)
    x[..., 2] = rng.uniform(0.1, 1.0, size=(1, 12, 17))  # a pose estimator's confidence per keypoint
    return x


def test_centring_and_rotation_keep_a_score_channel():
    from sugar_hf.skeleton.transforms import center_on_joint, random_rotation

    layout = get_layout("coco17")
    x = _keypoints_with_scores()
    centred = center_on_joint(x, layout, coordinates=2)
    np.testing.assert_array_equal(centred[..., 2], x[..., 2])
    np.testing.assert_allclose(centred[0, 0, layout.center, :2], 0.0)
    rotated = random_rotation(centred, 0.3, rng=np.random.default_rng(1), coordinates=2)
    np.testing.assert_array_equal(rotated[..., 2], x[..., 2])
    # x, y turn in the plane: lengths from the centre are kept
    np.testing.assert_allclose(np.linalg.norm(rotated[..., :2], axis=-1), np.linalg.norm(centred[..., :2], axis=-1),
                               rtol=1e-5)  # fmt: skip
    # without the coordinate count the score is shifted and mixed into x, y, as before (three coordinates)
    assert not np.allclose(center_on_joint(x, layout)[..., 2], x[..., 2])


def test_streams_keep_a_score_channel():
    from sugar_hf.skeleton.transforms import bone_stream, motion_stream

    layout = get_layout("coco17")
    x = _keypoints_with_scores(2)
    bones = bone_stream(x, layout, coordinates=2)
    for child, parent in layout.inward_edges:
        np.testing.assert_allclose(bones[..., child, :2], x[..., child, :2] - x[..., parent, :2], rtol=1e-6)
        np.testing.assert_allclose(bones[..., child, 2], (x[..., child, 2] + x[..., parent, 2]) / 2, rtol=1e-6)
    root = sorted(set(range(17)) - {c for c, _ in layout.inward_edges})
    np.testing.assert_array_equal(bones[..., root, 2], x[..., root, 2])
    motion = motion_stream(x, coordinates=2)
    np.testing.assert_allclose(motion[:, :-1, :, :2], x[:, 1:, :, :2] - x[:, :-1, :, :2], rtol=1e-6)
    np.testing.assert_array_equal(motion[..., 2], x[..., 2])
    # the default (three coordinates) is unchanged
    np.testing.assert_array_equal(motion_stream(x)[:, -1], 0.0)


def test_pipeline_reads_the_coordinate_count_from_the_encoder_config():
    from sugar_hf import SugarEncoderConfig
    from sugar_hf.skeleton.pipeline import SkeletonPipeline

    config = SugarEncoderConfig(layout="coco17", in_channels=3, num_persons=1, num_frames=12, coordinate_channels=2)
    pipeline = SkeletonPipeline.from_encoder_config(config, rotate=0.3)
    x = _keypoints_with_scores(3)
    out = pipeline(x, train=True, rng=np.random.default_rng(0))
    assert out.shape == (1, 12, 17, 3)
    assert out[..., 2].min() >= 0.1 - 1e-6 and out[..., 2].max() <= 1.0 + 1e-6  # still confidences
    assert SugarEncoderConfig.from_dict(config.to_dict()).coordinate_channels == 2
    with pytest.raises(ValueError, match="coordinate_channels"):
        SugarEncoderConfig(coordinate_channels=0)
