"""``transformers.pipeline("skeleton-action-recognition", ...)`` on SUGAR and baseline checkpoints (issue 14,
finding 5): files, arrays, batches, top_k, zero-shot candidates, remote code without the package, cards."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from test_transformers_integration import HIDE_PACKAGE
from tiny import CLASSES, tiny_config, tiny_tokenizer
from transformers import pipeline
from transformers.pipelines import PIPELINE_REGISTRY

from sugar_hf import (
    SkeletonActionRecognitionPipeline,
    SugarBaselineConfig,
    SugarEncoderConfig,
    SugarForActionRecognition,
    SugarForSkeletonClassification,
    SugarProcessor,
    SugarSkeletonTextModel,
)
from sugar_hf.hub.cards import model_card
from sugar_hf.inference import classify
from sugar_hf.training.evaluation import predict_skeletons

TASK = "skeleton-action-recognition"


def _clip(frames: int = 24, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(frames, 20, 3)).astype(np.float32)


@pytest.fixture(scope="module")
def sugar_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sugar")
    torch.manual_seed(0)
    config = tiny_config()
    model = SugarForActionRecognition(config).eval()
    for name, param in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.3)
    processor = SugarProcessor.from_config(tiny_tokenizer(), config)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder, model, processor


@pytest.fixture(scope="module")
def baseline_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("baseline")
    torch.manual_seed(0)
    encoder = SugarEncoderConfig(layout="kinect_v1_20", num_persons=2, num_frames=16, base_channels=8)
    model = SugarForSkeletonClassification(SugarBaselineConfig(encoder_config=encoder, class_names=CLASSES)).eval()
    with torch.no_grad():  # an untrained CTR-GCN's logits are in the thousands: scale them to distinct probabilities
        model.classifier.weight.mul_(1e-3)
    model.save_pretrained(folder)
    return folder, model


@pytest.fixture(scope="module")
def stage1_folder(tmp_path_factory):
    """A tiny stage-1 folder as training writes it: the model (text encoder included) and its text tokenizer."""
    folder = tmp_path_factory.mktemp("stage1")
    torch.manual_seed(0)
    model = SugarSkeletonTextModel(tiny_config(learn_text_projection=True)).eval()
    with torch.no_grad():  # a random text map, so each candidate's text lands somewhere else
        model.text_projection.weight.normal_(std=0.5)
    tokenizer = tiny_tokenizer()
    model.save_pretrained(folder, save_full_llm=True)
    tokenizer.save_pretrained(folder)
    return folder, model, tokenizer


def _softmax(values):
    top = max(values)
    exp = [math.exp(v - top) for v in values]
    return [e / sum(exp) for e in exp]


def test_the_task_is_registered_at_import():
    assert TASK in PIPELINE_REGISTRY.get_supported_tasks()
    impl = PIPELINE_REGISTRY.supported_tasks[TASK]["impl"]
    assert impl is SkeletonActionRecognitionPipeline


def test_pipeline_ranks_the_training_classes_like_classify(sugar_folder):
    folder, model, processor = sugar_folder
    pipe = pipeline(TASK, model=str(folder))
    assert isinstance(pipe, SkeletonActionRecognitionPipeline)
    out = pipe(_clip(), top_k=None)
    assert [set(d) for d in out] == [{"label", "score"}] * len(CLASSES)
    ranked = classify(model, processor, [_clip()], top_k=len(CLASSES))[0]
    assert [d["label"] for d in out] == [name for name, _ in ranked]
    expected = _softmax([s for _, s in ranked])
    assert [d["score"] for d in out] == pytest.approx(expected, rel=1e-4)
    assert sum(d["score"] for d in out) == pytest.approx(1.0)
    assert len(pipe(_clip())) == 5  # the default top_k


def test_pipeline_reads_files_batches_and_top_k(sugar_folder, tmp_path):
    folder, _, _ = sugar_folder
    pipe = pipeline(TASK, model=str(folder))
    np.save(tmp_path / "a.npy", _clip(seed=1))
    np.savez(tmp_path / "b.npz", skeleton=_clip(30, seed=2)[None])
    from_file = pipe(str(tmp_path / "a.npy"), top_k=3)
    assert len(from_file) == 3 and from_file == pipe(_clip(seed=1), top_k=3)
    batch = pipe([str(tmp_path / "a.npy"), tmp_path / "b.npz", _clip(seed=3)], top_k=2, batch_size=2)
    assert len(batch) == 3 and all(len(row) == 2 for row in batch)
    for row, single in zip(batch, [pipe(_clip(seed=1), top_k=2), pipe(_clip(30, seed=2)[None], top_k=2),
                                   pipe(_clip(seed=3), top_k=2)]):  # fmt: skip
        assert [d["label"] for d in row] == [d["label"] for d in single]
        assert [d["score"] for d in row] == pytest.approx([d["score"] for d in single], abs=1e-5)
    with pytest.raises(ValueError, match="unsupported skeleton file type"):
        pipe(str(tmp_path / "clip.bin"))  # .txt is a YOLO-pose frame now (issue 25)


def test_pipeline_zero_shot_candidates(sugar_folder):
    folder, model, processor = sugar_folder
    pipe = pipeline(TASK, model=str(folder))
    names = ["salute", "wave hand", "clap hands"]
    out = pipe(_clip(), candidate_labels=names)
    assert sorted(d["label"] for d in out) == sorted(names)
    ranked = classify(model, processor, [_clip()], candidates=names, top_k=3)[0]
    assert [d["label"] for d in out] == [n for n, _ in ranked]
    with pytest.raises(TypeError, match="a list of names"):
        pipe(_clip(), candidate_labels="salute,wave hand")
    with pytest.raises(ValueError, match="empty"):
        pipe(_clip(), candidate_labels=[])
    with pytest.raises(ValueError, match="duplicate"):
        pipe(_clip(), candidate_labels=["salute", "salute"])


def test_pipeline_on_an_in_memory_model(sugar_folder):
    _, model, processor = sugar_folder
    with pytest.raises(ValueError, match="no SugarProcessor"):
        pipeline(TASK, model=model)  # the model holds no processor: pass it
    pipe = pipeline(TASK, model=model, processor=processor)
    assert pipe(_clip(), top_k=1)[0]["label"] == classify(model, processor, [_clip()], top_k=1)[0][0][0]


def test_pipeline_on_the_fc_baseline(baseline_folder):
    folder, model = baseline_folder
    pipe = pipeline(TASK, model=str(folder))
    out = pipe(_clip(), top_k=None)
    with torch.no_grad():
        from sugar_hf.skeleton.pipeline import SkeletonPipeline

        x = SkeletonPipeline.from_encoder_config(model.config.encoder_config)(_clip(), train=False)
        probs = model(skeleton_values=torch.from_numpy(x)[None]).logits.softmax(-1)[0]
    expected = sorted(zip(CLASSES, probs.tolist()), key=lambda p: -p[1])
    assert [d["label"] for d in out] == [n for n, _ in expected]
    assert [d["score"] for d in out] == pytest.approx([p for _, p in expected], rel=1e-5)
    sub = pipe(_clip(), candidate_labels=["sit down", "wave hand"])
    assert sorted(d["label"] for d in sub) == ["sit down", "wave hand"]
    assert sum(d["score"] for d in sub) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="only rank the classes it was trained on"):
        pipe(_clip(), candidate_labels=["salute"])
    assert len(pipe([_clip(), _clip(seed=4)], top_k=2)) == 2


def test_pipeline_on_a_stage1_folder_ranks_by_the_bag_score(stage1_folder, tmp_path):
    """A stage-1 folder ranks any names by the MIL-NCE bag score of their name prompts, as ``sugar-hf predict``
    does; batches, saving and remote code (no package) give the same ranking."""
    folder, model, tokenizer = stage1_folder
    pipe = pipeline(TASK, model=str(folder))
    assert pipe.kind == "stage1" and isinstance(pipe.model, SugarSkeletonTextModel)
    clips = [_clip(), _clip(30, seed=1)]
    expected = predict_skeletons(model, "stage1", clips, top_k=len(CLASSES), processor=tokenizer)
    got = [pipe(clip, top_k=None) for clip in clips]
    assert [[d["label"] for d in row] for row in got] == [[d["label"] for d in row] for row in expected]
    np.testing.assert_allclose([[d["score"] for d in row] for row in got],
                               [[d["score"] for d in row] for row in expected], rtol=1e-5, atol=1e-6)  # fmt: skip
    assert len({round(d["score"], 6) for d in got[0]}) > 1, "the scores must tell the classes apart"
    batched = pipe(clips, batch_size=2, top_k=None)  # the same, up to float error of the batched convolutions
    assert [[d["label"] for d in row] for row in batched] == [[d["label"] for d in row] for row in got]
    np.testing.assert_allclose([[d["score"] for d in row] for row in batched],
                               [[d["score"] for d in row] for row in got], rtol=1e-5, atol=1e-6)  # fmt: skip
    zero_shot = pipe(clips[0], candidate_labels=["salute", "wave hand", "jump up"], top_k=None)
    want = predict_skeletons(model, "stage1", clips[:1], candidates=["salute", "wave hand", "jump up"], top_k=3,
                             processor=tokenizer)[0]  # fmt: skip
    assert [d["label"] for d in zero_shot] == [d["label"] for d in want]
    pipe.save_pretrained(tmp_path / "saved")
    assert (tmp_path / "saved" / "tokenizer.json").exists()
    assert TASK in json.loads((tmp_path / "saved" / "config.json").read_text())["custom_pipelines"]
    again = pipeline(TASK, model=str(tmp_path / "saved"))
    assert again(clips[0], top_k=None) == got[0]
    np.save(tmp_path / "a.npy", clips[0])
    script = HIDE_PACKAGE + textwrap.dedent(
        f"""
        from transformers import pipeline
        pipe = pipeline(task={TASK!r}, model={str(folder)!r}, trust_remote_code=True)
        assert type(pipe).__module__.startswith("transformers_modules"), type(pipe).__module__
        assert type(pipe.model).__name__ == "SugarSkeletonTextModel"
        print("RANKED", [(d["label"], d["score"]) for d in pipe({str(tmp_path / "a.npy")!r}, top_k=None)])
        assert "sugar_hf" not in sys.modules
        """
    )
    import os

    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    ranked = eval(result.stdout.split("RANKED ", 1)[1].splitlines()[0])
    assert [label for label, _ in ranked] == [d["label"] for d in got[0]]
    np.testing.assert_allclose([score for _, score in ranked], [d["score"] for d in got[0]], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["baseline", "stage1"])
def test_a_resaved_remote_code_pipeline_loads_again(kind, baseline_folder, stage1_folder, tmp_path):
    """Without the package, a baseline or stage-1 pipeline loaded through remote code and saved again writes a
    folder that loads the same way and ranks the same (its code files, and the stage-1 text tokenizer)."""
    folder = (baseline_folder if kind == "baseline" else stage1_folder)[0]
    np.save(tmp_path / "a.npy", _clip())
    script = HIDE_PACKAGE + textwrap.dedent(
        f"""
        import os
        from transformers import pipeline
        pipe = pipeline(task={TASK!r}, model={str(folder)!r}, trust_remote_code=True)
        first = pipe({str(tmp_path / "a.npy")!r}, top_k=None)
        pipe.save_pretrained({str(tmp_path / "again")!r})
        print("FILES", sorted(os.listdir({str(tmp_path / "again")!r})))
        again = pipeline(task={TASK!r}, model={str(tmp_path / "again")!r}, trust_remote_code=True)
        second = again({str(tmp_path / "a.npy")!r}, top_k=None)
        assert [d["label"] for d in first] == [d["label"] for d in second], (first, second)
        assert max(abs(a["score"] - b["score"]) for a, b in zip(first, second)) < 1e-6, (first, second)
        assert "sugar_hf" not in sys.modules
        """
    )
    import os

    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    saved = set(eval(result.stdout.split("FILES ", 1)[1].splitlines()[0]))
    assert {p.name for p in folder.glob("*.py")} <= saved and "pipeline_sugar.py" in saved
    assert ("tokenizer.json" in saved) == (kind == "stage1")


def test_a_stage1_pipeline_needs_the_text_tokenizer(stage1_folder):
    _, model, _ = stage1_folder
    with pytest.raises(ValueError, match="no text tokenizer"):
        SkeletonActionRecognitionPipeline(model=model)


def test_checkpoints_carry_the_pipeline_and_load_it_without_the_package(sugar_folder, tmp_path):
    folder, _, _ = sugar_folder
    config = json.loads((folder / "config.json").read_text())
    assert config["custom_pipelines"][TASK]["impl"] == "pipeline_sugar.SkeletonActionRecognitionPipeline"
    assert (folder / "pipeline_sugar.py").exists()
    expected = [[d["label"] for d in row] for row in pipeline(TASK, model=str(folder))([_clip(), _clip(seed=5)], top_k=3)]
    np.save(tmp_path / "a.npy", _clip())
    script = HIDE_PACKAGE + textwrap.dedent(
        f"""
        import numpy as np
        from transformers import pipeline
        pipe = pipeline(task={TASK!r}, model={str(folder)!r}, trust_remote_code=True)
        assert type(pipe).__name__ == "SkeletonActionRecognitionPipeline", type(pipe)
        assert type(pipe).__module__.startswith("transformers_modules"), type(pipe).__module__
        rng = np.random.default_rng(0)
        out = pipe([{str(tmp_path / "a.npy")!r}, np.random.default_rng(5).normal(size=(24, 20, 3)).astype(np.float32)],
                   top_k=3)
        print("LABELS", [[d["label"] for d in row] for row in out])
        zs = pipe(np.load({str(tmp_path / "a.npy")!r}), candidate_labels=["salute", "wave hand"])
        assert sorted(d["label"] for d in zs) == ["salute", "wave hand"]
        assert "sugar_hf" not in sys.modules
        """
    )
    import os

    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert eval(result.stdout.split("LABELS ", 1)[1].splitlines()[0]) == expected


def test_pipeline_save_pretrained_writes_a_loadable_folder(baseline_folder, tmp_path):
    folder, _ = baseline_folder
    pipe = pipeline(TASK, model=str(folder))
    pipe.save_pretrained(tmp_path / "saved")
    config = json.loads((tmp_path / "saved" / "config.json").read_text())
    assert TASK in config["custom_pipelines"] and (tmp_path / "saved" / "pipeline_sugar.py").exists()
    again = pipeline(TASK, model=str(tmp_path / "saved"), trust_remote_code=True)
    assert again(_clip(), top_k=2) == pipe(_clip(), top_k=2)


def test_cards_declare_no_hub_task_they_cannot_serve_and_show_the_pipeline():
    card = model_card(tiny_config(), [], repo_id="me/sugar")
    assert card.data.pipeline_tag == "other"
    assert "skeleton-action-recognition" in card.data.tags
    text = str(card)
    assert 'pipeline("skeleton-action-recognition", model="me/sugar", trust_remote_code=True)' in text
    assert "candidate_labels=" in text and "widget" not in card.data.to_dict()


def test_baseline_checkpoints_carry_the_pipeline_and_load_it_without_the_package(baseline_folder, sugar_folder,
                                                                                 tmp_path):  # fmt: skip
    """A baseline folder used to get the pipeline code only through ``pipe.save_pretrained``; its own
    ``save_pretrained`` now writes it, the installed package still needs no trust_remote_code, and the baseline
    class refuses a SUGAR folder."""
    folder, model = baseline_folder
    config = json.loads((folder / "config.json").read_text())
    assert TASK in config["custom_pipelines"] and (folder / "pipeline_sugar.py").exists()
    assert config["auto_map"]["AutoModel"].endswith("SugarForSkeletonClassification")
    assert "custom_pipelines" not in SugarBaselineConfig.from_pretrained(folder).to_dict()
    expected = [d["label"] for d in pipeline(TASK, model=str(folder))(_clip(), top_k=3)]
    np.save(tmp_path / "a.npy", _clip())
    script = HIDE_PACKAGE + textwrap.dedent(
        f"""
        from transformers import pipeline
        pipe = pipeline(task={TASK!r}, model={str(folder)!r}, trust_remote_code=True)
        assert type(pipe).__module__.startswith("transformers_modules"), type(pipe).__module__
        assert type(pipe.model).__name__ == "SugarForSkeletonClassification"
        print("LABELS", [d["label"] for d in pipe({str(tmp_path / "a.npy")!r}, top_k=3)])
        assert "sugar_hf" not in sys.modules
        """
    )
    import os

    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert eval(result.stdout.split("LABELS ", 1)[1].splitlines()[0]) == expected
    with pytest.raises(ValueError, match=r"SugarForActionRecognition\.from_pretrained"):
        SugarForSkeletonClassification.from_pretrained(sugar_folder[0])
