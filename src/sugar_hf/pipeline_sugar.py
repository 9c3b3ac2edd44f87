"""``transformers.pipeline("skeleton-action-recognition", ...)``: skeleton clips in, ranked action names out.

>>> from transformers import pipeline
>>> pipe = pipeline("skeleton-action-recognition", model="me/sugar-ntu60")   # with sugar_hf imported
>>> pipe = pipeline("skeleton-action-recognition", model="me/sugar-ntu60", trust_remote_code=True)  # without
>>> pipe("clip.skeleton")                                       # [{"label": ..., "score": ...}, ...] (top 5)
>>> pipe(["a.npy", array], top_k=3, batch_size=2)               # one list per clip
>>> pipe(array, candidate_labels=["wave hand", "salute"])       # zero-shot: any names (SUGAR models)

Works on a stage-2 :class:`~sugar_hf.modeling_sugar.SugarForActionRecognition` (candidates ranked by the LLM's
log-likelihood of each name; ``score`` is the softmax of those log-likelihoods over the candidate list), on a
stage-1 :class:`~sugar_hf.modeling_sugar.SugarSkeletonTextModel` (each candidate's MIL-NCE bag score against its
name prompt, :data:`~sugar_hf.inference.NAME_PROMPT`, embedded by the folder's text encoder and tokenizer; any
names, as ``sugar-hf predict`` without ``--descriptions``) and on the FC baseline
:class:`~sugar_hf.modeling_baseline.SugarForSkeletonClassification` (``score`` is the softmax of its logits over
the candidates, which must be among its classes).

Inputs: a path to any single-clip skeleton file the package reads (``.skeleton``, ``.json``, ``.mat``, ``.npy``,
``.npz``; through :func:`sugar_hf.skeleton.readers.read_skeleton_file`), a NumPy array / tensor
``(frames, joints, channels)`` or ``(persons, frames, joints, channels)`` in the model's joint layout, or a
Python list of those (a batch; a single clip is never given as nested lists). Clips go through the
checkpoint's own preprocessing (the processor's, or for stage 1 and the baseline the
:class:`~sugar_hf.skeleton.pipeline.SkeletonPipeline` of its encoder config), exactly as in evaluation.

The package registers the task with ``transformers.pipelines.PIPELINE_REGISTRY`` when imported, and every
checkpoint (stage 2, stage 1, baseline) names this class in ``config.json`` (``custom_pipelines``) and carries
this file, so
``pipeline(task, model=folder_or_repo, trust_remote_code=True)`` works without the package installed (NumPy
files and arrays then; the other formats need the package's readers).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import numpy as np
import torch
from transformers import Pipeline

from .configuration_sugar import check_candidates
from .inference import name_bags, pick_scoring, score_baseline, score_stage1, score_stage2
from .skeleton.pipeline import SkeletonPipeline

TASK = "skeleton-action-recognition"
_UNSET = object()


def _collate(items: list[dict]) -> dict:
    """Stack the prepared clips of a batch; the per-clip candidate lists stay a list."""
    return {
        "skeleton_values": torch.cat([item["skeleton_values"] for item in items]),
        "candidates": [item["candidates"][0] for item in items],
    }


def _read_numpy(path: str) -> np.ndarray:
    loaded = np.load(path, allow_pickle=False)
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            names = loaded.files
            if "skeleton" in names or len(names) == 1:
                return loaded["skeleton" if "skeleton" in names else names[0]]
            raise ValueError(f"{path}: choose the array: the file holds {names} and none is named 'skeleton'")
    return loaded


class SkeletonActionRecognitionPipeline(Pipeline):
    """Rank action names for skeleton clips with a SUGAR model (stage 2 or 1) or the FC baseline (see the module
    docstring).

    Call arguments:
        inputs: a file path, an array, or a list of them.
        top_k (`int` or `None`, defaults to 5): how many ``{"label", "score"}`` per clip, best first; ``None``
            returns every candidate.
        candidate_labels (`list[str]`, *optional*): the names to rank (zero-shot for SUGAR models); defaults to
            the model's class names. A plain string is refused, never split on commas; an empty list, blank
            names and duplicates are refused too.
        batch_size (`int`): clips per forward pass when ``inputs`` is a list.
    """

    _load_processor = None  # the SugarProcessor when the checkpoint has one (stage 1 and the baseline have none)
    _load_tokenizer = None  # the folder's tokenizer when it has one: stage 1 embeds the candidates' texts with it
    _load_feature_extractor = False
    _load_image_processor = False
    _load_video_processor = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hasattr(self.model, "score_candidates"):
            self.kind = "sugar"
            if self.processor is None:
                raise ValueError(
                    "no SugarProcessor: load the pipeline from a folder that has one (processor_config.json) or pass "
                    "processor=SugarProcessor(...)"
                )
        elif hasattr(self.model, "get_skeleton_features") and hasattr(self.model, "encode_texts"):
            self.kind = "stage1"
            if self.tokenizer is None:
                raise ValueError(
                    "no text tokenizer: a stage-1 model embeds the candidates' texts; load the pipeline from a folder "
                    "that has its tokenizer (tokenizer.json) or pass tokenizer=AutoTokenizer.from_pretrained(...)"
                )
            self._bags: tuple[tuple[str, ...], tuple[torch.Tensor, torch.Tensor]] | None = None
        elif hasattr(self.model, "classifier") and getattr(self.model.config, "encoder_config", None) is not None:
            self.kind = "baseline"
        else:
            raise TypeError(
                f"{type(self.model).__name__} is not a model this pipeline runs: use a stage-2 "
                "SugarForActionRecognition, a stage-1 SugarSkeletonTextModel or a SugarForSkeletonClassification"
            )
        if self.kind != "sugar":
            self.skeleton_pipeline = SkeletonPipeline.from_encoder_config(self.model.config.encoder_config)

    # -- parameters ---------------------------------------------------------------------------------------
    def _sanitize_parameters(self, top_k: Any = _UNSET, candidate_labels: Any = None, **kwargs: Any):
        preprocess, postprocess = {}, {}
        if candidate_labels is not None:
            preprocess["candidate_labels"] = check_candidates(candidate_labels)
        if top_k is not _UNSET:
            if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
                raise ValueError(f"top_k must be a positive int or None (every candidate), got {top_k!r}")
            postprocess["top_k"] = top_k
        return preprocess, {}, postprocess

    @property
    def class_names(self) -> list[str]:
        config = self.model.config
        names = list(getattr(config, "class_names", None) or [])
        if not names and getattr(config, "id2label", None):
            names = [config.id2label[i] for i in sorted(config.id2label)]
        return names

    # -- steps --------------------------------------------------------------------------------------------
    def _read(self, item: Any) -> np.ndarray:
        if isinstance(item, (str, os.PathLike)):
            path = os.fspath(item)
            layout = self.model.config.encoder_config.layout
            try:  # by name: the file readers are the package's, not part of a checkpoint's remote code
                readers = importlib.import_module("sugar_hf.skeleton.readers")
            except ImportError:
                if path.lower().endswith((".npy", ".npz")):
                    return _read_numpy(path)
                raise ImportError(
                    f"{path}: reading this file type needs the sugar-hf package; install it or pass a NumPy array"
                ) from None
            loaded = readers.read_skeleton_file(path, layout=layout)
            return loaded[0] if isinstance(loaded, tuple) else loaded
        if isinstance(item, torch.Tensor):
            return item.detach().cpu().numpy()
        if isinstance(item, np.ndarray):
            return item
        raise TypeError(
            f"a skeleton input is a file path or an array (frames, joints, channels), got {type(item).__name__}"
        )

    def _candidates(self, candidate_labels: list[str] | None) -> list[str]:
        names = self.class_names
        if candidate_labels is None:
            if not names:
                raise ValueError("the model has no class names: pass candidate_labels=[...]")
            return names
        if self.kind == "baseline":
            unknown = [c for c in candidate_labels if c not in names]
            if unknown:
                raise ValueError(
                    f"the FC baseline can only rank the classes it was trained on; {unknown} are not among "
                    f"{names} (zero-shot names need a SUGAR model)"
                )
        return list(candidate_labels)

    def preprocess(self, inputs: Any, candidate_labels: list[str] | None = None) -> dict:
        clip = self._read(inputs)
        if self.kind == "sugar":
            values = self.processor.prepare_skeleton(clip)
        else:
            values = self.skeleton_pipeline(clip, train=False)
        return {
            "skeleton_values": torch.from_numpy(np.ascontiguousarray(values))[None],
            "candidates": [tuple(self._candidates(candidate_labels))],
        }

    def _forward(self, model_inputs: dict) -> dict:
        values = model_inputs["skeleton_values"]
        lists = model_inputs["candidates"]
        if any(c != lists[0] for c in lists):
            raise ValueError("every clip of a batch must share one candidate list")
        candidates = list(lists[0])
        if self.kind == "sugar":
            text = self.processor.text_inputs(values.shape[0], candidates, padding_side="left")
            batch = {"skeleton_values": values, **text}
            every = score_stage2(self.model, {k: v.to(self.device) for k, v in batch.items()},
                                 self.processor.candidate_token_ids(candidates), candidates)  # fmt: skip
            scores = every[pick_scoring(self.model, every)]
        elif self.kind == "stage1":
            texts, index = self._name_bags(tuple(candidates))
            scores = score_stage1(self.model, values.to(self.device), texts, index, len(candidates))
        else:
            index = [self.class_names.index(name) for name in candidates]
            scores = score_baseline(self.model, values.to(self.device), index)
        return {"scores": scores.float().cpu(), "candidates": [tuple(candidates)] * values.shape[0]}

    def _name_bags(self, candidates: tuple[str, ...]) -> tuple[torch.Tensor, torch.Tensor]:
        """Stage 1: the candidates' projected name-prompt texts (:func:`~sugar_hf.inference.name_bags`), kept
        for the next batch with the same candidates."""
        if self._bags is None or self._bags[0] != candidates:
            self._bags = (candidates, name_bags(self.model, self.tokenizer, candidates))
        return self._bags[1]

    def postprocess(self, model_outputs: dict, top_k: int | None = 5) -> list[dict]:
        scores = model_outputs["scores"].reshape(-1)
        names = list(model_outputs["candidates"][0] if isinstance(model_outputs["candidates"], list)
                     else model_outputs["candidates"])  # fmt: skip
        probs = scores.softmax(-1)
        k = len(names) if top_k is None else min(top_k, len(names))
        top = probs.topk(k)
        return [{"label": names[i], "score": float(p)} for p, i in zip(top.values.tolist(), top.indices.tolist())]

    # -- batching and saving ------------------------------------------------------------------------------
    def get_iterator(self, inputs, num_workers: int, batch_size: int, preprocess_params, forward_params,
                     postprocess_params):  # fmt: skip
        """transformers' iterator, with a collate that stacks prepared clips (there is no tokenizer padding)."""
        if batch_size == 1:
            return super().get_iterator(inputs, num_workers, batch_size, preprocess_params, forward_params,
                                        postprocess_params)  # fmt: skip
        from torch.utils.data import DataLoader
        from transformers.pipelines.pt_utils import PipelineDataset, PipelineIterator

        dataset = PipelineDataset(inputs, self.preprocess, preprocess_params)
        loader = DataLoader(dataset, num_workers=num_workers, batch_size=batch_size, collate_fn=_collate)
        model_iterator = PipelineIterator(loader, self.forward, forward_params, loader_batch_size=batch_size)
        return PipelineIterator(model_iterator, self.postprocess, postprocess_params)

    def save_pretrained(self, save_directory: str | os.PathLike, **kwargs: Any) -> None:
        """Save the model and its processor (stage 2) or text tokenizer (stage 1) with this pipeline's code: the
        model's ``save_pretrained`` writes it (also from a remote-code copy), so the folder loads with
        ``pipeline(task, model=folder, trust_remote_code=True)``."""
        self.model.save_pretrained(save_directory, **kwargs)
        if self.processor is not None:
            self.processor.save_pretrained(save_directory)
        elif self.kind == "stage1":
            self.tokenizer.save_pretrained(save_directory)


__all__ = ["TASK", "SkeletonActionRecognitionPipeline"]
