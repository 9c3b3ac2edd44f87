"""The training loop shared by all stages: accelerate, step-decay schedule, checkpoints, exact resume.

Exactness: the sample order of an epoch, each clip's augmentation and each step's dropout / text draw are
pure functions of the seed, the epoch and the step; :func:`~sugar_hf.training.checkpointing.save_training_state`
stores model, optimizer, scheduler and RNG states without pickle (safetensors + JSON); ``--resume`` reloads them
(never unpickling anything) and skips the batches already consumed with ``accelerate.skip_first_batches``. A
resumed CPU run therefore ends with the same weights as a straight one (stage 1 and stage 2 are tested).

Every run writes ``log_history.json`` and ``learning_curve.png`` (:mod:`sugar_hf.training.history`) in its
output folder; a resumed run continues the same history.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Subset

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


def _save_checkpoint(accelerator, args: SugarTrainingArguments, step: int, epoch: int, model, optimizer, scheduler,
                     history: LossHistory | None = None) -> None:  # fmt: skip
    folder = Path(args.output_dir) / CHECKPOINT_DIR / f"step_{step}"
    save_training_state(folder, accelerator, model, optimizer, scheduler)
    if accelerator.is_main_process:
        if history is not None:
            history.write(folder)
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
    for batch in dataloader:
        with accelerator.autocast():  # the run's precision (bf16 ranking on AMX CPUs is ~2x faster than fp32)
            if hasattr(task, "rank_variants"):
                every = task.rank_variants(model, batch, k)
                top, labels = every[getattr(model.config, "candidate_scoring", "sum")]
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
    model.train()
    metrics = action_recognition_metrics(ranked, refs, num_classes=num_classes, top_k=(1, 5))
    if variants:
        metrics["scoring_top1"] = {name: sum(hits) / max(len(hits), 1) for name, hits in variants.items()}
    return metrics


def _evaluate_to_file(
    task,
    model,
    eval_ds,
    view_kwargs: dict,
    accelerator,
    args: SugarTrainingArguments,
    names: Sequence[str],
    filename: str,
    keep_existing: bool = False,
) -> dict:
    """Evaluate on the eval split and write ``filename`` in the output folder; with ``keep_existing`` a
    resumed run that already wrote the file reads it instead of evaluating again."""
    from ..data.torch_dataset import SkeletonTorchDataset

    path = os.path.join(args.output_dir, filename)
    if keep_existing and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    eval_view = SkeletonTorchDataset.from_encoder_config(eval_ds, train=False, **view_kwargs)
    eval_loader = accelerator.prepare_data_loader(
        DataLoader(eval_view, batch_size=args.per_device_eval_batch_size, collate_fn=task.eval_collate)
    )
    metrics = evaluate_task(task, model, eval_loader, accelerator, num_classes=len(names))
    if accelerator.is_main_process:
        Path(args.output_dir).mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({**metrics, "class_names": list(names)}, handle)
        logger.info("%s: top-1 %.4f", filename, metrics["top1"])
    return metrics


def _encoder_token_cache(task, train_view, train_ds, eval_ds, view_kwargs, data_args, args):
    """The stage-2 encoder-token cache of this run (built once, then read from its keyed file)."""
    from ..data.torch_dataset import SkeletonTorchDataset
    from ..embedded import cache_dir

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


def train(model_args: ModelArguments, data_args: DataArguments, args: SugarTrainingArguments) -> dict:
    """Run one stage end to end; returns the final metrics (and writes the model to ``args.output_dir``)."""
    from accelerate import Accelerator, skip_first_batches
    from accelerate.utils import ProjectConfiguration, set_seed
    from tqdm.auto import tqdm

    from ..data.torch_dataset import SkeletonTorchDataset

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
    set_seed(args.seed)
    train_ds, eval_ds, names, layout, classes = prepare_data(data_args, args)
    with accelerator.main_process_first():
        task = build_task(model_args, data_args, args, names, layout, classes)
    model = task.model
    model.train()

    # The views preprocess as the checkpoint records (layout, sizes, in_channels, stream, centring, test crop,
    # view alignment), so evaluation here, the processor and a reloaded model all see the same arrays.
    encoder_config = model.config.encoder_config
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
    batches_per_epoch = math.ceil(
        len(train_view) / (args.per_device_train_batch_size * accelerator.num_processes)
    )
    steps_per_epoch = math.ceil(batches_per_epoch / args.gradient_accumulation_steps)
    total_steps = args.max_steps if args.max_steps > 0 else math.ceil(args.num_train_epochs * steps_per_epoch)
    milestones = sorted(set(args.lr_decay_steps) | {round(e * steps_per_epoch) for e in args.lr_decay_epochs})

    optimizer = build_optimizer(model, args)
    scheduler = build_scheduler(optimizer, args, total_steps, milestones)
    model, optimizer = accelerator.prepare(model, optimizer)
    # The scheduler is not registered with accelerate: its save_state pickles registered objects and its
    # load_state unpickles them with weights_only=False. save/load_training_state keep it as JSON.

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
    history = (
        LossHistory.resume(args.output_dir, resumed_from, global_step)
        if resumed_from
        else LossHistory(args.output_dir)
    )

    if args.stage == "2" and args.align_steps and global_step == 0:
        _align(task, accelerator.unwrap_model(model), cache, args, accelerator)

    if accelerator.is_main_process:
        Path(args.output_dir).mkdir(parents=True, exist_ok=True)
        config = {k: v for k, v in {**asdict(model_args), **asdict(data_args), **asdict(args)}.items()
                  if isinstance(v, (int, float, str, bool)) or v is None}  # fmt: skip
        accelerator.init_trackers(args.project_name, config=config)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    logger.info("stage %s: %d train clips, %d classes, %d steps (%d per epoch), %.2fM trainable parameters, "
                "%d process(es)", args.stage, len(train_view), len(classes), total_steps, steps_per_epoch,
                trainable / 1e6, accelerator.num_processes)  # fmt: skip

    bar = tqdm(total=total_steps, initial=global_step, disable=args.disable_tqdm or not accelerator.is_local_main_process,
               desc=f"stage {args.stage}")  # fmt: skip
    start, start_step = time.perf_counter(), global_step
    running, running_count = 0.0, 0
    stopped = False
    while global_step < total_steps and not stopped:
        epoch, done_in_epoch = divmod(global_step, steps_per_epoch)
        train_view.set_epoch(epoch)
        loader = DataLoader(Subset(train_view, epoch_order(len(train_view), args.seed, epoch)),
                            batch_size=args.per_device_train_batch_size, shuffle=False, collate_fn=collate,
                            num_workers=data_args.dataloader_num_workers)  # fmt: skip
        loader = accelerator.prepare_data_loader(loader)
        if done_in_epoch:
            loader = skip_first_batches(loader, done_in_epoch * args.gradient_accumulation_steps)
        for group in _micro_batches(loader, args.gradient_accumulation_steps):
            set_seed(args.seed + 7919 * (global_step + 1), device_specific=True)
            for i, batch in enumerate(group):
                sync = i == len(group) - 1
                context = accelerator.no_sync(model) if not sync else _null()
                with context, accelerator.autocast():
                    loss = task.loss(model, batch, global_step) / len(group)
                accelerator.backward(loss)
                running += loss.detach().float().item()
            if args.max_grad_norm:
                accelerator.clip_grad_norm_(model.parameters(), args.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            global_step += 1
            running_count += 1
            bar.update(1)
            if global_step % args.logging_steps == 0 or global_step == total_steps:
                loss_value = accelerator.reduce(torch.tensor(running / running_count, device=accelerator.device),
                                                "mean").item()  # fmt: skip
                speed = (global_step - start_step) / (time.perf_counter() - start)
                logs = {
                    "train/loss": loss_value,
                    "train/lr": scheduler.get_last_lr()[0],
                    "train/steps_per_s": speed,
                }
                accelerator.log(logs, step=global_step)
                history.log(
                    {
                        "step": global_step,
                        "epoch": round(global_step / steps_per_epoch, 4),
                        "loss": loss_value,
                        "learning_rate": logs["train/lr"],
                        "steps_per_second": speed,
                    }
                )
                if accelerator.is_main_process:
                    history.write()
                bar.set_postfix(loss=f"{loss_value:.4f}", lr=f"{logs['train/lr']:.2e}")
                if args.disable_tqdm:
                    logger.info(
                        "step %d/%d %s", global_step, total_steps, {k: round(v, 5) for k, v in logs.items()}
                    )
                running, running_count = 0.0, 0
            # Before the checkpoint: a run killed while evaluating resumes from before the epoch's end.
            finished_epoch = global_step // steps_per_epoch
            if (global_step % steps_per_epoch == 0 and finished_epoch in args.eval_epochs
                    and global_step < total_steps and eval_ds is not None and len(eval_ds)):  # fmt: skip
                epoch_metrics = _evaluate_to_file(task, accelerator.unwrap_model(model), eval_ds, view_kwargs,
                                                  accelerator, args, names,
                                                  f"epoch{finished_epoch}_eval_metrics.json", keep_existing=True)  # fmt: skip
                history.log(eval_record(global_step, float(finished_epoch), epoch_metrics))
                if accelerator.is_main_process:
                    history.write()
            if args.save_steps and global_step % args.save_steps == 0:
                _save_checkpoint(accelerator, args, global_step, epoch, model, optimizer, scheduler, history)
            if args.stop_after_steps and global_step >= args.stop_after_steps and global_step < total_steps:
                stopped = True
            if global_step >= total_steps or stopped:
                break
    bar.close()
    elapsed = time.perf_counter() - start
    results = {"global_step": global_step, "train_seconds": elapsed,
               "steps_per_second": (global_step - start_step) / max(elapsed, 1e-9)}  # fmt: skip
    if stopped:
        logger.info("stopped after step %d (stop_after_steps); resume with --resume latest", global_step)
        if accelerator.is_main_process:
            history.write()
            history.plot()
        accelerator.end_training()
        return results

    accelerator.wait_for_everyone()
    unwrapped = accelerator.unwrap_model(model)
    if args.do_eval and eval_ds is not None and len(eval_ds):
        metrics = _evaluate_to_file(task, unwrapped, eval_ds, view_kwargs, accelerator, args, names,
                                    "eval_metrics.json")  # fmt: skip
        results.update({f"eval/{k}": v for k, v in metrics.items() if isinstance(v, float)})
        accelerator.log({k: v for k, v in results.items() if k.startswith("eval/")}, step=global_step)
        history.log(eval_record(global_step, round(global_step / steps_per_epoch, 4), metrics))
    if accelerator.is_main_process:
        history.write()
        history.plot()
        task.save(unwrapped, args.output_dir, model_args)
        with open(os.path.join(args.output_dir, "train_results.json"), "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
        logger.info(
            "saved the model to %s: %s", args.output_dir, {k: round(v, 4) for k, v in results.items()}
        )
    accelerator.wait_for_everyone()
    accelerator.end_training()
    return results


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
