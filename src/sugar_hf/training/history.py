"""The loss history of a training run: ``log_history.json`` and ``learning_curve.png`` in its output folder.

Every logging step appends ``{"step", "epoch", "loss", "learning_rate", "steps_per_second"}``; every evaluation
appends ``{"step", "epoch", "eval_top1", "eval_top5", ...}`` (transformers' ``Trainer.state.log_history``
shape, without needing tensorboard or wandb). A checkpoint carries the history up to its step, so ``--resume``
continues the same list: entries logged after that checkpoint by the interrupted run are dropped, and each
step appears once.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)
HISTORY_FILE = "log_history.json"
CURVE_FILE = "learning_curve.png"


class LossHistory:
    """A list of log records, written to ``<folder>/log_history.json`` after each change."""

    def __init__(self, output_dir: str | os.PathLike, records: list[dict] | None = None):
        self.output_dir = Path(output_dir)
        self.records: list[dict] = list(records or [])

    @classmethod
    def resume(
        cls, output_dir: str | os.PathLike, checkpoint: str | os.PathLike | None, step: int
    ) -> LossHistory:
        """The history up to ``step``: the checkpoint's copy, else the output folder's (cut at ``step``)."""
        for folder in ([Path(checkpoint)] if checkpoint else []) + [Path(output_dir)]:
            records = read_history(folder / HISTORY_FILE)
            if records is not None:
                return cls(output_dir, [r for r in records if int(r.get("step", 0)) <= step])
        return cls(output_dir)

    def log(self, record: dict) -> None:
        self.records.append(dict(record))

    def write(self, folder: str | os.PathLike | None = None) -> Path:
        folder = Path(folder) if folder is not None else self.output_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / HISTORY_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.records, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def plot(self, path: str | os.PathLike | None = None) -> Path | None:
        """``learning_curve.png``: the training loss (and the lr, dashed, right axis) per step, evaluation top-1
        as points on a third axis. Needs matplotlib (Agg canvas, no display); returns None without it."""
        path = Path(path) if path is not None else self.output_dir / CURVE_FILE
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
        except ImportError:  # pragma: no cover  (matplotlib is a dependency of the evaluation plots)
            logger.info("matplotlib is not installed: no %s", path.name)
            return None
        train = [r for r in self.records if "loss" in r]
        evals = [r for r in self.records if "eval_top1" in r]
        figure = Figure(figsize=(7, 4), dpi=100)
        FigureCanvasAgg(figure)
        axis = figure.add_subplot(1, 1, 1)
        if train:
            axis.plot(
                [r["step"] for r in train], [r["loss"] for r in train], color="#1f77b4", label="train loss"
            )
        axis.set_xlabel("optimizer step")
        axis.set_ylabel("loss")
        if train and any("learning_rate" in r for r in train):
            lr_axis = axis.twinx()
            lr_axis.plot([r["step"] for r in train], [r.get("learning_rate", 0.0) for r in train], color="#888",
                         linestyle="--", label="learning rate")  # fmt: skip
            lr_axis.set_ylabel("learning rate")
        if evals:
            eval_axis = axis.twinx()
            eval_axis.spines["right"].set_position(("axes", 1.15))
            eval_axis.plot([r["step"] for r in evals], [r["eval_top1"] for r in evals], "o-", color="#d62728",
                           label="eval top-1")  # fmt: skip
            eval_axis.set_ylabel("eval top-1")
            eval_axis.set_ylim(0, 1)
        axis.set_title("learning curve")
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(str(path))
        return path


def read_history(path: str | os.PathLike) -> list[dict] | None:
    """The records of a ``log_history.json``, or None when the file is missing or not a list of objects."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        logger.warning("%s is not valid JSON: starting a new history", path)
        return None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        logger.warning("%s is not a list of records: starting a new history", path)
        return None
    return records


def eval_record(step: int, epoch: float, metrics: dict) -> dict:
    """A history record of an evaluation: the float metrics, prefixed ``eval_``."""
    record = {"step": step, "epoch": epoch}
    record.update(
        {
            f"eval_{k}": float(v)
            for k, v in metrics.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
    )
    return record
