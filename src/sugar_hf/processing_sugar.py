"""SugarProcessor: raw skeleton arrays + instruction + tokenizer -> model inputs, and answers back to names.

Skeletons go through the :class:`~sugar_hf.skeleton.pipeline.SkeletonPipeline` the model was trained with
(evaluation mode): centred on the layout's centre joint, optionally view-aligned, the centred
``test_crop_ratio`` crop resized to the model's frame count, the model's stream (joint / bone / motion /
bone_motion), padded/trimmed to its person count: exactly what the evaluation dataset view produces.

The instruction's ``<action>`` placeholder becomes ``num_action_tokens`` positions with the (negative)
``action_token_id`` that the model fills with skeleton tokens; answers, when given, are appended and are the
only tokens with labels.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import BatchFeature, ProcessorMixin

from .configuration_sugar import ACTION_PLACEHOLDER, DEFAULT_INSTRUCTION, SugarConfig, check_candidates
from .skeleton.pipeline import SkeletonPipeline

IGNORE_INDEX = -100


@dataclass
class SugarAnswer:
    """One generated answer: the action name and its short description (built by
    :meth:`SugarProcessor.decode_answers`)."""

    action: str
    description: str
    text: str


def format_answer(action: str, description: str | None = None) -> str:
    """The answer the LLM learns: ``"<action>."`` or ``"<action>. <description>"``."""
    action = action.strip()
    return f"{action}. {description.strip()}" if description else f"{action}."


class SugarProcessor(ProcessorMixin):
    """Prepare skeletons and prompts for :class:`SugarForActionRecognition`.

    Args:
        tokenizer: The LLM's tokenizer.
        layout: Skeleton layout name or dict (joint order of the arrays it receives).
        num_frames / num_persons / in_channels: The encoder's input size.
        num_action_tokens: Skeleton tokens the projector emits (the placeholder is expanded to this many).
        action_token_id: Negative id marking those positions.
        instruction_template: Prompt with ``<action>`` and ``{candidates}``.
        use_chat_template: Wrap the instruction in the tokenizer's chat template when it has one.
        align_view: Rotate each clip to a canonical view (spine up, shoulders along x) after centring.
        class_names: Default candidates when none are passed.
        stream: The encoder's input stream: ``"joint"``, ``"bone"``, ``"motion"`` or ``"bone_motion"``.
        center: Centre each clip on the layout's centre joint (first body, first valid frame).
        test_crop_ratio: Centred fraction of the valid frames kept before resizing to ``num_frames``.
        coordinate_channels: Leading channels that are positions (``None``: the first three); the rest, e.g.
            keypoint confidence, are kept as values.

    The preprocessing fields (``layout``, sizes, ``stream``, ``center``, ``test_crop_ratio``, ``align_view``,
    ``coordinate_channels``)
    are saved in ``processor_config.json``; :meth:`from_config` takes them from the model's encoder config.
    Processor folders saved before ``stream`` / ``center`` / ``test_crop_ratio`` existed load with the
    defaults (joints, centred, 0.95).
    """

    tokenizer_class = "AutoTokenizer"

    def __init__(
        self,
        tokenizer=None,
        layout: str | Mapping = "ntu25",
        num_frames: int = 64,
        num_persons: int = 2,
        in_channels: int = 3,
        num_action_tokens: int = 128,
        action_token_id: int = -200,
        instruction_template: str = DEFAULT_INSTRUCTION,
        use_chat_template: bool = True,
        align_view: bool = False,
        class_names: Sequence[str] | None = None,
        chat_template: str | None = None,
        stream: str = "joint",
        center: bool = True,
        test_crop_ratio: float = 0.95,
        coordinate_channels: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.layout = dict(layout) if isinstance(layout, Mapping) else layout
        self.num_frames = num_frames
        self.num_persons = num_persons
        self.in_channels = in_channels
        self.num_action_tokens = num_action_tokens
        self.action_token_id = action_token_id
        self.instruction_template = instruction_template
        self.use_chat_template = use_chat_template
        self.align_view = align_view
        self.class_names = list(class_names or [])
        self.stream = stream
        self.center = center
        self.test_crop_ratio = test_crop_ratio
        self.coordinate_channels = coordinate_channels
        _ = self.pipeline  # validate the preprocessing fields now, not at the first clip
        super().__init__(tokenizer, chat_template=chat_template)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    @classmethod
    def from_config(cls, tokenizer, config: SugarConfig, align_view: bool | None = None) -> SugarProcessor:
        """A processor matching a model config: layout, sizes and preprocessing (stream, centring, test crop,
        view alignment) from ``config.encoder_config``; prompt and classes from ``config``. ``align_view``
        overrides the encoder config's when given."""
        enc = config.encoder_config
        return cls(
            tokenizer,
            layout=enc.layout,
            num_frames=enc.num_frames,
            num_persons=enc.num_persons,
            in_channels=enc.in_channels,
            num_action_tokens=config.num_action_tokens,
            action_token_id=config.action_token_id,
            instruction_template=config.instruction_template,
            use_chat_template=config.use_chat_template,
            align_view=getattr(enc, "align_view", False) if align_view is None else align_view,
            class_names=config.class_names,
            stream=getattr(enc, "stream", "joint"),
            center=getattr(enc, "center", True),
            test_crop_ratio=getattr(enc, "test_crop_ratio", 0.95),
            coordinate_channels=getattr(enc, "coordinate_channels", None),
        )

    # -- skeletons ----------------------------------------------------------------------------------------
    @property
    def pipeline(self) -> SkeletonPipeline:
        """The evaluation-mode pipeline of the current settings (the dataset view runs the same one)."""
        return SkeletonPipeline(
            layout=self.layout, num_frames=self.num_frames, num_persons=self.num_persons,
            in_channels=self.in_channels, stream=self.stream, center=self.center, align_view=self.align_view,
            test_crop_ratio=self.test_crop_ratio, coordinate_channels=getattr(self, "coordinate_channels", None),
        )  # fmt: skip

    def prepare_skeleton(self, skeleton: np.ndarray | torch.Tensor) -> np.ndarray:
        """One raw clip ``(frames, joints, channels)`` or ``(persons, frames, joints, channels)`` ->
        float32 ``(M, T, V, C)`` through :attr:`pipeline` (evaluation mode: no randomness)."""
        if isinstance(skeleton, torch.Tensor):
            skeleton = skeleton.detach().cpu().numpy()
        return self.pipeline(skeleton, train=False)

    def prepare_skeletons(self, skeletons: torch.Tensor | Sequence) -> torch.Tensor:
        """A batch tensor ``(batch, M, T, V, C)``; a 5-D tensor is taken as already prepared (e.g. a batch of
        dataset-view items, which ran the same pipeline) and passed through unchanged."""
        if isinstance(skeletons, torch.Tensor) and skeletons.dim() == 5:
            return skeletons.float()
        if isinstance(skeletons, (np.ndarray, torch.Tensor)) and skeletons.ndim in (3, 4):
            skeletons = [skeletons]
        return torch.from_numpy(np.stack([self.prepare_skeleton(s) for s in skeletons]))

    # -- text ---------------------------------------------------------------------------------------------
    def build_prompt(self, candidates: Sequence[str]) -> str:
        """The instruction text (chat-templated when configured), still holding one ``<action>``."""
        instruction = self.instruction_template.replace("{candidates}", ", ".join(candidates))
        tok = self.tokenizer
        if self.use_chat_template and getattr(tok, "chat_template", None):
            return tok.apply_chat_template(
                [{"role": "user", "content": instruction}], tokenize=False, add_generation_prompt=True
            )
        return f"{instruction}\nAnswer: "

    def _encode(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def prompt_token_ids(self, candidates: Sequence[str]) -> list[int]:
        """Prompt ids with the placeholder expanded to ``num_action_tokens`` copies of ``action_token_id``."""
        before, after = self.build_prompt(candidates).split(ACTION_PLACEHOLDER)
        ids = self._encode(before) + [self.action_token_id] * self.num_action_tokens + self._encode(after)
        bos = self.tokenizer.bos_token_id
        if bos is not None and getattr(self.tokenizer, "add_bos_token", False) and (not ids or ids[0] != bos):
            ids = [bos] + ids
        return ids

    def answer_token_ids(self, answer: str) -> list[int]:
        """Answer ids followed by EOS, so the model learns where to stop."""
        return self._encode(answer) + [self.tokenizer.eos_token_id]

    def candidate_token_ids(self, candidates: Sequence[str]) -> list[list[int]]:
        """What :func:`sugar_hf.inference.classify` scores per candidate: the tokens of ``"<name>."``."""
        return [self._encode(format_answer(name)) for name in candidates]

    def __call__(
        self,
        skeletons: torch.Tensor | Sequence | None = None,
        candidates: Sequence[str] | Sequence[Sequence[str]] | None = None,
        answers: Sequence[str] | None = None,
        return_tensors: str = "pt",
        padding_side: str | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Build ``skeleton_values``, ``input_ids``, ``attention_mask`` and, with ``answers``, ``labels``, as a
        ``BatchFeature`` (``.to(device)``, attribute access, ``model(**inputs)``).

        Args:
            skeletons: raw clips (a list of arrays) or a prepared `(batch, M, T, V, C)` tensor.
            candidates: one list of action names for all samples, or one list per sample; defaults to the
                processor's class names. A plain string, an empty list, blank names and duplicates are
                errors (see :func:`~sugar_hf.configuration_sugar.check_candidates`).
            answers: target answers (e.g. ``format_answer(name, description)``), one per sample, for training.
            padding_side: ``"right"`` for training (default with answers), ``"left"`` for generation/ranking.
        """
        if return_tensors != "pt":
            raise ValueError("SugarProcessor returns PyTorch tensors only (return_tensors='pt')")
        if skeletons is None:
            raise ValueError("skeletons are required")
        skeleton_values = self.prepare_skeletons(skeletons)
        text = self.text_inputs(skeleton_values.shape[0], candidates, answers, padding_side)
        return BatchFeature(data={"skeleton_values": skeleton_values, **text})

    def text_inputs(
        self,
        batch: int,
        candidates: Sequence[str] | Sequence[Sequence[str]] | None = None,
        answers: Sequence[str] | None = None,
        padding_side: str | None = None,
    ) -> dict[str, torch.Tensor]:
        """The text side of :meth:`__call__` for ``batch`` clips: ``input_ids``, ``attention_mask`` (and
        ``labels`` with ``answers``); for inputs whose skeleton side is precomputed (an encoder-token cache)."""
        per_sample = self.candidate_lists(candidates, batch)
        if len(per_sample) != batch:
            raise ValueError(f"{len(per_sample)} candidate lists for {batch} skeletons")
        if answers is not None and len(answers) != batch:
            raise ValueError(f"{len(answers)} answers for {batch} skeletons")
        padding_side = padding_side or ("right" if answers is not None else "left")

        prompt_cache: dict[tuple[str, ...], list[int]] = {}
        sequences, label_rows = [], []
        for i in range(batch):
            key = tuple(per_sample[i])
            if key not in prompt_cache:
                prompt_cache[key] = self.prompt_token_ids(key)
            prompt = prompt_cache[key]
            if answers is None:
                sequences.append(prompt)
                label_rows.append(None)
            else:
                answer = self.answer_token_ids(answers[i])
                sequences.append(prompt + answer)
                label_rows.append([IGNORE_INDEX] * len(prompt) + answer)

        length = max(len(s) for s in sequences)
        pad = self.tokenizer.pad_token_id
        input_ids = torch.full((batch, length), pad, dtype=torch.long)
        attention_mask = torch.zeros((batch, length), dtype=torch.long)
        labels = torch.full((batch, length), IGNORE_INDEX, dtype=torch.long)
        for i, seq in enumerate(sequences):
            span = slice(length - len(seq), length) if padding_side == "left" else slice(0, len(seq))
            input_ids[i, span] = torch.tensor(seq)
            attention_mask[i, span] = 1
            if label_rows[i] is not None:
                labels[i, span] = torch.tensor(label_rows[i])
        out = {"input_ids": input_ids, "attention_mask": attention_mask}
        if answers is not None:
            out["labels"] = labels
        return out

    def candidate_lists(
        self, candidates: Sequence[str] | Sequence[Sequence[str]] | None, batch: int
    ) -> list[list[str]]:
        """One checked candidate list per sample: ``None`` -> the class names; a list of names -> that list for
        every sample; a list of lists -> one per sample."""
        if candidates is None:
            if not self.class_names:
                raise ValueError("no candidates: pass candidates=[...] or set class_names")
            candidates = self.class_names
        if isinstance(candidates, (str, bytes)) or not len(candidates):
            check_candidates(candidates)  # raises the explanatory error
        items = list(candidates)
        if all(isinstance(c, str) for c in items):
            return [check_candidates(items)] * batch
        if any(isinstance(c, (str, bytes)) for c in items):
            raise TypeError("candidates mixes names and lists: pass one list of names, or one list per sample")
        return [check_candidates(c) for c in items]

    # -- saving -------------------------------------------------------------------------------------------
    def save_pretrained(self, save_directory: str | os.PathLike, push_to_hub: bool = False, **kwargs: Any):
        """Save the processor and, from the installed package, the remote code that lets
        ``AutoProcessor.from_pretrained(folder, trust_remote_code=True)`` load it without the package
        (``auto_map`` in ``processor_config.json``)."""
        remote = _remote_code()
        if remote is not None:
            self.auto_map = {"AutoProcessor": remote.PROCESSOR_CLASS}
        try:
            files = super().save_pretrained(save_directory, **kwargs)
        finally:
            self.__dict__.pop("auto_map", None)
        if remote is not None:
            remote.write_remote_code(save_directory)
        if push_to_hub:  # after the remote code is written, so the upload has it
            from huggingface_hub import create_repo

            commit_message = kwargs.pop("commit_message", None)
            repo_id = kwargs.pop("repo_id", str(save_directory).rstrip(os.sep).split(os.sep)[-1])
            repo_id = create_repo(repo_id, exist_ok=True, token=kwargs.get("token"),
                                  private=kwargs.get("private")).repo_id  # fmt: skip
            self._upload_modified_files(save_directory, repo_id, {}, commit_message=commit_message,
                                        token=kwargs.get("token"))  # fmt: skip
        return files

    # -- decoding -----------------------------------------------------------------------------------------
    def decode_answers(self, token_ids: torch.Tensor) -> list[SugarAnswer]:
        """Generated ids -> ``SugarAnswer(action, description, text)`` per sample (split at the first period)."""
        answers = []
        for text in self.tokenizer.batch_decode(token_ids, skip_special_tokens=True):
            text = text.strip()
            action, _, description = text.partition(".")
            answers.append(SugarAnswer(action=action.strip(), description=description.strip(), text=text))
        return answers


def _remote_code():
    """The package's remote-code writer, or None in a checkpoint's own copy of this module (it carries no
    package sources to copy)."""
    if __name__.partition(".")[0] != "sugar_hf":
        return None
    return importlib.import_module("sugar_hf.remote_code")


__all__ = ["IGNORE_INDEX", "SugarAnswer", "SugarProcessor", "format_answer"]
