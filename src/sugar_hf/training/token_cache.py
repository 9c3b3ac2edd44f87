"""Encoder-token cache for stage 2: the frozen encoder runs once per clip view, not once per step.

Stage 2 freezes the skeleton encoder, so its token sequence for a given clip view never changes. The cache
holds ``num_views`` seeded training views per clip (view ``k`` of clip ``i`` uses the augmentation RNG of
``SeededView`` at epoch ``k``, so a cached run sees exactly the crops and rotations an uncached run sees in
its first ``num_views`` epochs) and the evaluation view of every evaluation clip. Epoch ``e`` of training
reads view ``e % num_views``.

The file is keyed by a hash of everything that decides the tokens: the encoder's weights and config, the
preprocessing (``view_kwargs``), the seed, the view count and the datasets' fingerprints; a changed encoder or
preprocessing never reuses stale tokens (a new key means a new file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

logger = logging.getLogger(__name__)
CACHE_VERSION = 1


@dataclass
class EncoderTokenCache:
    """Cached encoder outputs.

    Attributes:
        train_tokens: ``(num_views, num_train, tokens, hidden)`` float tensor.
        train_labels: ``(num_train,)`` class ids.
        eval_tokens: ``(num_eval, tokens, hidden)`` or ``None``.
        eval_labels: ``(num_eval,)`` or ``None``.
        key: the hash the file is named by.
    """

    train_tokens: torch.Tensor
    train_labels: torch.Tensor
    eval_tokens: torch.Tensor | None
    eval_labels: torch.Tensor | None
    key: str

    @property
    def num_views(self) -> int:
        return self.train_tokens.shape[0]


def _fingerprint(dataset) -> str:
    if dataset is None:
        return "none"
    fingerprint = getattr(dataset, "_fingerprint", None)
    return f"{fingerprint}:{len(dataset)}" if fingerprint else f"len{len(dataset)}"


def cache_key(
    encoder: torch.nn.Module, view_kwargs: dict, seed: int, num_views: int, train_ds, eval_ds
) -> str:
    """SHA-256 over the encoder weights and config, the preprocessing, the seed, the views and the data."""
    digest = hashlib.sha256()
    digest.update(f"v{CACHE_VERSION}".encode())
    for name, tensor in sorted(encoder.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().float().numpy().tobytes())
    config = getattr(encoder, "config", None)
    if config is not None:
        digest.update(config.to_json_string(use_diff=False).encode())
    described = {
        k: (v if isinstance(v, (int, float, str, bool, type(None))) else repr(v))
        for k, v in view_kwargs.items()
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    digest.update(f"{seed}:{num_views}:{_fingerprint(train_ds)}:{_fingerprint(eval_ds)}".encode())
    return digest.hexdigest()[:20]


@torch.no_grad()
def _encode(encoder, items: list[np.ndarray], batch_size: int, device) -> torch.Tensor:
    out = []
    dtype = next(encoder.parameters()).dtype
    for start in range(0, len(items), batch_size):
        batch = torch.from_numpy(np.stack(items[start : start + batch_size])).to(device=device, dtype=dtype)
        out.append(encoder(batch).last_hidden_state.float().cpu())
    return torch.cat(out)


def build_token_cache(
    encoder: torch.nn.Module,
    train_view,
    eval_view,
    *,
    num_views: int,
    key: str,
    cache_dir: str | os.PathLike | None = None,
    batch_size: int = 64,
) -> EncoderTokenCache:
    """Encode ``num_views`` seeded views of every training clip and the eval view of every eval clip.

    Args:
        encoder: the frozen :class:`~sugar_hf.modeling_sugar.SugarSkeletonEncoder` (put in eval mode here).
        train_view: a :class:`~sugar_hf.training.data.SeededView` over the training split (``set_epoch(k)``
            selects view ``k``).
        eval_view: the evaluation :class:`~sugar_hf.data.SkeletonTorchDataset`, or ``None``.
        key: from :func:`cache_key`; with ``cache_dir`` the cache is read from / written to
            ``<cache_dir>/encoder_tokens_<key>.safetensors``.
    """
    path = Path(cache_dir) / f"encoder_tokens_{key}.safetensors" if cache_dir else None
    if path is not None and path.exists():
        return _load_cache(path, key)
    cache = _encode_cache(encoder, train_view, eval_view, num_views, key, batch_size)
    if path is not None:
        _save_cache(cache, path, num_views)
    return cache


def _load_cache(path: Path, key: str) -> EncoderTokenCache:
    """The cache stored in ``path`` (written by :func:`_save_cache`)."""
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    logger.info("encoder-token cache: loaded %s", path)
    return EncoderTokenCache(tensors["train_tokens"], tensors["train_labels"], tensors.get("eval_tokens"),
                             tensors.get("eval_labels"), key)  # fmt: skip


def _encode_cache(
    encoder: torch.nn.Module, train_view, eval_view, num_views: int, key: str, batch_size: int
) -> EncoderTokenCache:
    """Encode ``num_views`` training views and the eval view in eval mode, then restore the encoder's mode."""
    was_training = encoder.training
    encoder.eval()
    device = next(encoder.parameters()).device
    views, labels = [], None
    for k in range(num_views):
        train_view.set_epoch(k)
        tokens, labels = _encode_view(encoder, train_view, batch_size, device)
        views.append(tokens)
    train_view.set_epoch(0)
    eval_tokens = eval_labels = None
    if eval_view is not None and len(eval_view):
        eval_tokens, eval_labels = _encode_view(encoder, eval_view, batch_size, device)
    encoder.train(was_training)
    return EncoderTokenCache(torch.stack(views), labels, eval_tokens, eval_labels, key)


def _encode_view(encoder, view, batch_size: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """``(tokens, labels)`` of every item of ``view`` as it stands (its current epoch)."""
    items = [view[i] for i in range(len(view))]
    tokens = _encode(encoder, [it["skeleton"] for it in items], batch_size, device)
    return tokens, torch.tensor([int(it["label"]) for it in items], dtype=torch.long)


def _save_cache(cache: EncoderTokenCache, path: Path, num_views: int) -> None:
    """Write ``cache`` to ``path`` atomically (a temporary file renamed into place)."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {"train_tokens": cache.train_tokens.contiguous(), "train_labels": cache.train_labels}
    if cache.eval_tokens is not None:
        tensors.update(eval_tokens=cache.eval_tokens.contiguous(), eval_labels=cache.eval_labels)
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp), metadata={"key": cache.key, "version": str(CACHE_VERSION)})
    os.replace(tmp, path)  # never a half-written cache under the final name
    logger.info(
        "encoder-token cache: wrote %s (%d views x %d clips)", path, num_views, len(cache.train_labels)
    )


class CachedTokenView:
    """Training items from the cache: clip ``i`` in epoch ``e`` is cached view ``e % num_views``.

    Items are ``{"encoder_tokens": (tokens, hidden), "label": int}``; it has ``set_epoch`` like ``SeededView``.
    """

    def __init__(self, cache: EncoderTokenCache) -> None:
        self.cache = cache
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.cache.train_tokens.shape[1]

    def __getitem__(self, index: int) -> dict:
        view = self.epoch % self.cache.num_views
        return {"encoder_tokens": self.cache.train_tokens[view, int(index)],
                "label": int(self.cache.train_labels[int(index)])}  # fmt: skip


class CachedSugarCollator:
    """Stage-2 batches from cached items: ``encoder_tokens`` stacked, prompts and answers from the processor.

    The text side is the same as :class:`~sugar_hf.data.collator.SugarCollator`'s (it formats the answers);
    the skeleton side is the cached encoder output instead of ``skeleton_values``.
    """

    def __init__(self, text_collator) -> None:
        self.text_collator = text_collator

    def __call__(self, items) -> dict:
        labels = [int(item["label"]) for item in items]
        collator = self.text_collator
        batch = collator.processor.text_inputs(
            len(items),
            candidates=collator.candidates_for(labels),
            answers=[collator.answer(label) for label in labels] if collator.with_answers else None,
        )
        batch["encoder_tokens"] = torch.stack([torch.as_tensor(item["encoder_tokens"]) for item in items])
        if collator.return_class_ids:
            batch["class_ids"] = torch.tensor(labels, dtype=torch.long)
        return batch
