"""examples/train.py through `accelerate launch` on tiny models: stage 1, stage 2, baseline, exact resume,
and 2-process CPU DDP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from training_helpers import write_tiny_dataset, write_tiny_descriptions, write_tiny_model

ROOT = Path(__file__).resolve().parents[1]
ACCELERATE = str(Path(sys.executable).parent / "accelerate")
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1",
       "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}  # fmt: skip


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    data = write_tiny_dataset(root / "data")
    desc = write_tiny_descriptions(root / "desc.jsonl")
    config, tokenizer = write_tiny_model(root / "model")
    common = ["--dataset", str(data), "--descriptions", str(desc), "--model_config", str(config),
              "--tokenizer", str(tokenizer), "--per_device_train_batch_size", "4", "--disable_tqdm", "true",
              "--logging_steps", "1"]  # fmt: skip
    return {"root": root, "common": common}


def launch(args: list[str], script: str | Path = ROOT / "examples" / "train.py", processes: int = 1) -> None:
    if processes == 1:
        cmd = [ACCELERATE, "launch", "--cpu", "--num_processes", "1", "--num_machines", "1", "--mixed_precision", "no",
               "--dynamo_backend", "no", str(script), *args]  # fmt: skip
    else:
        cmd = [ACCELERATE, "launch", "--multi_gpu", "--num_processes", str(processes), "--num_machines", "1",
               "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", "29517", str(script),
               *args]  # fmt: skip
    result = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.fixture(scope="module")
def stage1(fixtures):
    out = fixtures["root"] / "stage1"
    launch(
        [
            "--stage",
            "1",
            *fixtures["common"],
            "--max_steps",
            "4",
            "--save_steps",
            "2",
            "--output_dir",
            str(out),
        ]
    )
    return out


def test_stage1_trains_saves_and_reloads(stage1):
    from sugar_hf import SugarSkeletonTextModel

    results = json.loads((stage1 / "train_results.json").read_text())
    assert results["global_step"] == 4 and "eval/top1" in results
    assert [p.name for p in sorted((stage1 / "checkpoints").iterdir())] == ["step_2", "step_4"]
    model = SugarSkeletonTextModel.from_pretrained(stage1)
    out = model(torch.randn(2, 2, 16, 20, 3), text_embeds=torch.randn(3, 16))
    assert out.logits_per_skeleton.shape == (2, 3)


def test_resume_ends_with_the_same_weights(fixtures, stage1):
    out = fixtures["root"] / "stage1_resumed"
    args = [
        "--stage",
        "1",
        *fixtures["common"],
        "--max_steps",
        "4",
        "--save_steps",
        "2",
        "--output_dir",
        str(out),
    ]
    launch([*args, "--stop_after_steps", "2"])
    assert not (out / "model.safetensors").exists()  # interrupted: no final model
    launch([*args, "--resume", "latest"])
    straight, resumed = load_file(stage1 / "model.safetensors"), load_file(out / "model.safetensors")
    assert straight.keys() == resumed.keys()
    for key in straight:
        assert torch.equal(straight[key], resumed[key]), key
    # and the run really moved away from its step-2 state
    step2 = load_file(out / "checkpoints" / "step_2" / "model.safetensors")
    assert not torch.equal(step2["skeleton_projection.weight"], resumed["skeleton_projection.weight"])


def test_stage2_from_stage1_loads_with_automodel(fixtures, stage1):
    from transformers import AutoModel, AutoProcessor

    import sugar_hf  # noqa: F401  (registers the Auto classes)
    from sugar_hf.inference import classify

    out = fixtures["root"] / "stage2"
    launch(["--stage", "2", *fixtures["common"], "--init_from", str(stage1), "--max_steps", "2",
            "--gradient_accumulation_steps", "2", "--gradient_checkpointing", "true", "--save_steps", "0",
            "--token_cache", "false", "--output_dir", str(out)])  # fmt: skip
    model = AutoModel.from_pretrained(out)
    processor = AutoProcessor.from_pretrained(out)
    assert type(model).__name__ == "SugarForActionRecognition" and type(processor).__name__ == "SugarProcessor"
    encoder = load_file(stage1 / "model.safetensors")
    key = next(k for k in encoder if k.startswith("encoder.") and k.endswith("weight"))
    assert torch.equal(model.state_dict()[key], encoder[key])  # frozen stage-1 encoder, unchanged
    ranked = classify(model, processor, torch.randn(1, 2, 16, 20, 3), top_k=3)[0]
    assert len(ranked) == 3
    metrics = json.loads((out / "eval_metrics.json").read_text())
    assert len(metrics["confusion_matrix"]) == 6
    assert model.config.answer_description is True  # trained on "<name>. <description>", recorded for its card


def test_a_names_only_run_records_its_answers_and_its_card_says_so(fixtures, stage1, tmp_path):
    """``--answer_description false``: the config records it, and the pushed card describes "<action>." answers
    and reports the run's eval_metrics.json instead of no results."""
    from huggingface_hub import ModelCard

    from sugar_hf.hub.publish import push_model

    out = fixtures["root"] / "stage2_names"
    launch(["--stage", "2", *fixtures["common"], "--init_from", str(stage1), "--max_steps", "1", "--save_steps",
            "0", "--token_cache", "false", "--answer_description", "false", "--output_dir", str(out)])  # fmt: skip
    assert json.loads((out / "config.json").read_text())["answer_description"] is False
    top1 = json.loads((out / "eval_metrics.json").read_text())["top1"]
    folder = push_model(out, "me/names", dry_run_dir=tmp_path / "dry", save_full_llm=True)  # a tiny random LLM
    card = ModelCard.load(folder / "README.md")
    assert "&lt;description&gt;" not in card.text and "the action name alone" in card.text
    assert "No evaluation results were recorded" not in card.text
    assert f"| unnamed | - | eval | {100 * top1:.2f} |" in card.text


def test_stage2_recipe_caches_tokens_aligns_then_tunes(fixtures, stage1):
    """Cached encoder tokens (keyed file, reused by a second run), projector alignment with its gate metric in
    alignment.json, then the LLM phase; the final evaluation runs through the real skeleton path."""
    cache_dir = fixtures["root"] / "token_cache"
    args = ["--stage", "2", *fixtures["common"], "--init_from", str(stage1), "--num_train_epochs", "2",
            "--save_steps", "0", "--align_steps", "6", "--align_batch_size", "8", "--token_cache_views", "2",
            "--token_cache_dir", str(cache_dir), "--projector_learning_rate", "1e-4"]  # fmt: skip
    first = fixtures["root"] / "stage2_recipe"
    launch([*args, "--output_dir", str(first)])
    files = sorted(cache_dir.iterdir())
    assert len(files) == 1 and files[0].suffix == ".safetensors"
    log = json.loads((first / "alignment.json").read_text())
    assert log["steps"] == 6 and 0.0 <= log["gate_before"] <= 1.0 and 0.0 <= log["gate_after"] <= 1.0
    metrics = json.loads((first / "eval_metrics.json").read_text())
    assert set(metrics["scoring_top1"]) == {"sum", "mean"}  # both candidate scorings, one pass
    assert metrics["top1"] == pytest.approx(metrics["scoring_top1"]["sum"])  # the default scoring is the sum
    stamp = files[0].stat().st_mtime_ns
    second = fixtures["root"] / "stage2_recipe_again"
    launch([*args, "--output_dir", str(second)])
    assert sorted(cache_dir.iterdir()) == files and files[0].stat().st_mtime_ns == stamp  # read, not rebuilt
    a, b = load_file(first / "model.safetensors"), load_file(second / "model.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)  # same seed, same cache: the same model


def test_baseline_loads_with_automodel(fixtures):
    from transformers import AutoModel

    import sugar_hf.modeling_baseline  # noqa: F401  (registers sugar_baseline)

    out = fixtures["root"] / "baseline"
    launch(["--stage", "baseline", *fixtures["common"], "--max_steps", "3", "--save_steps", "0",
            "--lr_decay_steps", "2", "--output_dir", str(out)])  # fmt: skip
    model = AutoModel.from_pretrained(out)
    assert type(model).__name__ == "SugarForSkeletonClassification"
    assert model(torch.randn(2, 2, 16, 20, 3)).logits.shape == (2, 6)


def test_eval_epochs_write_a_learning_curve(fixtures):
    out = fixtures["root"] / "baseline_curve"
    launch(["--stage", "baseline", *fixtures["common"], "--num_train_epochs", "3", "--save_steps", "0",
            "--eval_epochs", "1", "2", "3", "--output_dir", str(out)])  # fmt: skip
    for epoch in (1, 2):
        metrics = json.loads((out / f"epoch{epoch}_eval_metrics.json").read_text())
        assert 0.0 <= metrics["top1"] <= 1.0 and len(metrics["class_names"]) == 6
    assert not (out / "epoch3_eval_metrics.json").exists()  # the last epoch is the final evaluation
    assert (out / "eval_metrics.json").exists()


RANK_SCRIPT = textwrap.dedent(
    """
    import sys
    import torch
    from accelerate import PartialState
    from sugar_hf.training import parse_train_args, train

    model_args, data_args, train_args = parse_train_args(sys.argv[1:])
    captured = {}
    import sugar_hf.training.loop as loop
    original = loop.evaluate_task

    def capture(task, model, *args, **kwargs):
        captured["params"] = {k: v.detach().clone() for k, v in model.named_parameters()}
        return original(task, model, *args, **kwargs)

    loop.evaluate_task = capture
    build = loop.build_task

    def record(*args, **kwargs):
        task = build(*args, **kwargs)
        captured["initial"] = {k: v.detach().clone().requires_grad_(v.requires_grad)
                               for k, v in task.model.named_parameters()}
        return task

    loop.build_task = record
    train(model_args, data_args, train_args)
    state = PartialState()
    torch.save({"params": captured["params"], "initial": captured["initial"], "world": state.num_processes}, f"{train_args.output_dir}/rank{state.process_index}.pt")
    """
)


def test_two_process_ddp_keeps_ranks_identical(fixtures):
    out = fixtures["root"] / "ddp"
    script = fixtures["root"] / "rank_params.py"
    script.write_text(RANK_SCRIPT)
    launch(["--stage", "1", *fixtures["common"], "--max_steps", "3", "--save_steps", "0", "--output_dir", str(out)],
           script=script, processes=2)  # fmt: skip
    rank0, rank1 = torch.load(out / "rank0.pt"), torch.load(out / "rank1.pt")
    assert rank0["world"] == rank1["world"] == 2
    for key, value in rank0["params"].items():
        assert torch.equal(value, rank1["params"][key]), key
    moved = [
        k for k, v in rank0["initial"].items() if v.requires_grad and not torch.equal(v, rank0["params"][k])
    ]
    assert "skeleton_projection.weight" in moved  # the ranks trained, in lockstep


def test_evaluate_folder_writes_metrics_table_and_png(fixtures):
    from sugar_hf.training.evaluation import evaluate_folder

    model_dir = fixtures["root"] / "baseline"
    if not (model_dir / "config.json").exists():
        pytest.skip("needs test_baseline_loads_with_automodel's model")
    out = fixtures["root"] / "eval"
    data = fixtures["common"][1]
    metrics = evaluate_folder(str(model_dir), data, "test", str(out), classes=[0, 1, 2], progress=False)
    assert metrics["num_samples"] == 6 and metrics["num_candidates"] == 3
    assert 0.0 <= metrics["top1"] <= metrics["top5"] == 1.0  # 3 candidates: top-5 always hits
    assert (out / "confusion.png").stat().st_size > 0
    assert "drink water" in (out / "per_class.txt").read_text()


def test_zero_shot_protocol_classes():
    from sugar_hf.training.data import zero_shot_classes

    seen, unseen, _ = zero_shot_classes("ntu60_55_5")
    assert len(seen) == 55 and unseen == [10, 11, 19, 26, 56]
    seen, unseen, _ = zero_shot_classes("p1_ntu60_to_ntu120")
    assert seen == list(range(60)) and unseen == list(range(60, 120))
