"""Inference in one place: rank candidate action names and generate answers with a model and its processor.

The models hold no processor (as LLaVA and BLIP-2 in transformers): :class:`~sugar_hf.processing_sugar.
SugarProcessor` builds the inputs and decodes the answers, and this module composes model and processor.

>>> from sugar_hf import SugarForActionRecognition, SugarProcessor
>>> from sugar_hf.inference import answer, classify
>>> model = SugarForActionRecognition.from_pretrained(folder)                  # doctest: +SKIP
>>> processor = SugarProcessor.from_pretrained(folder)  # or load_processor(folder): None without one  # doctest: +SKIP
>>> classify(model, processor, [skeleton], candidates=["wave hand", "salute"])  # doctest: +SKIP
>>> answer(model, processor, [skeleton])[0].text                               # doctest: +SKIP

Ranking exists once per model kind, tensor batch in, scores or ranked ids out; training (``training/tasks.py``),
evaluation (``training/evaluation.py``), :func:`classify` and the ``skeleton-action-recognition`` pipeline all
call it:

* stage 2 (:func:`score_stage2` / :func:`rank_stage2`): the LLM's log-likelihood of each candidate name, under
  both candidate scorings (``sum`` and per-token ``mean``) from one pass;
* stage 1 (:func:`score_stage1` / :func:`rank_stage1`): the MIL-NCE bag score of each class's texts
  (:func:`embed_texts` embeds them; :func:`name_bags` makes one text per name);
* the baseline (:func:`score_baseline` / :func:`rank_baseline`): the FC logits of the candidate classes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch

from .configuration_sugar import check_candidates
from .modeling_sugar import bag_scores
from .processing_sugar import SugarAnswer, SugarProcessor

if TYPE_CHECKING:
    from .modeling_baseline import SugarForSkeletonClassification
    from .modeling_sugar import SugarForActionRecognition, SugarSkeletonTextModel

SCORINGS = ("sum", "mean")
"""The candidate scorings of a stage-2 model: summed log-likelihood of a name's tokens, or per token."""


def default_scoring(model: SugarForActionRecognition) -> str:
    """The candidate scoring the model's config asks for: ``"fused"`` when the model carries a knowledge prior
    with a positive ``prior_weight``, else ``config.candidate_scoring`` (``"sum"`` by default)."""
    if getattr(model, "knowledge_prior", None) is not None and getattr(model.config, "prior_weight", 0.0) > 0:
        return "fused"
    return getattr(model.config, "candidate_scoring", "sum")


def pick_scoring(model: SugarForActionRecognition, scores: Mapping[str, torch.Tensor]) -> str:
    """:func:`default_scoring`, or the config's LLM scoring when ``scores`` has no fused entry (a candidate the
    prior has no class texts for)."""
    name = default_scoring(model)
    return name if name in scores else getattr(model.config, "candidate_scoring", "sum")


def fuse_scores(summed: torch.Tensor, prior: torch.Tensor, weight: float) -> torch.Tensor:
    """``log_softmax(summed) + weight * log_softmax(prior)`` over the candidates (last dim): the LLM's candidate
    distribution times the knowledge prior's, tempered by ``weight`` (a product of experts)."""
    return summed.float().log_softmax(-1) + weight * prior.float().log_softmax(-1)


def candidate_scorings(
    summed: torch.Tensor, candidate_ids: Sequence[Sequence[int]]
) -> dict[str, torch.Tensor]:
    """Both candidate scorings from the summed log-likelihoods ``(batch, num_candidates)``: ``sum`` and ``mean``
    (per token)."""
    lengths = torch.tensor([len(c) for c in candidate_ids], device=summed.device, dtype=summed.dtype)
    return {"sum": summed, "mean": summed / lengths}


def top_ids(scores: torch.Tensor, ids: torch.Tensor, k: int) -> torch.Tensor:
    """``(batch, min(k, num_candidates))``: the ``ids`` of the best-scoring candidates, best first."""
    return ids.to(scores.device)[scores.topk(min(k, scores.shape[1]), dim=1).indices]


# ------------------------------------------------------------------------------------------------- stage 2
@torch.no_grad()
def score_stage2(
    model: SugarForActionRecognition,
    batch: Mapping[str, Any],
    candidate_ids: Sequence[Sequence[int]],
    candidates: Sequence[str] | None = None,
    prior_weight: float | None = None,
) -> dict[str, torch.Tensor]:
    """Both candidate scorings ``{"sum", "mean"}`` of ``(batch, num_candidates)`` from one pass of
    :meth:`~sugar_hf.modeling_sugar.SugarForActionRecognition.score_candidates`; with the candidates' names and
    a model that carries a knowledge prior with prototypes for all of them, also ``"prior"`` (stage 1's
    skeleton-text similarity) and ``"fused"`` (:func:`fuse_scores` at ``prior_weight``, default the config's).

    ``batch`` holds ``input_ids``, ``attention_mask`` (left-padded prompts listing the candidates) and
    ``skeleton_values`` or precomputed ``encoder_tokens``: a processor's output or a collator's batch.
    """
    summed = model.score_candidates(
        batch.get("skeleton_values"), batch["input_ids"], batch["attention_mask"], candidate_ids,
        encoder_tokens=batch.get("encoder_tokens"), scoring="sum",
    ).float()  # fmt: skip
    scores = candidate_scorings(summed, candidate_ids)
    prior = None
    if candidates is not None and getattr(model, "prior_logits", None) is not None:
        prior = model.prior_logits(candidates, batch.get("skeleton_values"), batch.get("encoder_tokens"))
    if prior is not None:
        weight = model.config.prior_weight if prior_weight is None else prior_weight
        scores.update(prior=prior.float(), fused=fuse_scores(summed, prior, weight))
    return scores


def rank_stage2(
    model: SugarForActionRecognition,
    batch: Mapping[str, Any],
    candidate_ids: Sequence[Sequence[int]],
    labels: torch.Tensor,
    k: int,
    candidates: Sequence[str] | None = None,
) -> dict[str, torch.Tensor]:
    """Under each candidate scoring (:func:`score_stage2`), the ``labels`` (one id per candidate) of the top ``k``
    candidates."""
    scores = score_stage2(model, batch, candidate_ids, candidates)
    return {name: top_ids(value, labels, k) for name, value in scores.items()}


# ------------------------------------------------------------------------------------------------- stage 1
NAME_PROMPT = "A person is doing the action: {name}."
"""Stage 1's text of a class without a description (``NAME_PROMPT.format(name=...)``): what training and
evaluation use for such a class, and what the pipeline ranks for every candidate."""


@torch.no_grad()
def embed_texts(
    model: SugarSkeletonTextModel,
    tokenizer: Any,
    texts: Sequence[str],
    batch_size: int = 64,
    max_length: int = 128,
) -> torch.Tensor:
    """``(num_texts, text_dim)`` raw (frozen) text embeddings, float32 on the CPU: :meth:`~sugar_hf.modeling_sugar.
    SugarSkeletonTextModel.encode_texts` over ``tokenizer`` batches of ``batch_size`` (padded, truncated to
    ``max_length``)."""
    chunks = []
    device = next(model.parameters()).device
    for start in range(0, len(texts), batch_size):
        enc = tokenizer(list(texts[start : start + batch_size]), padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt")  # fmt: skip
        chunks.append(
            model.encode_texts(enc["input_ids"].to(device), enc["attention_mask"].to(device)).float().cpu()
        )
    return torch.cat(chunks)


@torch.no_grad()
def name_bags(
    model: SugarSkeletonTextModel, tokenizer: Any, names: Sequence[str]
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(texts, text_index)`` for :func:`score_stage1` when each candidate is known by its name only: one
    :data:`NAME_PROMPT` per name, embedded, projected and normalised (``text_index`` ``arange(len(names))``)."""
    raw = embed_texts(model, tokenizer, [NAME_PROMPT.format(name=name) for name in names])
    device = next(model.parameters()).device
    texts = torch.nn.functional.normalize(model.text_projection(raw.to(device)), dim=-1)
    return texts, torch.arange(len(names), device=device)


@torch.no_grad()
def score_stage1(
    model: SugarSkeletonTextModel,
    skeleton_values: torch.Tensor,
    texts: torch.Tensor,
    text_index: torch.Tensor,
    num_classes: int,
) -> torch.Tensor:
    """``(batch, num_classes)``: :func:`bag_scores` of the skeleton embeddings against the projected, normalised
    class ``texts`` ``(num_texts, dim)`` at the model's logit scale (``TextBank.class_bags`` gives both)."""
    features = model.get_skeleton_features(skeleton_values)
    scale = model.logit_scale.detach().clamp(max=math.log(100.0)).exp()
    return bag_scores(scale * features @ texts.t().to(features.dtype), text_index, num_classes)


def rank_stage1(
    model: SugarSkeletonTextModel, skeleton_values: torch.Tensor, classes: torch.Tensor, texts: torch.Tensor,
    text_index: torch.Tensor, k: int,
) -> torch.Tensor:  # fmt: skip
    """The ``classes`` of the ``k`` best class-text bags (:func:`score_stage1`), best first."""
    return top_ids(score_stage1(model, skeleton_values, texts, text_index, len(classes)), classes, k)


# ------------------------------------------------------------------------------------------------ baseline
@torch.no_grad()
def score_baseline(
    model: SugarForSkeletonClassification, skeleton_values: torch.Tensor, class_ids: torch.Tensor | Sequence[int]
) -> torch.Tensor:
    """``(batch, len(class_ids))``: the FC logits of the candidate classes."""
    return model(skeleton_values=skeleton_values).logits[:, class_ids]


def rank_baseline(
    model: SugarForSkeletonClassification, skeleton_values: torch.Tensor, class_ids: torch.Tensor, k: int
) -> torch.Tensor:
    """The ``class_ids`` of the ``k`` highest logits among them, best first."""
    return top_ids(score_baseline(model, skeleton_values, class_ids), class_ids, k)


# ------------------------------------------------------------------------------------- skeletons in, names out
def load_processor(name_or_path: str, **hub_kwargs: Any) -> SugarProcessor | None:
    """The :class:`~sugar_hf.processing_sugar.SugarProcessor` a saved folder or Hub repo holds (its
    ``processor_config.json``), or None when it has none. ``hub_kwargs``: ``cache_dir``, ``revision``, ``token``,
    ``local_files_only``, ``subfolder``."""
    from transformers.utils import cached_file

    found = cached_file(name_or_path, "processor_config.json", **hub_kwargs,
                        _raise_exceptions_for_missing_entries=False,
                        _raise_exceptions_for_connection_errors=False)  # fmt: skip
    return SugarProcessor.from_pretrained(name_or_path, **hub_kwargs) if found else None


def _candidates(model: SugarForActionRecognition, candidates: Sequence[str] | None) -> list[str]:
    if candidates is None:
        if not model.config.class_names:
            raise ValueError("no candidates given and the config has no class_names")
        candidates = model.config.class_names
    return check_candidates(candidates)


@torch.no_grad()
def classify(
    model: SugarForActionRecognition,
    processor: SugarProcessor,
    skeletons: torch.Tensor | Sequence,
    candidates: Sequence[str] | None = None,
    top_k: int = 5,
) -> list[list[tuple[str, float]]]:
    """Rank candidate action names for each skeleton, best first.

    Args:
        model: a stage-2 :class:`~sugar_hf.modeling_sugar.SugarForActionRecognition`.
        processor: its :class:`~sugar_hf.processing_sugar.SugarProcessor`.
        skeletons: a `(batch, persons, frames, joints, channels)` tensor ready for the model, or raw arrays
            (`(frames, joints, channels)` or `(persons, frames, joints, channels)` each) that the processor
            prepares.
        candidates: a list of action names, including classes never trained on; defaults to
            `config.class_names` (None). They are listed in the instruction, as in training. A plain string, an
            empty list, blank names and duplicates raise (see
            :func:`~sugar_hf.configuration_sugar.check_candidates`).
        top_k: how many `(name, score)` pairs to return per sample (score: the candidate's log-likelihood,
            summed or per token as `config.candidate_scoring` says; for a model with a knowledge prior and
            `prior_weight > 0`, the fused log-score of :func:`fuse_scores` when the prior knows every candidate).
    """
    candidates = _candidates(model, candidates)
    inputs = processor(skeletons=skeletons, candidates=candidates).to(model.device)
    every = score_stage2(model, inputs, processor.candidate_token_ids(candidates), candidates)
    scores = every[pick_scoring(model, every)]
    top = scores.topk(min(top_k, len(candidates)), dim=1)
    return [
        [(candidates[j], float(s)) for s, j in zip(row_scores.tolist(), row_idx.tolist())]
        for row_scores, row_idx in zip(top.values, top.indices)
    ]


@torch.no_grad()
def answer(
    model: SugarForActionRecognition,
    processor: SugarProcessor,
    skeletons: torch.Tensor | Sequence,
    candidates: Sequence[str] | None = None,
    **generate_kwargs: Any,
) -> list[SugarAnswer]:
    """Generate "<action>. <description>" for each skeleton and split it into name and description.

    ``candidates`` default to ``config.class_names``; ``generate_kwargs`` go to
    :meth:`~sugar_hf.modeling_sugar.SugarForActionRecognition.generate` (``pad_token_id`` defaults to the
    processor's tokenizer's).
    """
    if candidates is None:
        candidates = model.config.class_names or None
    inputs = processor(skeletons=skeletons, candidates=candidates).to(model.device)
    generate_kwargs.setdefault("pad_token_id", processor.tokenizer.pad_token_id)
    return processor.decode_answers(model.generate(**inputs, **generate_kwargs))


__all__ = [
    "SCORINGS",
    "answer",
    "bag_scores",
    "candidate_scorings",
    "classify",
    "NAME_PROMPT",
    "default_scoring",
    "embed_texts",
    "fuse_scores",
    "load_processor",
    "name_bags",
    "pick_scoring",
    "rank_baseline",
    "rank_stage1",
    "rank_stage2",
    "score_baseline",
    "score_stage1",
    "score_stage2",
    "top_ids",
]
