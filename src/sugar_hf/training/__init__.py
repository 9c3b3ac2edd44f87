"""Training and evaluation of SUGAR (stage 1, stage 2) and the CTR-GCN + FC baseline, on accelerate.

``examples/train.py`` is ``train(*parse_train_args())``; the pieces are importable for custom loops (``train`` is
``finish_run(run, run_steps(run))`` with ``run = setup_run(...)``).
"""

from .arguments import DataArguments, ModelArguments, SugarTrainingArguments, parse_train_args
from .data import (
    SeededView,
    TextBank,
    build_text_bank,
    class_texts,
    epoch_order,
    load_splits,
    zero_shot_classes,
)
from .loop import (
    TrainingRun,
    build_optimizer,
    evaluate_task,
    finish_run,
    list_checkpoints,
    run_steps,
    setup_run,
    step_decay_lambda,
    train,
)
from .tasks import BaselineTask, Stage1Task, Stage2Task, build_task, load_sugar_config

__all__ = [
    "BaselineTask",
    "DataArguments",
    "ModelArguments",
    "SeededView",
    "Stage1Task",
    "Stage2Task",
    "SugarTrainingArguments",
    "TextBank",
    "TrainingRun",
    "build_optimizer",
    "build_task",
    "build_text_bank",
    "class_texts",
    "epoch_order",
    "evaluate_task",
    "finish_run",
    "list_checkpoints",
    "load_splits",
    "load_sugar_config",
    "parse_train_args",
    "run_steps",
    "setup_run",
    "step_decay_lambda",
    "train",
    "zero_shot_classes",
]
