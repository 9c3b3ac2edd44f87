"""--resume: bit-identical for stage 2 (LoRA + projector, AdamW, gradient accumulation, cosine schedule, LoRA
dropout), and a checkpoint folder never unpickles anything (a planted pickle that would run code is ignored, a
pickle-only folder is refused)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from training_helpers import write_tiny_dataset, write_tiny_descriptions, write_tiny_model

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="module")
def stage2(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    data = write_tiny_dataset(root / "data")
    desc = write_tiny_descriptions(root / "desc.jsonl")
    lora = {"r": 4, "lora_alpha": 8, "lora_dropout": 0.1, "target_modules": ["q_proj", "v_proj"]}
    config, tokenizer = write_tiny_model(root / "model", lora_config=lora)
    # 24 clips, batch 4, accumulation 2: 3 optimizer steps per epoch; 7 steps = 3 epochs, the stop at step 4 falls
    # inside epoch 2 (resume skips consumed micro-batches); warm-up then cosine; two AdamW lrs; clipping.
    common = ["--stage", "2", "--dataset", str(data), "--descriptions", str(desc), "--model_config", str(config),
              "--tokenizer", str(tokenizer), "--per_device_train_batch_size", "4", "--gradient_accumulation_steps",
              "2", "--max_steps", "7", "--save_steps", "2", "--learning_rate", "1e-3", "--projector_learning_rate",
              "3e-3", "--weight_decay", "0.01", "--warmup_steps", "2", "--lr_scheduler_type", "cosine",
              "--token_cache", "false", "--disable_tqdm", "true", "--logging_steps", "1", "--mixed_precision",
              "no", "--eval_epochs", "1", "2"]  # fmt: skip
    return {"root": root, "common": common}


def run(argv: list[str]) -> dict:
    from sugar_hf.training import parse_train_args, train

    return train(*parse_train_args(argv))


@pytest.fixture(scope="module")
def straight_and_resumed(stage2):
    root, common = stage2["root"], stage2["common"]
    straight = root / "straight"
    run([*common, "--output_dir", str(straight)])
    resumed = root / "resumed"
    run([*common, "--output_dir", str(resumed), "--stop_after_steps", "4"])
    assert not (resumed / "model.safetensors").exists()
    history = resumed / "log_history.json"
    stopped_history = json.loads(history.read_text()) if history.exists() else None
    run([*common, "--output_dir", str(resumed), "--resume", "latest"])
    return straight, resumed, stopped_history


def test_stage2_resume_ends_with_the_same_weights(straight_and_resumed):
    straight, resumed, _ = straight_and_resumed
    a, b = load_file(straight / "model.safetensors"), load_file(resumed / "model.safetensors")
    assert (
        a.keys() == b.keys() and any("lora_B" in k for k in a) and any(k.startswith("projector.") for k in a)
    )
    for key in a:
        assert torch.equal(a[key], b[key]), key
    # the resumed half really trained: LoRA and projector moved after the step-4 checkpoint
    step4 = load_file(resumed / "checkpoints" / "step_4" / "model.safetensors")
    lora_b = next(k for k in a if "lora_B" in k)
    proj = next(k for k in a if k.startswith("projector.") and k.endswith("weight") and a[k].ndim == 2)
    assert not torch.equal(step4[lora_b], b[lora_b]) and not torch.equal(step4[proj], b[proj])
    # the optimizer state really is AdamW's, with both parameter groups' lrs, in JSON + safetensors
    optimizer = json.loads((resumed / "checkpoints" / "step_4" / "optimizer.json").read_text())
    lrs = {group["lr"] for group in optimizer["state"]["param_groups"]}
    assert len(lrs) == 2 and all(0 < lr < 3e-3 for lr in lrs)  # cosine-decayed from 1e-3 and 3e-3
    assert not list((resumed / "checkpoints").glob("*/*.pkl")) and not list(
        (resumed / "checkpoints").glob("*/*.bin")
    )


def test_history_is_written_and_continued_on_resume(straight_and_resumed):
    straight, resumed, stopped_history = straight_and_resumed
    for folder in (straight, resumed):
        history = json.loads((folder / "log_history.json").read_text())
        train = [r for r in history if "loss" in r]
        assert [r["step"] for r in train] == list(range(1, 8))  # each step once, also across the resume
        assert all({"epoch", "learning_rate", "steps_per_second"} <= r.keys() for r in train)
        evals = [r for r in history if "eval_top1" in r]
        assert [r["step"] for r in evals] == [3, 6, 7]  # epochs 1 and 2, then the final evaluation
        png = (folder / "learning_curve.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    assert stopped_history is not None, "the interrupted run wrote no log_history.json"
    assert [r["step"] for r in stopped_history if "loss" in r] == [1, 2, 3, 4]
    a = json.loads((straight / "log_history.json").read_text())
    b = json.loads((resumed / "log_history.json").read_text())
    strip = [{k: v for k, v in r.items() if k != "steps_per_second"} for r in a]
    assert strip == [
        {k: v for k, v in r.items() if k != "steps_per_second"} for r in b
    ]  # identical losses, lrs


def test_history_drops_records_after_the_resumed_checkpoint(stage2):
    """A run stopped after step 5 (its history has step 5) resumes from the step-4 checkpoint: step 5 once."""
    out = stage2["root"] / "killed"
    run([*stage2["common"], "--output_dir", str(out), "--stop_after_steps", "5"])
    assert max(r["step"] for r in json.loads((out / "log_history.json").read_text())) == 5
    run([*stage2["common"], "--output_dir", str(out), "--resume", "latest"])
    steps = [r["step"] for r in json.loads((out / "log_history.json").read_text()) if "loss" in r]
    assert steps == list(range(1, 8))


class _RunsCode:
    """Unpickling this creates a marker file: what a crafted checkpoint would do."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


PICKLES = (
    "custom_checkpoint_0.pkl",
    "random_states_0.pkl",
    "optimizer.bin",
    "scheduler.bin",
    "pytorch_model.bin",
)


def _plant_pickles(folder: Path, marker: Path, names=PICKLES) -> None:
    """accelerate's pickle files (it writes them all with ``torch.save``), each running code when unpickled."""
    for name in names:
        torch.save(_RunsCode(str(marker)), folder / name)
    assert (
        pickle.loads(pickle.dumps(_RunsCode(str(marker)))) is not None and marker.exists()
    )  # it does run code
    marker.unlink()


@pytest.mark.parametrize("planted", ["custom_checkpoint_0.pkl", "all"])
def test_resume_never_unpickles_a_planted_file(stage2, straight_and_resumed, tmp_path, planted):
    straight, resumed, _ = straight_and_resumed
    out = tmp_path / "planted"
    (out / "checkpoints").mkdir(parents=True)
    shutil.copytree(resumed / "checkpoints" / "step_4", out / "checkpoints" / "step_4")
    marker = tmp_path / "PWNED"
    _plant_pickles(out / "checkpoints" / "step_4", marker, PICKLES if planted == "all" else (planted,))
    error = None
    try:
        run([*stage2["common"], "--output_dir", str(out), "--resume", "latest"])
    except Exception as raised:  # noqa: BLE001  (first the question whether code ran, then whether it failed)
        error = raised
    assert not marker.exists(), "resume unpickled a planted file: its code ran"
    assert error is None, error
    a, b = load_file(straight / "model.safetensors"), load_file(out / "model.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)  # and resumed correctly from the real state


def test_resume_refuses_a_pickle_only_checkpoint(stage2, tmp_path):
    from sugar_hf.training.checkpointing import CheckpointError

    folder = tmp_path / "old" / "checkpoints" / "step_2"
    folder.mkdir(parents=True)
    marker = tmp_path / "PWNED"
    _plant_pickles(folder, marker)
    (folder / "trainer_state.json").write_text(json.dumps({"global_step": 2, "epoch": 0}))
    with pytest.raises(CheckpointError, match="pickle"):
        run([*stage2["common"], "--output_dir", str(tmp_path / "old"), "--resume", "latest"])
    assert not marker.exists()


def test_state_encoding_round_trips_and_builds_only_plain_types(tmp_path):
    import random

    import numpy as np

    from sugar_hf.training.checkpointing import CheckpointError, read_state, rng_state, write_state

    state = {"a": (1, 2.5, None, True), 3: torch.arange(4, dtype=torch.float64), "n": np.arange(3, dtype=np.uint32),
             "nested": [{"step": torch.tensor(7.0)}], "inf": float("inf"), "rng": rng_state()}  # fmt: skip
    write_state(tmp_path, "s", state)
    back = read_state(tmp_path, "s")
    assert (
        back["a"] == (1, 2.5, None, True) and torch.equal(back[3], state[3]) and back["inf"] == float("inf")
    )
    assert back["n"].dtype == np.uint32 and back["n"].tolist() == [0, 1, 2]
    assert torch.equal(back["nested"][0]["step"], torch.tensor(7.0))
    assert back["rng"]["python"] == random.getstate()
    with pytest.raises(TypeError):
        write_state(tmp_path, "bad", {"f": _RunsCode("x")})
    (tmp_path / "s.json").write_text(
        json.dumps({"format": "sugar-hf-state-1", "state": {"__tensor__": "zz"}})
    )
    with pytest.raises(CheckpointError):
        read_state(tmp_path, "s")
