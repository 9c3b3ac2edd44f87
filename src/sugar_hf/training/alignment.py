"""Projector alignment before the LLM is tuned (beyond the paper; the equivalent of BLIP-2's first stage).

A fresh projector gives the LLM nearly the same tokens for every clip, and a few hundred LoRA steps then learn
little more than the class prior. Reference systems never ask an LLM to learn a fresh bridge that way: BLIP-2
trains its Q-Former without the LLM first, LLaVA trains its projector alone before tuning the LLM. Here, on
cached encoder tokens and without running the LLM, the projector (any type) is trained so its tokens are
readable by the frozen LLM:

- contrastive (InfoNCE) alignment of the mean output token with the LLM's own mean input embedding of each
  training class's name, over all training classes;
- regression of the token sequence onto the name's token embeddings, tiled over the skeleton slots (the
  frozen LLM ranks the true name first from such sequences far above chance; one smeared vector reads at
  chance).

The gate metric, :func:`nearest_name_accuracy`, is the share of evaluation clips whose mean aligned token is
nearest to their own class name's embedding: what stage 2 can reach before paying for the LLM.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

logger = logging.getLogger(__name__)


@dataclass
class NameTargets:
    """The LLM's input embeddings of each candidate name.

    Attributes:
        tokens: ``(num_names, max_len, hidden)`` token embeddings, zero-padded.
        lengths: ``(num_names,)`` tokens per name.
        means: ``(num_names, hidden)`` mean token embedding of each name.
    """

    tokens: torch.Tensor
    lengths: torch.Tensor
    means: torch.Tensor

    def tiled(self, index: torch.Tensor, slots: int) -> torch.Tensor:
        """``(batch, slots, hidden)``: each name's token embeddings repeated over ``slots`` positions."""
        lengths = self.lengths[index]
        positions = torch.arange(slots, device=lengths.device)[None] % lengths[:, None]
        return self.tokens[index[:, None], positions]


@torch.no_grad()
def name_targets(model, tokenizer, names: Sequence[str]) -> NameTargets:
    """Token embeddings of ``names`` in ``model.llm``'s input-embedding table (no special tokens)."""
    table = model.llm.get_input_embeddings().weight.detach().float()
    ids = [tokenizer(name, add_special_tokens=False)["input_ids"] for name in names]
    if any(not i for i in ids):
        raise ValueError("every class name must tokenize to at least one token")
    width = max(len(i) for i in ids)
    tokens = torch.zeros(len(ids), width, table.shape[1])
    for row, name_ids in enumerate(ids):
        tokens[row, : len(name_ids)] = table[torch.tensor(name_ids)].cpu()
    lengths = torch.tensor([len(i) for i in ids])
    means = tokens.sum(1) / lengths[:, None]
    return NameTargets(tokens, lengths, means)


def alignment_loss(
    skeleton_tokens: torch.Tensor,
    index: torch.Tensor,
    targets: NameTargets,
    temperature: float = 0.1,
    regression_weight: float = 1.0,
) -> tuple[torch.Tensor, dict]:
    """InfoNCE of the mean token against every name's mean embedding + normalised MSE onto the tiled names.

    Args:
        skeleton_tokens: ``(batch, slots, hidden)`` projector output.
        index: ``(batch,)`` row of each clip's class in ``targets``.
    """
    tokens = skeleton_tokens.float()
    pooled = F.normalize(tokens.mean(1), dim=-1)
    logits = pooled @ F.normalize(targets.means.to(tokens.device), dim=-1).t() / temperature
    contrastive = F.cross_entropy(logits, index)
    goal = targets.tiled(index.cpu(), tokens.shape[1]).to(tokens.device)
    regression = (tokens - goal).pow(2).mean() / goal.pow(2).mean().clamp(min=1e-8)
    loss = contrastive + regression_weight * regression
    return loss, {"contrastive": contrastive.item(), "regression": regression.item()}


@torch.no_grad()
def nearest_name_accuracy(
    model, encoder_tokens: torch.Tensor, index: torch.Tensor, targets: NameTargets, batch_size: int = 128
) -> float:
    """Share of clips whose mean projected token is nearest (cosine) to their own name's mean embedding."""
    was_training = model.training
    model.eval()
    device = next(model.projector.parameters()).device
    means = F.normalize(targets.means.to(device), dim=-1)
    correct = 0
    for start in range(0, len(encoder_tokens), batch_size):
        tokens = model.get_skeleton_tokens(
            encoder_tokens=encoder_tokens[start : start + batch_size].to(device)
        )
        pred = (F.normalize(tokens.float().mean(1), dim=-1) @ means.t()).argmax(1).cpu()
        correct += int((pred == index[start : start + batch_size]).sum())
    model.train(was_training)
    return correct / max(len(encoder_tokens), 1)


def projector_parameters(model) -> list[torch.nn.Parameter]:
    """The projector's trainable parameters (and the optional output norm's)."""
    params = list(model.projector.parameters())
    if getattr(model, "projector_norm", None) is not None:
        params += list(model.projector_norm.parameters())
    return [p for p in params if p.requires_grad]


def _eval_rows(cache, label_to_row: dict[int, int]) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """``(tokens, rows)`` of the cache's evaluation clips whose class has a target; ``(None, None)`` without
    an evaluation split."""
    if cache.eval_tokens is None:
        return None, None
    keep = torch.tensor([int(c) in label_to_row for c in cache.eval_labels], dtype=torch.bool)
    rows = torch.tensor([label_to_row[int(c)] for c in cache.eval_labels[keep]])
    return cache.eval_tokens[keep], rows


def _projector_optimizer(params: list[torch.nn.Parameter], steps: int, learning_rate: float, weight_decay: float,
                         warmup_ratio: float):  # fmt: skip
    """AdamW (no weight decay on vectors) with a cosine schedule after a linear warm-up."""
    from transformers import get_cosine_schedule_with_warmup

    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=learning_rate)  # fmt: skip
    scheduler = get_cosine_schedule_with_warmup(optimizer, math.ceil(warmup_ratio * steps), steps)
    return optimizer, scheduler


def _train_projector(model, cache, rows: torch.Tensor, targets: NameTargets, params, optimizer, scheduler, *,
                     steps: int, batch_size: int, temperature: float, regression_weight: float,
                     max_grad_norm: float, seed: int, log_every: int) -> tuple[torch.Tensor, dict]:  # fmt: skip
    """The alignment steps: seeded shuffles of the training clips, one cached view per pass (batches of fewer
    than 2 clips skipped); returns the last loss and its parts."""
    device = next(model.projector.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    num_train = cache.train_tokens.shape[1]
    step, epoch = 0, 0
    while step < steps:
        order = torch.randperm(num_train, generator=generator)
        view = epoch % cache.num_views
        for begin in range(0, num_train, batch_size):
            idx = order[begin : begin + batch_size]
            if len(idx) < 2:
                continue
            tokens = model.get_skeleton_tokens(encoder_tokens=cache.train_tokens[view, idx].to(device))
            loss, parts = alignment_loss(
                tokens, rows[idx].to(device), targets, temperature, regression_weight
            )
            loss.backward()
            if max_grad_norm:
                torch.nn.utils.clip_grad_norm_(params, max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            if step % log_every == 0 or step == steps:
                logger.info("align step %d/%d loss %.4f %s", step, steps, loss.item(), parts)
            if step >= steps:
                break
        epoch += 1
    return loss, parts


def align_projector(
    model,
    cache,
    targets: NameTargets,
    label_to_row: dict[int, int],
    *,
    steps: int,
    learning_rate: float = 1e-3,
    batch_size: int = 32,
    weight_decay: float = 0.05,
    temperature: float = 0.1,
    regression_weight: float = 1.0,
    warmup_ratio: float = 0.05,
    max_grad_norm: float = 1.0,
    seed: int = 42,
    log_every: int = 50,
) -> dict:
    """Train the projector alone on cached encoder tokens (``cache``: an ``EncoderTokenCache``).

    Returns a log with the final losses, the seconds taken and, when the cache has an evaluation split, the
    gate metric before and after (``gate_before`` / ``gate_after``: nearest-name accuracy on it).
    """
    rows = torch.tensor([label_to_row[int(c)] for c in cache.train_labels])
    eval_tokens, eval_rows = _eval_rows(cache, label_to_row)
    log: dict = {"steps": steps}
    if eval_rows is not None:
        log["gate_before"] = nearest_name_accuracy(model, eval_tokens, eval_rows, targets)
    params = projector_parameters(model)
    optimizer, scheduler = _projector_optimizer(params, steps, learning_rate, weight_decay, warmup_ratio)
    was_training = model.training
    model.train()
    start = time.perf_counter()
    loss, parts = _train_projector(model, cache, rows, targets, params, optimizer, scheduler, steps=steps,
                                   batch_size=batch_size, temperature=temperature, regression_weight=regression_weight,
                                   max_grad_norm=max_grad_norm, seed=seed, log_every=log_every)  # fmt: skip
    model.train(was_training)
    log.update(seconds=time.perf_counter() - start, loss=loss.item(), **parts)
    if eval_rows is not None:
        log["gate_after"] = nearest_name_accuracy(model, eval_tokens, eval_rows, targets)
        logger.info("projector alignment: nearest-name accuracy on the eval split %.4f -> %.4f (%.0f s)",
                    log["gate_before"], log["gate_after"], log["seconds"])  # fmt: skip
    return log
