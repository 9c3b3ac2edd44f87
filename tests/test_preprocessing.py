"""One preprocessing path: the dataset view, the processor and the stage-2 collator feed the encoder the same
arrays, with the preprocessing (stream, centring, test crop, view alignment) recorded in the checkpoint."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from tiny import CLASSES, tiny_config, tiny_tokenizer

from sugar_hf import SugarConfig, SugarEncoderConfig, SugarForActionRecognition, SugarProcessor
from sugar_hf.corpora import row_to_skeleton
from sugar_hf.data import SkeletonTorchDataset, SugarCollator
from sugar_hf.inference import classify
from sugar_hf.skeleton.pipeline import SkeletonPipeline
from sugar_hf.skeleton.transforms import (
    bone_stream,
    center_on_joint,
    pad_or_trim_persons,
    random_rotation,
    valid_crop_resize,
)
from sugar_hf.skeleton_layouts import get_layout

LAYOUT = "kinect_v1_20"


@pytest.fixture(scope="module")
def rows():
    """A converted in-memory split: clip lengths around and below the model's 16 frames, one or two bodies,
    leading empty frames (so the valid crop matters), a body far from the origin (so centring matters)."""
    from datasets import Dataset

    from sugar_hf.corpora import skeleton_features

    rng = np.random.default_rng(0)
    out = []
    for i, (frames, persons) in enumerate([(40, 2), (23, 1), (9, 2), (31, 1), (16, 2), (57, 2)]):
        clip = (rng.standard_normal((persons, frames, 20, 3)) + [2.0, -1.0, 3.5]).astype(np.float32)
        if i % 2 == 0:
            clip[:, :3] = 0.0  # not-yet-tracked frames at the start
        out.append({
            "name": f"clip{i}", "source": f"clip{i}", "skeleton": clip.reshape(persons * frames, 20, 3),
            "num_persons": persons, "num_frames": frames, "label": i % len(CLASSES),
            "subject": 1, "camera": 1, "setup": -1, "view": 1,
        })  # fmt: skip
    dataset = Dataset.from_list(out, features=skeleton_features(LAYOUT, CLASSES))
    dataset.info.description = json.dumps({"corpus": "tiny", "layout": LAYOUT})
    return dataset


def _config(**encoder_fields) -> SugarConfig:
    config = tiny_config()
    for key, value in encoder_fields.items():
        setattr(config.encoder_config, key, value)
    return config


def _encoder_inputs(model) -> list[torch.Tensor]:
    """Every tensor the model's skeleton encoder is called with (a forward pre-hook)."""
    seen: list[torch.Tensor] = []
    model.encoder.register_forward_pre_hook(lambda module, args: seen.append(args[0].detach().clone()))
    return seen


# ---------------------------------------------------------------------------------------- (a) one path
@pytest.mark.parametrize("stream", ["joint", "bone_motion"])
def test_eval_view_processor_and_eval_collator_feed_identical_arrays(tokenizer, rows, stream):
    config = _config(stream=stream)
    view = SkeletonTorchDataset.from_encoder_config(rows, config.encoder_config, train=False)
    processor = SugarProcessor.from_config(tokenizer, config)
    items = [view[i] for i in range(len(view))]
    expected = torch.from_numpy(np.stack([item["skeleton"] for item in items]))
    assert expected.shape == (len(rows), 2, 16, 20, 3)

    raw = [row_to_skeleton(rows.with_format("numpy")[i]) for i in range(len(rows))]
    via_processor = processor(skeletons=raw, candidates=CLASSES)["skeleton_values"]
    assert via_processor.dtype == torch.float32 and torch.equal(via_processor, expected)

    collate = SugarCollator(processor, CLASSES, candidates=CLASSES, with_answers=False, return_class_ids=True)
    assert torch.equal(collate(items)["skeleton_values"], expected)  # view items: passed as they are
    raw_rows = [rows.with_format("numpy")[i] for i in range(len(rows))]
    assert torch.equal(collate(raw_rows)["skeleton_values"], expected)  # raw rows: the processor's pipeline

    torch.manual_seed(0)
    model = SugarForActionRecognition(config).eval()
    seen = _encoder_inputs(model)
    classify(model, processor, raw[:2], candidates=CLASSES[:2])
    classify(model, processor, expected[:2], candidates=CLASSES[:2])
    assert torch.equal(seen[0], expected[:2]) and torch.equal(seen[1], expected[:2])


def test_pipeline_matches_the_steps_and_names_bad_inputs():
    pipeline = SkeletonPipeline(LAYOUT, num_frames=16, num_persons=2, in_channels=2, stream="bone")
    clip = np.random.default_rng(1).standard_normal((1, 30, 20, 3)).astype(np.float32) + 1.0
    layout = get_layout(LAYOUT)
    joints = valid_crop_resize(center_on_joint(clip[..., :2], layout), 16, 0.95, min_length=16)
    steps = pad_or_trim_persons(bone_stream(joints, layout), 2)
    np.testing.assert_array_equal(pipeline(clip, train=False), steps)
    with pytest.raises(ValueError, match="25 joints, layout 'kinect_v1_20' has 20"):
        pipeline(np.zeros((1, 8, 25, 3), dtype=np.float32) + 1)
    with pytest.raises(ValueError, match="1 channels per joint, the model needs 2"):
        pipeline(np.ones((1, 8, 20, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="stream"):
        SkeletonPipeline(LAYOUT, stream="rgb")
    with pytest.raises(ValueError, match="layout is 'ntu25'"):
        from datasets import Dataset

        ds = Dataset.from_dict({"label": [0]})
        ds.info.description = json.dumps({"layout": "ntu25"})
        SkeletonTorchDataset.from_encoder_config(ds, tiny_config().encoder_config)


# ------------------------------------------------------------------------------- (b) a bone checkpoint
def test_bone_checkpoint_reloads_and_its_processor_feeds_bones(tokenizer, rows, tmp_path):
    torch.manual_seed(0)
    config = _config(stream="bone")
    model = SugarForActionRecognition(config).eval()
    SugarProcessor.from_config(tokenizer, config).save_pretrained(tmp_path)
    model.save_pretrained(tmp_path)
    assert json.loads((tmp_path / "config.json").read_text())["encoder_config"]["stream"] == "bone"
    saved = json.loads((tmp_path / "processor_config.json").read_text())
    assert (saved["stream"], saved["center"], saved["test_crop_ratio"]) == ("bone", True, 0.95)

    loaded = SugarForActionRecognition.from_pretrained(tmp_path).eval()
    processor = SugarProcessor.from_pretrained(tmp_path)
    assert loaded.config.encoder_config.stream == "bone" and processor.stream == "bone"
    clip = row_to_skeleton(rows.with_format("numpy")[0])
    seen = _encoder_inputs(loaded)
    classify(loaded, processor, [clip], candidates=CLASSES)
    layout = get_layout(LAYOUT)
    joints = pad_or_trim_persons(valid_crop_resize(center_on_joint(clip, layout), 16, 0.95, min_length=16), 2)
    bones = bone_stream(joints, layout)
    assert torch.equal(seen[0][0], torch.from_numpy(bones))
    assert not torch.allclose(seen[0][0], torch.from_numpy(joints))
    view = SkeletonTorchDataset.from_encoder_config(rows, loaded.config.encoder_config)
    np.testing.assert_array_equal(view[0]["skeleton"], bones)


# -------------------------------------------------------------------- (c) stage-2 training: no second pass
@pytest.mark.parametrize("stream", ["joint", "bone"])
def test_stage2_training_collator_passes_view_items_unchanged(tokenizer, rows, stream):
    config = _config(stream=stream)
    processor = SugarProcessor.from_config(tokenizer, config)
    view = SkeletonTorchDataset.from_encoder_config(rows, config.encoder_config, train=True, seed=0)
    items = [view[i] for i in range(len(view))]
    collate = SugarCollator(
        processor, CLASSES, describe=lambda name: f"a person does {name}", candidates=CLASSES
    )
    batch = collate(items)
    assert "labels" in batch
    assert torch.equal(batch["skeleton_values"], torch.from_numpy(np.stack([it["skeleton"] for it in items])))
    with pytest.raises(ValueError, match="from_encoder_config"):
        collate([SkeletonTorchDataset(rows, num_frames=12)[0]])  # a view of another size is refused


def test_train_view_keeps_its_augmentation_and_random_draws(rows):
    """Same seed, same arrays: the view's crop and rotation draw from its rng in CTR-GCN's order."""
    enc = tiny_config().encoder_config
    view = SkeletonTorchDataset.from_encoder_config(rows, enc, train=True, seed=3)
    legacy = SkeletonTorchDataset(rows, train=True, num_frames=16, num_persons=2, seed=3)
    layout = get_layout(LAYOUT)
    rng = np.random.default_rng(3)
    for i in range(len(rows)):
        x = center_on_joint(row_to_skeleton(rows.with_format("numpy")[i]), layout)
        x = valid_crop_resize(x, 16, (0.5, 1.0), rng=rng, min_length=16)
        x = pad_or_trim_persons(random_rotation(x, 0.3, rng=rng), 2)
        np.testing.assert_array_equal(view[i]["skeleton"], x)
        np.testing.assert_array_equal(legacy[i]["skeleton"], x)


# ------------------------------------------------------------------------------ (d) old files still load
def test_old_config_and_processor_files_load_with_the_defaults(tokenizer, tmp_path):
    config = tiny_config()
    config.save_pretrained(tmp_path)
    processor = SugarProcessor.from_config(tokenizer, config)
    processor.save_pretrained(tmp_path)
    fields = ("stream", "center", "test_crop_ratio", "align_view")
    data = json.loads((tmp_path / "config.json").read_text())
    assert set(fields) <= set(data["encoder_config"])
    for key in fields:
        data["encoder_config"].pop(key)
    (tmp_path / "config.json").write_text(json.dumps(data))
    saved = json.loads((tmp_path / "processor_config.json").read_text())
    for key in ("stream", "center", "test_crop_ratio"):
        saved.pop(key)
    (tmp_path / "processor_config.json").write_text(json.dumps(saved))

    old = SugarConfig.from_pretrained(tmp_path)
    enc = old.encoder_config
    assert (enc.stream, enc.center, enc.test_crop_ratio, enc.align_view) == ("joint", True, 0.95, False)
    pipeline = SkeletonPipeline.from_encoder_config(old)
    defaults = ("joint", True, 0.95, False)
    assert (pipeline.stream, pipeline.center, pipeline.test_crop_ratio, pipeline.align_view) == defaults
    assert pipeline.in_channels == 3 and pipeline.num_frames == 16
    loaded = SugarProcessor.from_pretrained(tmp_path)
    assert (loaded.stream, loaded.center, loaded.test_crop_ratio, loaded.align_view) == defaults
    assert loaded.pipeline == SkeletonPipeline.from_encoder_config(old)


def test_encoder_config_validates_and_round_trips_the_preprocessing_fields(tmp_path):
    with pytest.raises(ValueError, match="stream"):
        SugarEncoderConfig(stream="rgb")
    for ratio in (0.0, 1.5):
        with pytest.raises(ValueError, match="test_crop_ratio"):
            SugarEncoderConfig(test_crop_ratio=ratio)
    enc = SugarEncoderConfig(
        layout=LAYOUT, stream="motion", center=False, test_crop_ratio=1.0, align_view=True
    )
    enc.save_pretrained(tmp_path)
    back = SugarEncoderConfig.from_pretrained(tmp_path)
    assert (back.stream, back.center, back.test_crop_ratio, back.align_view) == ("motion", False, 1.0, True)
    processor = SugarProcessor.from_config(tiny_tokenizer(), tiny_config(encoder_config=back))
    assert (processor.stream, processor.center, processor.test_crop_ratio, processor.align_view) == (
        "motion", False, 1.0, True,
    )  # fmt: skip
