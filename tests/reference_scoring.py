"""The naive reference for :meth:`SugarForActionRecognition.score_candidates`: one full forward of prompt +
candidate per candidate. Shared by ``tests/test_modeling.py``, ``tests/test_embedded.py`` and
``benchmarks/classify_speed.py`` (which imports it by its path)."""

from __future__ import annotations

from collections.abc import Sequence

import torch


@torch.no_grad()
def score_candidates_naive(
    model,
    skeleton_values: torch.Tensor,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    candidate_ids: Sequence[Sequence[int]],
    scoring: str | None = None,
) -> torch.Tensor:
    """Log-likelihood ``(batch, num_candidates)`` of each candidate, summed or per token (``scoring``; default
    ``model.config.candidate_scoring``), from one forward of the whole sequence per candidate."""
    mean = (scoring or getattr(model.config, "candidate_scoring", "sum")) == "mean"
    scores = []
    for cand in candidate_ids:
        cand_t = torch.tensor(cand, device=input_ids.device)[None].expand(input_ids.shape[0], -1)
        ids = torch.cat([input_ids, cand_t], dim=1)
        mask = torch.cat([attention_mask, torch.ones_like(cand_t)], dim=1)
        logits = model(skeleton_values=skeleton_values, input_ids=ids, attention_mask=mask).logits
        logprobs = logits[:, input_ids.shape[1] - 1 : -1].float().log_softmax(-1)
        token_logprobs = logprobs.gather(-1, cand_t[..., None])[..., 0]
        scores.append(token_logprobs.mean(-1) if mean else token_logprobs.sum(-1))
    return torch.stack(scores, dim=1)
