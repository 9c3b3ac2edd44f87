"""``sugar-hf quickstart``: SUGAR end to end on the demo corpus, offline, in minutes on a laptop CPU.

1. generate the demo corpus (seen classes split by subject, unseen classes held out) and its class texts;
2. stage 1: MIL-NCE between the CTR-GCN encoder and MiniLM embeddings of the texts, with GAP's cross-entropy
   head as an auxiliary loss (``stage1_objective="mil_nce+ce"``; :func:`sugar_hf.training.train`, ``stage="1"``);
3. stage 2: frozen encoder -> TQP -> SmolLM2-135M with LoRA (``stage="2"``): the encoder's tokens cached, the
   projector aligned to the LLM's name embeddings, then one LoRA epoch answering the class name; the model keeps
   stage 1's skeleton-text head as a knowledge prior (``knowledge_prior``), fused into the ranking with a weight
   chosen on the training clips; evaluated by ranking the seen class names on the test subjects;
4. reload the checkpoint with ``AutoModel.from_pretrained`` and rank the unseen class names (zero-shot: the prior
   knows them from their descriptions);
5. write the model card, a confusion matrix and a skeleton animation.

Every number printed or written comes from this run.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .corpus import make_demo_corpus


@dataclass
class QuickstartSettings:
    """Sizes of a quickstart run; the defaults finish in well under 15 minutes on 2 CPU cores.

    ``model_config`` / ``tokenizer`` replace the embedded SmolLM2 + MiniLM with another SugarConfig (folder or
    JSON) and tokenizer, e.g. tiny random models for tests.
    """

    output_dir: str = "sugar_quickstart"
    seed: int = 0
    num_subjects: int = 10
    test_subjects: int = 3
    repetitions: int = 4
    unseen_repetitions: int = 3
    num_frames: int = 32
    num_persons: int = 1
    base_channels: int = 16
    num_segments: int = 2
    num_queries: int = 16
    lora_r: int = 64
    lora_alpha: int = 16
    stage1_epochs: float = 15.0
    stage1_batch_size: int = 16
    stage1_learning_rate: float = 0.05
    stage2_epochs: float = 1.0
    stage2_batch_size: int = 8
    stage2_learning_rate: float = 1e-3
    stage2_projector_learning_rate: float = 3e-4
    align_steps: int = 300
    stage1_objective: str = "mil_nce+ce"
    knowledge_prior: bool = True
    token_cache_views: int = 4
    answer_description: bool = False
    mixed_precision: str = "auto"
    eval_batch_size: int = 16
    model_config: str | None = None
    tokenizer: str | None = None
    progress: bool = True


@dataclass
class QuickstartResult:
    """What a run measured and where it wrote."""

    metrics: dict[str, float]
    paths: dict[str, str]
    examples: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        m, s = self.metrics, self.seconds
        lines = [
            "SUGAR quickstart on the generated demo corpus",
            f"  seen classes, test subjects: top-1 {m['seen_top1']:.1%}  top-5 {m['seen_top5']:.1%}  "
            f"mean per-class {m['seen_mean_class']:.1%}  ({m['seen_samples']:.0f} clips, "
            f"{m['seen_classes']:.0f} candidates)",
            f"  zero-shot, unseen classes: top-1 {m['zeroshot_top1']:.1%}  ({m['unseen_samples']:.0f} clips, "
            f"{m['unseen_classes']:.0f} candidates; chance {1 / m['unseen_classes']:.1%})",
            f"  generalised (all {m['all_classes']:.0f} classes as candidates) on the unseen clips: "
            f"top-1 {m['generalised_top1']:.1%}  top-5 {m['generalised_top5']:.1%}",
            f"  stage 1 (MIL-NCE, test subjects): top-1 {m['stage1_top1']:.1%}",
            "  generated answers:",
            *(f"    [{e['true']}] -> {e['answer']!r}" for e in self.examples),
            f"  time: {' + '.join(f'{k} {v:.0f}s' for k, v in s.items())}",
            "  wrote:",
            *(f"    {k:<17} {v}" for k, v in self.paths.items()),
        ]
        return "\n".join(lines)


def _stage_args(
    settings: QuickstartSettings, stage: str, out: Path, data: Path, descriptions: str, **model: Any
):
    from ..training.arguments import DataArguments, ModelArguments, SugarTrainingArguments

    model_args = ModelArguments(
        model_config=settings.model_config, tokenizer=settings.tokenizer, num_segments=settings.num_segments,
        num_queries=settings.num_queries, base_channels=settings.base_channels, lora_r=settings.lora_r,
        lora_alpha=settings.lora_alpha, stage1_objective=settings.stage1_objective,
        knowledge_prior=settings.knowledge_prior and stage == "2", **model,
    )  # fmt: skip
    data_args = DataArguments(dataset=str(data), descriptions=descriptions, num_frames=settings.num_frames,
                              num_persons=settings.num_persons, num_visual_texts=2,
                              answer_description=settings.answer_description)  # fmt: skip
    if stage == "1":
        epochs, batch, lr, optimizer = (settings.stage1_epochs, settings.stage1_batch_size,
                                        settings.stage1_learning_rate, "sgd")  # fmt: skip
        decay = [0.6 * epochs, 0.85 * epochs]
    else:
        epochs, batch, lr, optimizer = (settings.stage2_epochs, settings.stage2_batch_size,
                                        settings.stage2_learning_rate, "adamw")  # fmt: skip
        decay = [0.75 * epochs]
    stage2 = {}
    if stage == "2":  # the stage-2 recipe: cached encoder tokens, projector alignment, then LoRA (cosine)
        stage2 = dict(projector_learning_rate=settings.stage2_projector_learning_rate, warmup_ratio=0.05,
                      align_steps=settings.align_steps, token_cache_views=settings.token_cache_views,
                      token_cache_dir=str(out.parent / "token_cache"))  # fmt: skip
    train_args = SugarTrainingArguments(
        stage=stage, output_dir=str(out), seed=settings.seed, num_train_epochs=epochs,
        per_device_train_batch_size=batch, per_device_eval_batch_size=settings.eval_batch_size,
        optimizer=optimizer, learning_rate=lr, lr_decay_epochs=decay, mixed_precision=settings.mixed_precision,
        save_steps=0, logging_steps=5, disable_tqdm=not settings.progress, **stage2,
    )  # fmt: skip
    return model_args, data_args, train_args


def _ranked_ids(model, processor, clips, candidates: list[str], batch_size: int, k: int, progress: bool,
                desc: str):  # fmt: skip
    from tqdm.auto import tqdm

    from ..inference import classify

    index = {name: i for i, name in enumerate(candidates)}
    ranked = []
    for start in tqdm(range(0, len(clips), batch_size), desc=desc, disable=not progress):
        batch = [c.skeleton for c in clips[start : start + batch_size]]
        for row in classify(model, processor, batch, candidates=candidates, top_k=k):
            ranked.append([index[name] for name, _ in row])
    return ranked


@contextlib.contextmanager
def _timed(seconds: dict[str, float], name: str):
    """Add the seconds the block takes to ``seconds[name]``."""
    start = time.perf_counter()
    yield
    seconds[name] = time.perf_counter() - start


def _write_corpus(settings: QuickstartSettings, out: Path):
    """``(corpus, dataset folder, descriptions file)``: the demo corpus generated and saved under ``out``."""
    corpus = make_demo_corpus(settings.seed, settings.num_subjects, settings.test_subjects, settings.repetitions,
                              settings.unseen_repetitions, progress=settings.progress)  # fmt: skip
    data_dir = out / "demo_corpus"
    corpus.to_dataset_dict().save_to_disk(str(data_dir))
    descriptions = corpus.write_descriptions(data_dir / "descriptions.jsonl")
    return corpus, data_dir, descriptions


def _rank_unseen(model, processor, corpus, settings: QuickstartSettings) -> tuple[dict, dict]:
    """``(zero-shot metrics, generalised metrics)`` on the unseen clips: ranking the unseen names only, then
    all names (seen first)."""
    from ..metrics import action_recognition_metrics

    seen, unseen = corpus.seen_classes, corpus.unseen_classes
    every = seen + unseen
    bs = settings.eval_batch_size
    zero = _ranked_ids(model, processor, corpus.unseen, unseen, bs, 5, settings.progress, "zero-shot")
    zero_metrics = action_recognition_metrics(zero, [c.label for c in corpus.unseen], len(unseen), top_k=(1,))
    general = _ranked_ids(model, processor, corpus.unseen, every, bs, 5, settings.progress, "generalised")
    general_metrics = action_recognition_metrics(
        general, [len(seen) + c.label for c in corpus.unseen], len(every)
    )
    return zero_metrics, general_metrics


def _example_answers(model, processor, corpus) -> list[dict[str, Any]]:
    """The generated answers for three test clips (spread over the split) and one unseen clip."""
    from ..inference import answer as generate_answer

    examples = []
    picks = [corpus.test[i] for i in np.linspace(0, len(corpus.test) - 1, 3).astype(int)] + corpus.unseen[:1]
    for clip, answer in zip(picks, generate_answer(model, processor, [c.skeleton for c in picks], max_new_tokens=32)):
        examples.append({"true": clip.action, "answer": answer.text, "action": answer.action})
    return examples


def _write_figures(out: Path, corpus, seen_eval: dict, zero_metrics: dict) -> dict[str, str]:
    """The seen and zero-shot confusion matrices and a test clip's animation; their paths by name."""
    from ..metrics import plot_confusion_matrix
    from .figures import animate_skeleton

    seen_png = plot_confusion_matrix(seen_eval["confusion_matrix"], corpus.seen_classes, out / "confusion_matrix.png",
                                     title=f"seen classes, test subjects (top-1 {seen_eval['top1']:.1%})")  # fmt: skip
    zero_png = plot_confusion_matrix(zero_metrics["confusion_matrix"], corpus.unseen_classes,
                                     out / "confusion_matrix_zeroshot.png",
                                     title=f"zero-shot, unseen classes (top-1 {zero_metrics['top1']:.1%})")  # fmt: skip
    gif = animate_skeleton(
        corpus.test[0].skeleton, out / "skeleton.gif", title=f"{corpus.test[0].action} (test subject)"
    )
    return {"confusion matrix": str(seen_png), "zero-shot matrix": str(zero_png), "animation": str(gif)}


def _run_metrics(corpus, seen_eval: dict, zero_metrics: dict, general_metrics: dict, stage1: dict) -> dict:
    """The numbers of :class:`QuickstartResult` (fractions; counts as floats)."""
    seen, unseen = corpus.seen_classes, corpus.unseen_classes
    return {
        "seen_top1": seen_eval["top1"], "seen_top5": seen_eval["top5"],
        "seen_mean_class": seen_eval["mean_class_accuracy"], "seen_samples": float(len(corpus.test)),
        "seen_classes": float(len(seen)), "zeroshot_top1": zero_metrics["top1"],
        "unseen_samples": float(len(corpus.unseen)), "unseen_classes": float(len(unseen)),
        "generalised_top1": general_metrics["top1"], "generalised_top5": general_metrics["top5"],
        "all_classes": float(len(seen) + len(unseen)), "stage1_top1": stage1.get("eval/top1", float("nan")),
    }  # fmt: skip


def run_quickstart(settings: QuickstartSettings | None = None) -> QuickstartResult:
    """Run the whole quickstart and return (and print nothing of) what it measured; see the module doc."""
    import torch
    from transformers import AutoModel, AutoProcessor

    from .. import SugarForActionRecognition  # noqa: F401  (registers the Auto classes)
    from ..training.loop import train

    settings = settings or QuickstartSettings()
    torch.manual_seed(settings.seed)
    out = Path(settings.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    stage1_dir, ckpt_dir = out / "stage1", out / "checkpoint"
    with _timed(seconds, "data"):
        corpus, data_dir, descriptions = _write_corpus(settings, out)
    with _timed(seconds, "stage 1"):
        stage1 = train(*_stage_args(settings, "1", stage1_dir, data_dir, descriptions))
    with _timed(seconds, "stage 2"):
        train(*_stage_args(settings, "2", ckpt_dir, data_dir, descriptions, init_from=str(stage1_dir)))
        seen_eval = json.loads((ckpt_dir / "eval_metrics.json").read_text())
    with _timed(seconds, "evaluation"):
        model = AutoModel.from_pretrained(str(ckpt_dir)).eval()
        processor = AutoProcessor.from_pretrained(str(ckpt_dir))
        zero_metrics, general_metrics = _rank_unseen(model, processor, corpus, settings)
        examples = _example_answers(model, processor, corpus)
    paths = {"checkpoint": str(ckpt_dir), "model card": str(ckpt_dir / "README.md"),
             **_write_figures(out, corpus, seen_eval, zero_metrics), "stage-1 model": str(stage1_dir),
             "demo corpus": str(data_dir)}  # fmt: skip
    metrics = _run_metrics(corpus, seen_eval, zero_metrics, general_metrics, stage1)
    result = QuickstartResult(metrics, paths, examples, seconds)
    _write_card(model, corpus, result, settings, ckpt_dir)
    (out / "results.json").write_text(json.dumps(asdict(result), indent=2))
    paths["results"] = str(out / "results.json")
    return result


def _write_card(model, corpus, result: QuickstartResult, settings: QuickstartSettings, folder: Path) -> None:
    """The checkpoint's README.md: the hub card generator filled with this run's numbers."""
    from ..hub.cards import EvalRecord, model_card

    m = {k: round(100 * v, 2) for k, v in result.metrics.items()}  # the cards report percentages
    records = [
        EvalRecord(dataset="sugar_demo", config="seen", split="test", metric="top1", value=m["seen_top1"]),
        EvalRecord(dataset="sugar_demo", config="seen", split="test", metric="top5", value=m["seen_top5"]),
        EvalRecord(dataset="sugar_demo", config="seen", split="test", metric="mean_class_accuracy",
                   value=m["seen_mean_class"]),
        EvalRecord(dataset="sugar_demo", config="zero-shot", split="unseen", metric="top1", value=m["zeroshot_top1"]),
    ]  # fmt: skip
    hyper = {k: v for k, v in asdict(settings).items() if k not in ("output_dir", "progress", "model_config",
                                                                     "tokenizer")}  # fmt: skip
    card = model_card(model.config, records, repo_id="local/sugar-quickstart", training_datasets=["sugar_demo"],
                      training_args=hyper, tags=["demo", "synthetic-data"])  # fmt: skip
    text = str(card)
    text += (
        "\n\n## Quickstart run\n\nTrained by `sugar-hf quickstart` on the generated demo corpus "
        f"({corpus.summary()}). Unseen (zero-shot) classes: {', '.join(corpus.unseen_classes)}. "
        "The corpus is synthetic (a kinematic body model), so these numbers say that the pipeline works, "
        "not how the model does on real recordings.\n"
    )
    (folder / "README.md").write_text(text, encoding="utf-8")
