"""The demo corpus: determinism, shapes, bone lengths, variation, splits, texts and the animation."""

from __future__ import annotations

import numpy as np
import pytest

from sugar_hf.demo import (
    ACTIONS,
    ACTIONS_BY_NAME,
    SEEN_ACTIONS,
    UNSEEN_ACTIONS,
    BodyModel,
    demo_clip,
    generate_clip,
    make_demo_corpus,
)
from sugar_hf.demo.body import J
from sugar_hf.demo.figures import animate_skeleton
from sugar_hf.skeleton_layouts import BODY_PARTS, NTU25


@pytest.fixture(scope="module")
def corpus():
    return make_demo_corpus(seed=3, num_subjects=4, test_subjects=1, repetitions=1, unseen_repetitions=1)


def test_corpus_is_deterministic_and_seed_dependent(corpus):
    again = make_demo_corpus(seed=3, num_subjects=4, test_subjects=1, repetitions=1, unseen_repetitions=1)
    other = make_demo_corpus(seed=4, num_subjects=4, test_subjects=1, repetitions=1, unseen_repetitions=1)
    for a, b in zip(corpus.train + corpus.unseen, again.train + again.unseen):
        assert a.action == b.action and np.array_equal(a.skeleton, b.skeleton)
    assert not np.array_equal(corpus.train[0].skeleton, other.train[0].skeleton)


def test_splits_and_labels(corpus):
    assert len(ACTIONS) >= 12 and set(SEEN_ACTIONS).isdisjoint(UNSEEN_ACTIONS) and len(UNSEEN_ACTIONS) >= 3
    assert len(corpus.train) == 3 * len(SEEN_ACTIONS) and len(corpus.test) == len(SEEN_ACTIONS)
    assert len(corpus.unseen) == 4 * len(UNSEEN_ACTIONS)
    assert {c.subject for c in corpus.train}.isdisjoint({c.subject for c in corpus.test})  # cross-subject
    for clip in corpus.train + corpus.test:
        assert corpus.seen_classes[clip.label] == clip.action
    for clip in corpus.unseen:
        assert corpus.unseen_classes[clip.label] == clip.action
    ds = corpus.to_dataset_dict()
    assert ds["train"].features["label"].names == corpus.seen_classes
    assert np.allclose(np.asarray(ds["test"][0]["skeleton"]), corpus.test[0].skeleton[0], atol=1e-6)
    assert ds["unseen"].features["label"].names == corpus.unseen_classes


def test_clip_shape_and_length_variation(corpus):
    lengths = {c.skeleton.shape[1] for c in corpus.train}
    assert len(lengths) > 5 and min(lengths) >= 44 and max(lengths) <= 100
    for clip in corpus.train:
        assert (
            clip.skeleton.dtype == np.float32
            and clip.skeleton.shape[0] == 1
            and clip.skeleton.shape[2:] == (25, 3)
        )
        assert np.isfinite(clip.skeleton).all()
        assert 2.0 < clip.skeleton[0, :, J["spine_base"], 2].mean() < 4.0  # in front of the camera


def test_bone_lengths_fixed_within_clip_and_differ_between_subjects():
    rng = np.random.default_rng(0)
    a, b = BodyModel.random(rng), BodyModel.random(rng)
    assert a.bones["thigh"] != b.bones["thigh"]
    for action in ACTIONS:
        clip = generate_clip(action, a, np.random.default_rng(1), noise=0.0)[0]
        for child, parent in NTU25.inward_edges:
            length = np.linalg.norm(clip[:, child] - clip[:, parent], axis=-1)
            assert length.std() < 1e-3 * max(length.mean(), 1e-3), (action.name, child, parent)


def test_actions_move_the_parts_they_describe():
    def motion(name, joints):
        clip = generate_clip(
            name, BodyModel(), np.random.default_rng(0), num_frames=80, yaw_degrees=0, noise=0.0
        )[0]
        local = clip - clip[:, J["spine_base"] : J["spine_base"] + 1]
        return float(np.ptp(local[:, [J[j] for j in joints]], axis=0).max())

    assert motion("wave hand", ["right_hand"]) > 0.4 > motion("wave hand", ["left_hand"])
    assert motion("kick forward", ["right_foot"]) > 0.3 > motion("kick forward", ["left_foot"])
    assert motion("raise both arms", ["left_hand"]) > 0.8 and motion("raise both arms", ["right_hand"]) > 0.8
    assert motion("turn head", ["head"]) > max(0.05, 2 * motion("turn head", ["right_hand"]))
    squat = generate_clip("squat down", BodyModel(), np.random.default_rng(0), num_frames=60, noise=0.0)[0]
    assert np.ptp(squat[:, J["spine_base"], 1]) > 0.25  # the pelvis drops
    sit = generate_clip("sit down", BodyModel(), np.random.default_rng(0), num_frames=60, noise=0.0)[0]
    stand = generate_clip("stand up", BodyModel(), np.random.default_rng(0), num_frames=60, noise=0.0)[0]
    assert sit[-1, J["spine_base"], 1] < sit[0, J["spine_base"], 1] - 0.25
    assert stand[-1, J["spine_base"], 1] > stand[0, J["spine_base"], 1] + 0.25


def test_camera_yaw_changes_the_view_not_the_body():
    body = BodyModel()
    front = generate_clip("clap hands", body, np.random.default_rng(0), yaw_degrees=0, noise=0.0)[0]
    side = generate_clip("clap hands", body, np.random.default_rng(0), yaw_degrees=40, noise=0.0)[0]
    assert not np.allclose(front, side)
    bone = (J["left_elbow"], J["left_shoulder"])
    assert np.allclose(np.linalg.norm(front[:, bone[0]] - front[:, bone[1]], axis=-1),
                       np.linalg.norm(side[:, bone[0]] - side[:, bone[1]], axis=-1), atol=1e-5)  # fmt: skip


def test_descriptions_cover_six_parts_and_match_schema():
    for action in ACTIONS:
        assert tuple(action.motion) == BODY_PARTS or set(action.motion) == set(BODY_PARTS)
        assert all(text.strip() for text in action.motion.values())
        assert len(action.visual) >= 4
        texts = action.texts()
        assert texts[0].startswith("Head: ") and "Feet: " in texts[0] and len(texts) == 1 + len(action.visual)
        assert action.description()
    try:
        from sugar_hf.knowledge.schema import ClassDescription
    except ImportError:
        return
    for action in ACTIONS:
        ClassDescription.from_dict(action.to_record()).validate(check_rules=True)


def test_demo_clip_and_animation(tmp_path):
    clip = demo_clip("wave hand")
    assert clip.shape == (1, 72, 25, 3) and np.array_equal(clip, demo_clip("wave hand"))
    gif = animate_skeleton(clip[:, :12], tmp_path / "wave.gif", title="wave hand")
    assert gif.read_bytes()[:6] in (b"GIF89a", b"GIF87a")


def test_unknown_action_and_bad_split():
    with pytest.raises(KeyError):
        generate_clip("juggle")
    with pytest.raises(ValueError):
        make_demo_corpus(num_subjects=2, test_subjects=2)
    with pytest.raises(ValueError):
        make_demo_corpus(seen=["bow"], unseen=["bow"])
    assert ACTIONS_BY_NAME["bow"].name == "bow"
