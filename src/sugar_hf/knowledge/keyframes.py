"""Key frames for the visual prompt: the N frames of a clip that are most unlike each other under an image
encoder (CLIP in the paper; any Hugging Face vision model), chosen by greedy farthest-point sampling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch


def farthest_point_indices(
    embeddings: torch.Tensor, k: int, *, metric: str = "cosine", sort: bool = True
) -> list[int]:
    """Greedy farthest-point selection of ``k`` rows of ``embeddings`` (shape ``(num_frames, dim)``).

    The first two picks are the most dissimilar pair of frames; each further pick is the frame whose
    distance to its nearest already-picked frame is largest (ties go to the earliest frame). With ``k == 1``
    the frame closest to the mean embedding (the most typical frame) is returned. ``metric`` is
    ``"cosine"`` (1 - cosine similarity) or ``"euclidean"``. Returns indices in time order when ``sort``,
    otherwise in pick order. ``k >= num_frames`` returns every frame.
    """
    x = embeddings.detach().float()
    if x.ndim != 2:
        raise ValueError(f"embeddings must be (num_frames, dim), got {tuple(x.shape)}")
    n = x.shape[0]
    if k <= 0 or n == 0:
        return []
    if k >= n:
        return list(range(n))
    if metric == "cosine":
        x = torch.nn.functional.normalize(x, dim=-1)
        dist = (1 - x @ x.T).clamp_min(0)
    elif metric == "euclidean":
        dist = torch.cdist(x, x)
    else:
        raise ValueError("metric must be 'cosine' or 'euclidean'")
    if k == 1:
        return [int(((x - x.mean(0)) ** 2).sum(-1).argmin())]
    flat = int(dist.flatten().argmax())  # first maximum in row-major order: earliest pair on ties
    picks = sorted((flat // n, flat % n))
    nearest = torch.minimum(dist[picks[0]], dist[picks[1]])
    while len(picks) < k:
        nearest[picks] = -1
        nxt = int(nearest.argmax())
        picks.append(nxt)
        nearest = torch.minimum(nearest, dist[nxt])
    return sorted(picks) if sort else picks


@torch.no_grad()
def embed_frames(
    frames: Sequence[Any], model: Any, processor: Any = None, *, batch_size: int = 16
) -> torch.Tensor:
    """Image embeddings ``(num_frames, dim)`` of ``frames`` (PIL images, (H, W, 3) arrays, or a ready
    ``pixel_values`` tensor of shape (num_frames, 3, H, W) when ``processor`` is None).

    Uses ``get_image_features`` (``CLIPModel``, ``SiglipModel``), else ``image_embeds`` (``*WithProjection``),
    else ``pooler_output``, else the mean of ``last_hidden_state``.
    """
    if processor is None:
        if not isinstance(frames, torch.Tensor):
            raise ValueError("without a processor, frames must be a pixel_values tensor (N, 3, H, W)")
        batches = list(frames.split(batch_size))
    else:
        batches = [
            processor(images=list(frames[i : i + batch_size]), return_tensors="pt")["pixel_values"]
            for i in range(0, len(frames), batch_size)
        ]
    model.eval()
    device = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    out = []
    for pixel_values in batches:
        pixel_values = pixel_values.to(device=device, dtype=dtype)
        if hasattr(model, "get_image_features"):
            emb = model.get_image_features(pixel_values=pixel_values)
            emb = getattr(emb, "pooler_output", emb)
        else:
            result = model(pixel_values=pixel_values)
            emb = getattr(result, "image_embeds", None)
            if emb is None:
                emb = getattr(result, "pooler_output", None)
            if emb is None:
                emb = result.last_hidden_state.mean(1)
        out.append(emb.float().reshape(emb.shape[0], -1).cpu())
    return torch.cat(out)


def select_keyframes(
    frames: Sequence[Any],
    k: int = 4,
    *,
    model: Any = None,
    processor: Any = None,
    model_name_or_path: str = "openai/clip-vit-base-patch32",
    batch_size: int = 16,
) -> list[int]:
    """Indices (time order) of the ``k`` most mutually dissimilar frames of a clip.

    Give a loaded vision ``model`` (+ ``processor``), or a Hub id / folder to load with ``AutoModel`` /
    ``AutoImageProcessor`` (CLIP ViT-B/32 by default, as in the paper).
    """
    if model is None:
        from transformers import AutoImageProcessor, AutoModel

        model = AutoModel.from_pretrained(model_name_or_path)
        processor = AutoImageProcessor.from_pretrained(model_name_or_path)
    return farthest_point_indices(embed_frames(frames, model, processor, batch_size=batch_size), k)
