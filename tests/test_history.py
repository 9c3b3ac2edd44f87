"""The loss history of every run (log_history.json + learning_curve.png) and tensorboard when it is installed.
Resume continuity of the history is in tests/test_resume.py."""

from __future__ import annotations

import importlib.util
import json

from training_helpers import write_tiny_dataset, write_tiny_descriptions, write_tiny_model

PNG = b"\x89PNG\r\n\x1a\n"


def test_report_to_auto_means_tensorboard_when_installed(monkeypatch):
    from sugar_hf.training import loop

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: object() if name == "tensorboard" else None
    )
    assert loop.resolve_report_to("auto") == "tensorboard"
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    assert loop.resolve_report_to("auto") is None
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert loop.resolve_report_to("none") is None and loop.resolve_report_to("wandb") == "wandb"
    assert loop.resolve_report_to("tensorboard,wandb") == ["tensorboard", "wandb"]


def test_history_file_plot_and_cut(tmp_path):
    from sugar_hf.training.history import LossHistory, eval_record, read_history

    history = LossHistory(tmp_path)
    for step in range(1, 6):
        history.log({"step": step, "epoch": step / 5, "loss": 2.0 / step, "learning_rate": 1e-3 * step})
    history.log(eval_record(5, 1.0, {"top1": 0.5, "top5": 1.0, "confusion_matrix": [[1]], "flag": True}))
    history.write()
    assert history.plot().read_bytes()[:8] == PNG
    records = read_history(tmp_path / "log_history.json")
    assert records[-1] == {"step": 5, "epoch": 1.0, "eval_top1": 0.5, "eval_top5": 1.0}
    assert [r["step"] for r in LossHistory.resume(tmp_path, None, 3).records] == [1, 2, 3]
    (tmp_path / "log_history.json").write_text("{not json")
    assert read_history(tmp_path / "log_history.json") is None
    assert LossHistory.resume(tmp_path, None, 3).records == []
    assert LossHistory(tmp_path / "empty").plot().read_bytes()[:8] == PNG  # a run that logged nothing yet


def test_every_run_writes_history_and_curve_and_tensorboard_when_installed(tmp_path):
    from sugar_hf.training import parse_train_args, train

    data = write_tiny_dataset(tmp_path / "data")
    desc = write_tiny_descriptions(tmp_path / "desc.jsonl")
    config, tokenizer = write_tiny_model(tmp_path / "model")
    out = tmp_path / "baseline"
    argv = ["--stage", "baseline", "--dataset", str(data), "--descriptions", str(desc), "--model_config",
            str(config), "--tokenizer", str(tokenizer), "--per_device_train_batch_size", "4", "--disable_tqdm",
            "true", "--logging_steps", "2", "--num_train_epochs", "2", "--save_steps", "0", "--eval_epochs", "1",
            "--report_to", "auto", "--output_dir", str(out)]  # fmt: skip
    train(*parse_train_args(argv))
    history = json.loads((out / "log_history.json").read_text())
    train_steps = [r["step"] for r in history if "loss" in r]
    assert train_steps == [2, 4, 6, 8, 10, 12]  # 24 clips / 4 = 6 steps an epoch, logged every 2, 2 epochs
    assert all(r["loss"] > 0 and r["learning_rate"] > 0 for r in history if "loss" in r)
    assert [r["step"] for r in history if "eval_top1" in r] == [6, 12]  # after epoch 1, then the final one
    assert (out / "learning_curve.png").read_bytes()[:8] == PNG
    events = list((out / "logs").rglob("events.out.tfevents.*")) if (out / "logs").exists() else []
    if importlib.util.find_spec("tensorboard") is not None:
        assert events, "tensorboard is installed but the run wrote no event file"
    else:
        assert not events
