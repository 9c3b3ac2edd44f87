"""The training loop shared by all stages: accelerate, step-decay schedule, checkpoints, exact resume.

Exactness: the sample order of an epoch, each clip's augmentation and each step's dropout / text draw are
pure functions of the seed, the epoch and the step; :func:`~sugar_hf.training.checkpointing.save_training_state`
stores model, optimizer, scheduler and RNG states without pickle (safetensors + JSON); ``--resume`` reloads them
(never unpickling anything) and skips the batches already consumed with ``accelerate.skip_first_batches``. A
resumed CPU run therefore ends with the same weights as a straight one (stage 1 and stage 2 are tested).

Every run writes ``log_history.json`` and ``learning_curve.png`` (:mod:`sugar_hf.training.history`) in its
output folder; a resumed run continues the same history.

:func:`train` is three named steps over one :class:`TrainingRun`: :func:`setup_run` (accelerator, data, task,
views, optimizer and scheduler, resume, stage-2 alignment, trackers), :func:`run_steps` (per epoch a loader, per
step the optimizer step, the log, the epoch's evaluation and the checkpoint) and :func:`finish_run` (final
evaluation, saved model, ``train_results.json``, history). A custom loop can call them one by one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, Subset

from ..inference import pick_scoring
from .arguments import DataArguments, ModelArguments, SugarTrainingArguments
from .checkpointing import check_resumable, load_training_state, save_training_state
from .data import SeededView, epoch_order, keep_labels, load_splits, zero_shot_classes
from .history import LossHistory, eval_record
from .tasks import build_task
from .token_cache import CachedTokenView, build_token_cache, cache_key

logger = logging.getLogger(__name__)
CHECKPOINT_DIR = "checkpoints"
STATE_FILE = "trainer_state.json"


def cpu_has_native_bf16() -> bool:
    """AMX or AVX512-BF16: bf16 matrix units on this CPU (elsewhere bf16 is emulated and slower than fp32)."""
    cpu = getattr(torch, "cpu", None)
    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(cpu, name, lambda: False)()) for name in checks)


def resolve_mixed_precision(value: str, stage: str = "1") -> str:
    """``auto``: bf16 on a GPU that supports it; for stage 2 also on a CPU with native bf16 units (the LLM's
    matrix products, ~1.6x faster ranking measured on AMX); else full precision."""
    if value != "auto":
        return value
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "no"
    return "bf16" if stage == "2" and cpu_has_native_bf16() else "no"


def step_decay_lambda(milestones: list[int], gamma: float, warmup_steps: int = 0):
    """``lr(step) = base * gamma ** (#milestones <= step)``, with an optional linear warm-up."""

    def factor(step: int) -> float:
        warm = min(1.0, (step + 1) / warmup_steps) if warmup_steps > 0 else 1.0
        return warm * gamma ** sum(step >= m for m in milestones)

    return factor


NO_DECAY_NAMES = ("norm", "bias", "query_tokens", "frame_embeddings", "joint_embeddings", "logit_scale")


def parameter_groups(model: torch.nn.Module, args: SugarTrainingArguments) -> list[dict]:
    """AdamW groups: the projector at ``projector_learning_rate`` and everything else (LoRA) at
    ``learning_rate``; norms, biases, query tokens and position tables without weight decay."""
    groups: dict[tuple[bool, bool], list] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        projector = name.startswith(("projector.", "projector_norm.", "module.projector"))
        decay = param.ndim >= 2 and not any(part in name for part in NO_DECAY_NAMES)
        groups.setdefault((projector, decay), []).append(param)
    projector_lr = args.projector_learning_rate or args.learning_rate
    return [
        {"params": params, "lr": projector_lr if projector else args.learning_rate,
         "weight_decay": args.weight_decay if decay else 0.0}
        for (projector, decay), params in sorted(groups.items())
    ]  # fmt: skip


def build_optimizer(model: torch.nn.Module, args: SugarTrainingArguments) -> torch.optim.Optimizer:
    """SGD over the trainable parameters (momentum, Nesterov; stage 1 and the baseline) or AdamW with
    :func:`parameter_groups` (stage 2)."""
    if args.optimizer == "sgd":
        params = [p for p in model.parameters() if p.requires_grad]
        return torch.optim.SGD(params, lr=args.learning_rate, momentum=args.momentum, nesterov=args.nesterov,
                               weight_decay=args.weight_decay)  # fmt: skip
    if args.optimizer == "adamw":
        return torch.optim.AdamW(parameter_groups(model, args), lr=args.learning_rate)
    raise ValueError(f"unknown optimizer {args.optimizer!r} (sgd | adamw)")


def build_scheduler(optimizer, args: SugarTrainingArguments, total_steps: int, milestones: list[int]):
    """``step``: step decay at the milestones; ``cosine``: linear warm-up then cosine decay to 0 (transformers)."""
    warmup = args.warmup_steps or math.ceil(args.warmup_ratio * total_steps)
    if args.lr_scheduler_type == "cosine":
        from transformers import get_cosine_schedule_with_warmup

        return get_cosine_schedule_with_warmup(optimizer, warmup, max(total_steps, 1))
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, step_decay_lambda(milestones, args.lr_decay_gamma, warmup)
    )


def list_checkpoints(output_dir: str | os.PathLike) -> list[Path]:
    """Checkpoint folders of a run, oldest first (``<output_dir>/checkpoints/step_<N>``)."""
    root = Path(output_dir) / CHECKPOINT_DIR
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if re.fullmatch(r"step_\d+", p.name) and (p / STATE_FILE).exists()]
    return sorted(found, key=lambda p: int(p.name.split("_")[1]))


def _resolve_resume(resume: str, output_dir: str) -> Path | None:
    if resume == "latest":
        found = list_checkpoints(output_dir)
        return found[-1] if found else None
    return Path(resume)


def _save_checkpoint(run: TrainingRun, epoch: int) -> None:
    """``checkpoints/step_<N>``: the training state, the history so far and the step; old ones pruned."""
    accelerator, args, step = run.accelerator, run.args, run.global_step
    folder = Path(args.output_dir) / CHECKPOINT_DIR / f"step_{step}"
    save_training_state(folder, accelerator, run.model, run.optimizer, run.scheduler)
    if accelerator.is_main_process:
        run.history.write(folder)
        (folder / STATE_FILE).write_text(json.dumps({"global_step": step, "epoch": epoch}))
        if args.save_total_limit:
            for old in list_checkpoints(args.output_dir)[: -args.save_total_limit]:
                shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


def resolve_report_to(value: str | None):
    """``none`` -> no tracker; ``auto`` -> tensorboard when it is installed (else none); anything else as
    accelerate reads it (``all``, ``tensorboard``, ``wandb``, a comma-separated list)."""
    import importlib.util

    if value in (None, "", "none"):
        return None
    if value == "auto":
        installed = any(
            importlib.util.find_spec(name) is not None for name in ("tensorboard", "tensorboardX")
        )
        return "tensorboard" if installed else None
    return [v.strip() for v in value.split(",")] if "," in value else value


def _micro_batches(iterator, size: int):
    group = []
    for batch in iterator:
        group.append(batch)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def prepare_data(data_args: DataArguments, train_args: SugarTrainingArguments):
    """``(train, eval, class_names, layout, train_classes)``; a zero-shot protocol keeps only seen classes."""
    if not data_args.dataset:
        raise ValueError("--dataset is required (a folder written by `sugar-hf convert`)")
    train, evaluation, names, layout = load_splits(
        data_args.dataset, data_args.train_split, data_args.eval_split
    )
    classes = list(range(len(names)))
    if data_args.zero_shot_protocol:
        classes, _, _ = zero_shot_classes(data_args.zero_shot_protocol)
        train = keep_labels(train, classes)
        evaluation = keep_labels(evaluation, classes) if evaluation is not None else None
    if data_args.max_train_samples:
        train = train.select(range(min(data_args.max_train_samples, len(train))))
    if evaluation is not None and data_args.max_eval_samples:
        evaluation = evaluation.select(range(min(data_args.max_eval_samples, len(evaluation))))
    return train, evaluation, names, layout, classes


def evaluate_task(task, model, dataloader, accelerator, num_classes: int, k: int = 5) -> dict:
    """Ranked predictions over a (prepared) dataloader, gathered from all processes, then the metrics.

    A task with ``rank_variants`` (stage 2: summed vs per-token candidate scoring) also reports each variant's
    top-1 under ``scoring_top1``, from the same forward passes.
    """
    from ..metrics import action_recognition_metrics

    model.eval()
    ranked, refs = [], []
    variants: dict[str, list[int]] = {}
    variant_top1: dict[str, list[int]] = {}
    for batch in dataloader:
        with accelerator.autocast():  # the run's precision (bf16 ranking on AMX CPUs is ~2x faster than fp32)
            if hasattr(task, "rank_variants"):
                every = task.rank_variants(model, batch, k)
                top, labels = every[pick_scoring(model, every)]
            else:
                every, (top, labels) = {}, task.rank(model, batch, k)
        top, labels = accelerator.gather_for_metrics((top.contiguous(), labels.contiguous()))
        ranked.extend(top.cpu().tolist())
        refs.extend(labels.cpu().tolist())
        for name, (variant_top, variant_labels) in every.items():
            first, truth = accelerator.gather_for_metrics(
                (variant_top[:, 0].contiguous(), variant_labels.contiguous())
            )
            variants.setdefault(name, []).extend((first == truth).long().cpu().tolist())
            variant_top1.setdefault(name, []).extend(first.cpu().tolist())
    model.train()
    metrics = action_recognition_metrics(ranked, refs, num_classes=num_classes, top_k=(1, 5))
    # Per-clip top-1 and truth, in the eval split's order: what a paired test between two runs reads.
    metrics["predictions"] = [row[0] for row in ranked]
    metrics["references"] = list(refs)
    if variants:
        metrics["scoring_top1"] = {name: sum(hits) / max(len(hits), 1) for name, hits in variants.items()}
        metrics["scoring_predictions"] = variant_top1
    return metrics


def _evaluate_to_file(run: TrainingRun, model, filename: str, keep_existing: bool = False) -> dict:
    """Evaluate ``model`` (unwrapped) on the run's eval split and write ``filename`` in the output folder; with
    ``keep_existing`` a resumed run that already wrote the file reads it instead of evaluating again."""
    from ..data.torch_dataset import SkeletonTorchDataset

    accelerator, args, task = run.accelerator, run.args, run.task
    path = os.path.join(args.output_dir, filename)
    if keep_existing and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    eval_view = SkeletonTorchDataset.from_encoder_config(run.eval_ds, train=False, **run.view_kwargs)
    eval_loader = accelerator.prepare_data_loader(
        DataLoader(eval_view, batch_size=args.per_device_eval_batch_size, collate_fn=task.eval_collate)
    )
    metrics = evaluate_task(task, model, eval_loader, accelerator, num_classes=len(run.names))
    if accelerator.is_main_process:
        Path(args.output_dir).mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({**metrics, "class_names": list(run.names)}, handle)
        logger.info("%s: top-1 %.4f", filename, metrics["top1"])
    return metrics


def _encoder_token_cache(task, train_view, train_ds, eval_ds, view_kwargs, data_args, args):
    """The stage-2 encoder-token cache of this run (built once, then read from its keyed file)."""
    from ..data.torch_dataset import SkeletonTorchDataset
    from ..pretrained_bases import cache_dir

    encoder = task.model.encoder
    eval_view = (
        SkeletonTorchDataset.from_encoder_config(eval_ds, train=False, **view_kwargs)
        if eval_ds is not None
        else None
    )
    kwargs = {**view_kwargs, "rotate": data_args.rotate}
    key = cache_key(encoder, kwargs, args.seed, args.token_cache_views, train_ds, eval_ds)
    folder = args.token_cache_dir or str(cache_dir() / "encoder_tokens")
    return build_token_cache(encoder, train_view, eval_view, num_views=args.token_cache_views, key=key,
                             cache_dir=folder, batch_size=args.per_device_eval_batch_size)  # fmt: skip


def _align(task, model, cache, args: SugarTrainingArguments, accelerator) -> dict:
    """Projector alignment before the LLM phase; writes ``alignment.json`` (with the gate metric)."""
    from .alignment import align_projector, name_targets

    rows = {int(c): i for i, c in enumerate(task.candidate_labels.tolist())}
    targets = name_targets(model, task.processor.tokenizer, task.candidates)
    log = align_projector(model, cache, targets, rows, steps=args.align_steps, learning_rate=args.align_learning_rate,
                          batch_size=args.align_batch_size, seed=args.seed)  # fmt: skip
    if accelerator.is_main_process:
        Path(args.output_dir).mkdir(parents=True, exist_ok=True)
        (Path(args.output_dir) / "alignment.json").write_text(json.dumps(log, indent=2))
    return log


def _allow_new_precision(precision: str) -> None:
    """Stages chained in one process (the quickstart: stage 1 in fp32, stage 2 in bf16) each get their own
    precision: accelerate keeps one process-wide state, so a finished stage's is dropped (the process group,
    in PartialState, is kept)."""
    from accelerate.state import AcceleratorState

    state = AcceleratorState._shared_state
    if state and str(state.get("_mixed_precision", precision)) != precision:
        AcceleratorState._reset_state(reset_partial_state=False)


@dataclass
class TrainingRun:
    """One stage in progress: what :func:`setup_run` built and :func:`run_steps` advances.

    ``model`` and ``optimizer`` are the accelerate-prepared ones; ``running`` / ``running_count`` sum the loss
    since the last log; ``start_step`` / ``start_time`` are where this process began (a resumed run's speed
    counts only its own steps).
    """

    model_args: ModelArguments
    data_args: DataArguments
    args: SugarTrainingArguments
    accelerator: Any
    task: Any
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: Any
    train_view: Any
    collate: Callable
    eval_ds: Any
    names: Sequence[str]
    view_kwargs: dict
    steps_per_epoch: int
    total_steps: int
    history: LossHistory
    global_step: int = 0
    start_step: int = 0
    start_time: float = 0.0
    running: float = 0.0
    running_count: int = 0
    train_ds: Any = None

    @property
    def has_eval(self) -> bool:
        """Whether there is an evaluation split with clips in it."""
        return self.eval_ds is not None and bool(len(self.eval_ds))


def _make_accelerator(args: SugarTrainingArguments):
    """The run's ``Accelerator`` (precision, trackers, logging folder) and the process's logging setup."""
    from accelerate import Accelerator
    from accelerate.utils import ProjectConfiguration

    report_to = resolve_report_to(args.report_to)
    precision = resolve_mixed_precision(args.mixed_precision, args.stage)
    _allow_new_precision(precision)
    accelerator = Accelerator(
        # Several processes and no GPU: gloo DDP on CPU (accelerate only picks it with cpu=True).
        cpu=not torch.cuda.is_available() and int(os.environ.get("WORLD_SIZE", "1")) > 1,
        mixed_precision=precision,
        log_with=report_to,
        project_config=ProjectConfiguration(project_dir=args.output_dir, logging_dir=os.path.join(args.output_dir, "logs")),
    )  # fmt: skip
    logging.basicConfig(level=logging.INFO if accelerator.is_main_process else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    return accelerator


def _train_view(task, train_ds, eval_ds, data_args: DataArguments, args: SugarTrainingArguments):
    """``(train view, collate, token cache or None, view kwargs)``: the seeded training view of the clips.

    The views preprocess as the checkpoint records (layout, sizes, in_channels, stream, centring, test crop,
    view alignment), so evaluation here, the processor and a reloaded model all see the same arrays. A stage-2
    run with ``token_cache`` trains on the cached encoder tokens instead.
    """
    from ..data.torch_dataset import SkeletonTorchDataset

    encoder_config = task.model.config.encoder_config
    if encoder_config.stream != data_args.stream:  # --init_from of a baseline / stage-1 folder keeps its own
        logger.warning("the model's encoder was configured for the %s stream; training on --stream %s",
                       encoder_config.stream, data_args.stream)  # fmt: skip
        encoder_config.stream = data_args.stream
    view_kwargs = {"encoder_config": encoder_config}
    train_view = SeededView(
        SkeletonTorchDataset.from_encoder_config(
            train_ds, train=True, rotate=data_args.rotate, **view_kwargs
        ),
        args.seed,
    )
    collate, cache = task.collate, None
    if args.stage == "2" and (args.token_cache or args.align_steps):
        cache = _encoder_token_cache(task, train_view, train_ds, eval_ds, view_kwargs, data_args, args)
        if args.token_cache:
            train_view, collate = CachedTokenView(cache), task.cached_collate
    return train_view, collate, cache, view_kwargs


def _step_counts(
    num_clips: int, num_processes: int, args: SugarTrainingArguments
) -> tuple[int, int, list[int]]:
    """``(optimizer steps per epoch, total steps, lr-decay milestones in steps)``."""
    batches_per_epoch = math.ceil(num_clips / (args.per_device_train_batch_size * num_processes))
    steps_per_epoch = math.ceil(batches_per_epoch / args.gradient_accumulation_steps)
    total_steps = args.max_steps if args.max_steps > 0 else math.ceil(args.num_train_epochs * steps_per_epoch)
    milestones = sorted(set(args.lr_decay_steps) | {round(e * steps_per_epoch) for e in args.lr_decay_epochs})
    return steps_per_epoch, total_steps, milestones


def _resume(
    args: SugarTrainingArguments, accelerator, model, optimizer, scheduler
) -> tuple[int, LossHistory]:
    """``(global step, history)``: from the ``--resume`` checkpoint when there is one, else a fresh start."""
    global_step, resumed_from = 0, None
    if args.resume:
        folder = _resolve_resume(args.resume, args.output_dir)
        if folder is None:
            logger.warning("--resume %s: no checkpoint in %s, starting fresh", args.resume, args.output_dir)
        else:
            check_resumable(folder)
            load_training_state(folder, accelerator, model, optimizer, scheduler)
            global_step = int(json.loads((folder / STATE_FILE).read_text())["global_step"])
            resumed_from = folder
            logger.info("resumed from %s at step %d", folder, global_step)
    if resumed_from:
        return global_step, LossHistory.resume(args.output_dir, resumed_from, global_step)
    return global_step, LossHistory(args.output_dir)


def _start_trackers(run: TrainingRun, num_classes: int) -> None:
    """Open the trackers with the run's flat settings and log what is about to be trained."""
    args, accelerator = run.args, run.accelerator
    if accelerator.is_main_process:
        Path(args.output_dir).mkdir(parents=True, exist_ok=True)
        settings = {**asdict(run.model_args), **asdict(run.data_args), **asdict(args)}
        config = {k: v for k, v in settings.items() if isinstance(v, (int, float, str, bool)) or v is None}
        accelerator.init_trackers(args.project_name, config=config)
    trainable = sum(p.numel() for p in run.model.parameters() if p.requires_grad)
    logger.info("stage %s: %d train clips, %d classes, %d steps (%d per epoch), %.2fM trainable parameters, "
                "%d process(es)", args.stage, len(run.train_view), num_classes, run.total_steps,
                run.steps_per_epoch, trainable / 1e6, accelerator.num_processes)  # fmt: skip


def setup_run(
    model_args: ModelArguments, data_args: DataArguments, args: SugarTrainingArguments
) -> TrainingRun:
    """Accelerator, data, task, views, optimizer and scheduler, the resumed state, the stage-2 alignment."""
    from accelerate.utils import set_seed

    accelerator = _make_accelerator(args)
    set_seed(args.seed)
    train_ds, eval_ds, names, layout, classes = prepare_data(data_args, args)
    with accelerator.main_process_first():
        task = build_task(model_args, data_args, args, names, layout, classes)
    if args.stage == "2":  # the answers the LLM learns (names only when no class has a description): for its card
        task.model.config.answer_description = getattr(task.collate, "describe", None) is not None
    task.model.train()
    train_view, collate, cache, view_kwargs = _train_view(task, train_ds, eval_ds, data_args, args)
    steps_per_epoch, total_steps, milestones = _step_counts(len(train_view), accelerator.num_processes, args)
    optimizer = build_optimizer(task.model, args)
    scheduler = build_scheduler(optimizer, args, total_steps, milestones)
    model, optimizer = accelerator.prepare(task.model, optimizer)
    # The scheduler is not registered with accelerate: its save_state pickles registered objects and its
    # load_state unpickles them with weights_only=False. save/load_training_state keep it as JSON.
    global_step, history = _resume(args, accelerator, model, optimizer, scheduler)
    if args.stage == "2" and args.align_steps and global_step == 0:
        _align(task, accelerator.unwrap_model(model), cache, args, accelerator)
    run = TrainingRun(model_args, data_args, args, accelerator, task, model, optimizer, scheduler, train_view,
                      collate, eval_ds, names, view_kwargs, steps_per_epoch, total_steps, history, global_step,
                      train_ds=train_ds)  # fmt: skip
    _start_trackers(run, len(classes))
    return run


def _epoch_loader(run: TrainingRun) -> tuple[int, DataLoader]:
    """``(epoch, loader)`` for the epoch of the current step, past the micro-batches it already consumed."""
    from accelerate import skip_first_batches

    args = run.args
    epoch, done_in_epoch = divmod(run.global_step, run.steps_per_epoch)
    run.train_view.set_epoch(epoch)
    loader = DataLoader(Subset(run.train_view, epoch_order(len(run.train_view), args.seed, epoch)),
                        batch_size=args.per_device_train_batch_size, shuffle=False, collate_fn=run.collate,
                        num_workers=run.data_args.dataloader_num_workers)  # fmt: skip
    loader = run.accelerator.prepare_data_loader(loader)
    if done_in_epoch:
        loader = skip_first_batches(loader, done_in_epoch * args.gradient_accumulation_steps)
    return epoch, loader


def _optimizer_step(run: TrainingRun, group: list) -> None:
    """One optimizer step over a group of micro-batches (gradients synced on the last one only)."""
    from accelerate.utils import set_seed

    accelerator, args = run.accelerator, run.args
    set_seed(args.seed + 7919 * (run.global_step + 1), device_specific=True)
    for i, batch in enumerate(group):
        sync = i == len(group) - 1
        context = accelerator.no_sync(run.model) if not sync else contextlib.nullcontext()
        with context, accelerator.autocast():
            loss = run.task.loss(run.model, batch, run.global_step) / len(group)
        accelerator.backward(loss)
        run.running += loss.detach().float().item()
    if args.max_grad_norm:
        accelerator.clip_grad_norm_(run.model.parameters(), args.max_grad_norm)
    run.optimizer.step()
    run.scheduler.step()
    run.optimizer.zero_grad(set_to_none=True)
    run.global_step += 1
    run.running_count += 1


def _log_step(run: TrainingRun, bar) -> None:
    """The mean loss since the last log, the lr and the speed: to the trackers, the history and the bar."""
    accelerator, args, step = run.accelerator, run.args, run.global_step
    mean = torch.tensor(run.running / run.running_count, device=accelerator.device)
    loss_value = accelerator.reduce(mean, "mean").item()
    speed = (step - run.start_step) / (time.perf_counter() - run.start_time)
    logs = {"train/loss": loss_value, "train/lr": run.scheduler.get_last_lr()[0], "train/steps_per_s": speed}
    accelerator.log(logs, step=step)
    run.history.log({"step": step, "epoch": round(step / run.steps_per_epoch, 4), "loss": loss_value,
                     "learning_rate": logs["train/lr"], "steps_per_second": speed})  # fmt: skip
    if accelerator.is_main_process:
        run.history.write()
    bar.set_postfix(loss=f"{loss_value:.4f}", lr=f"{logs['train/lr']:.2e}")
    if args.disable_tqdm:
        logger.info("step %d/%d %s", step, run.total_steps, {k: round(v, 5) for k, v in logs.items()})
    run.running, run.running_count = 0.0, 0


def _after_step(run: TrainingRun, epoch: int) -> None:
    """An epoch's evaluation (when it is one of ``eval_epochs``), then the checkpoint of every ``save_steps``.

    The evaluation comes first: a run killed while evaluating resumes from before the epoch's end.
    """
    args, step = run.args, run.global_step
    finished_epoch = step // run.steps_per_epoch
    if (
        step % run.steps_per_epoch == 0
        and finished_epoch in args.eval_epochs
        and step < run.total_steps
        and run.has_eval
    ):
        metrics = _evaluate_to_file(run, run.accelerator.unwrap_model(run.model),
                                    f"epoch{finished_epoch}_eval_metrics.json", keep_existing=True)  # fmt: skip
        run.history.log(eval_record(step, float(finished_epoch), metrics))
        if run.accelerator.is_main_process:
            run.history.write()
    if args.save_steps and step % args.save_steps == 0:
        _save_checkpoint(run, epoch)


def run_steps(run: TrainingRun) -> bool:
    """The epoch / step loop up to ``total_steps``; returns whether ``stop_after_steps`` stopped it early."""
    from tqdm.auto import tqdm

    args = run.args
    bar = tqdm(total=run.total_steps, initial=run.global_step, desc=f"stage {args.stage}",
               disable=args.disable_tqdm or not run.accelerator.is_local_main_process)  # fmt: skip
    run.start_time, run.start_step = time.perf_counter(), run.global_step
    stopped = False
    while run.global_step < run.total_steps and not stopped:
        epoch, loader = _epoch_loader(run)
        for group in _micro_batches(loader, args.gradient_accumulation_steps):
            _optimizer_step(run, group)
            bar.update(1)
            if run.global_step % args.logging_steps == 0 or run.global_step == run.total_steps:
                _log_step(run, bar)
            _after_step(run, epoch)
            stopped = (
                bool(args.stop_after_steps) and args.stop_after_steps <= run.global_step < run.total_steps
            )
            if run.global_step >= run.total_steps or stopped:
                break
    bar.close()
    return stopped


def finish_run(run: TrainingRun, stopped: bool) -> dict:
    """The final evaluation, the saved model, ``train_results.json`` and the history; returns the results.

    A run stopped by ``stop_after_steps`` only writes its history (its checkpoints hold the rest).
    """
    accelerator, args, step = run.accelerator, run.args, run.global_step
    elapsed = time.perf_counter() - run.start_time
    results = {"global_step": step, "train_seconds": elapsed,
               "steps_per_second": (step - run.start_step) / max(elapsed, 1e-9)}  # fmt: skip
    if stopped:
        logger.info("stopped after step %d (stop_after_steps); resume with --resume latest", step)
        if accelerator.is_main_process:
            run.history.write()
            run.history.plot()
        accelerator.end_training()
        return results
    accelerator.wait_for_everyone()
    unwrapped = accelerator.unwrap_model(run.model)
    if hasattr(
        run.task, "choose_prior_weight"
    ):  # every process alike (deterministic), before the model is saved
        run.task.choose_prior_weight(unwrapped, run)
    if args.do_eval and run.has_eval:
        metrics = _evaluate_to_file(run, unwrapped, "eval_metrics.json")
        results.update({f"eval/{k}": v for k, v in metrics.items() if isinstance(v, float)})
        accelerator.log({k: v for k, v in results.items() if k.startswith("eval/")}, step=step)
        run.history.log(eval_record(step, round(step / run.steps_per_epoch, 4), metrics))
    if accelerator.is_main_process:
        run.history.write()
        run.history.plot()
        run.task.save(unwrapped, args.output_dir, run.model_args)
        with open(os.path.join(args.output_dir, "train_results.json"), "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
        logger.info(
            "saved the model to %s: %s", args.output_dir, {k: round(v, 4) for k, v in results.items()}
        )
    accelerator.wait_for_everyone()
    accelerator.end_training()
    return results


def train(model_args: ModelArguments, data_args: DataArguments, args: SugarTrainingArguments) -> dict:
    """Run one stage end to end; returns the final metrics (and writes the model to ``args.output_dir``)."""
    run = setup_run(model_args, data_args, args)
    stopped = run_steps(run)
    return finish_run(run, stopped)
