"""Argument dataclasses of ``examples/train.py``, parsed by ``HfArgumentParser`` from YAML and/or the CLI.

``parse_train_args(argv)`` reads ``--config file.yaml`` (any field of the three dataclasses), then lets the
command line override it: ``--config configs/nw_ucla.yaml --learning_rate 0.05`` works.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from ..configuration_sugar import DEFAULT_LORA_TARGET_MODULES

STAGES = ("1", "2", "baseline")


@dataclass
class ModelArguments:
    """Which model to build or start from."""

    model_config: str | None = field(
        default=None,
        metadata={"help": "A SugarConfig folder or config.json to build from (tiny/custom models). Default: the "
                  "embedded SmolLM2 + MiniLM config sized by the fields below."},
    )  # fmt: skip
    tokenizer: str | None = field(
        default=None,
        metadata={"help": "Tokenizer folder: the LLM's (stage 2) or the text encoder's (stage 1)."},
    )
    init_from: str | None = field(
        default=None,
        metadata={"help": "Stage 2: a stage-1 (or baseline) folder whose encoder is loaded and frozen. "
                  "Stage 1 / baseline: a folder to continue from."},
    )  # fmt: skip
    projector_type: str = field(default="tqp", metadata={"help": "tqp | qformer | linear | cross_attention"})
    projector_output_norm: bool = field(
        default=False,
        metadata={
            "help": "RMS-normalise projected tokens to the LLM's word-embedding scale (not in the paper)."
        },
    )
    projector_input_norm: bool = field(
        default=True,
        metadata={"help": "LayerNorm on the encoder tokens before the projector (as BLIP-2 before its Q-Former; "
                  "not stated in the paper)."},
    )  # fmt: skip
    projector_input_positions: bool = field(
        default=True,
        metadata={
            "help": "Learnable frame and joint embeddings added to the encoder tokens (not in the paper)."
        },
    )
    projector_dropout: float = field(
        default=0.0,
        metadata={"help": "Q-Former hidden/attention dropout (BLIP-2 uses 0.1; 0 for short runs)."},
    )
    num_segments: int = field(
        default=4, metadata={"help": "TQP: temporal segments the encoder tokens are cut into (k)."}
    )
    num_queries: int = field(
        default=32,
        metadata={"help": "TQP: learnable queries per segment (LLM tokens = num_segments x num_queries)."},
    )
    base_channels: int = field(
        default=64,
        metadata={"help": "CTR-GCN width of the first unit (64 in the paper; 8-16 for quick CPU runs)."},
    )
    token_layout: str = field(default="frame_joint", metadata={"help": "frame_joint | frame"})
    instruction: str = field(
        default="paper",
        metadata={"help": "Stage 2 prompt: paper (skeleton tokens, then the candidate list) | candidates_first "
                  "(same words, candidates first: the batch shares the prompt up to the skeleton, 2-5x cheaper "
                  "steps with long candidate lists)"},
    )  # fmt: skip
    contrastive_dim: int | None = field(
        default=None,
        metadata={"help": "Stage 1: project skeleton and text embeddings into a learned space of this size (CLIP "
                  "style: both projections trainable); default: the text encoder's own space (text side frozen)."},
    )  # fmt: skip
    learn_text_projection: bool = field(
        default=False,
        metadata={
            "help": "Stage 1: a trainable linear map on the frozen text embeddings (identity at start)."
        },
    )
    stage1_objective: str = field(
        default="mil_nce",
        metadata={"help": "Stage 1 loss: mil_nce (the paper) | mil_nce+ce (GAP: a cross-entropy FC head trained "
                  "jointly, ce_loss_weight * CE + text_loss_weight * MIL-NCE)"},
    )  # fmt: skip
    ce_loss_weight: float = field(default=1.0, metadata={"help": "Stage 1, mil_nce+ce: weight of the CE term."})
    text_loss_weight: float = field(
        default=0.8, metadata={"help": "Stage 1, mil_nce+ce: weight of the MIL-NCE term (GAP: 0.8)."}
    )
    text_gradient_scale: float = field(
        default=1.0,
        metadata={"help": "Stage 1, mil_nce+ce: factor in [0, 1] on the text loss's gradient into the encoder "
                  "(1: GAP, both terms train the encoder; 0: the encoder learns from the CE alone, the text head "
                  "learns on its features)"},
    )  # fmt: skip
    prior_classifier: bool = field(
        default=False,
        metadata={"help": "Stage 2, --knowledge_prior: the prior also multiplies in stage 1's FC head "
                  "(mil_nce+ce) for candidate lists of its trained classes (log_softmax(bag) + log_softmax(FC)); "
                  "either way, when stage 1 has the head, evaluation reports prior_bag, prior_fc and both"},
    )  # fmt: skip
    knowledge_prior: bool = field(
        default=False,
        metadata={"help": "Stage 2 (beyond the paper): keep stage 1's skeleton-text head and class-text prototypes "
                  "in the model and rank by the LLM's log-likelihood fused with the stage-1 similarity of each "
                  "candidate (--init_from must be a stage-1 folder)"},
    )  # fmt: skip
    prior_weight: str = field(
        default="auto",
        metadata={"help": "Stage 2 with --knowledge_prior: the prior's weight in the fused ranking, a number >= 0 "
                  "or auto (chosen on the training split after training; see prior_weight.json)"},
    )  # fmt: skip
    lora_r: int = field(default=64, metadata={"help": "Stage 2: LoRA rank."})
    lora_alpha: int = field(default=16, metadata={"help": "Stage 2: LoRA alpha (scaling alpha / r)."})
    lora_dropout: float = field(default=0.0, metadata={"help": "LoRA dropout (the paper's config: 0.05)."})
    lora_target_modules: list[str] = field(
        default_factory=lambda: list(DEFAULT_LORA_TARGET_MODULES),
        metadata={"help": "Stage 2: LLM modules that get LoRA."},
    )
    save_full_llm: bool = field(default=False, metadata={"help": "Write the frozen LLM/text weights too."})


@dataclass
class DataArguments:
    """Where the skeletons and the class texts come from."""

    dataset: str | None = field(
        default=None,
        metadata={"help": "A DatasetDict folder written by `sugar-hf convert` (one split config)."},
    )
    train_split: str = field(default="train", metadata={"help": "Split of --dataset to train on."})
    eval_split: str = field(
        default="test",
        metadata={
            "help": "Split of --dataset to evaluate on after training (skipped with a warning if absent)."
        },
    )
    corpus: str | None = field(
        default=None, metadata={"help": "Corpus key (ntu60, nw_ucla ...): class names and knowledge texts."}
    )
    descriptions: str | None = field(
        default=None, metadata={"help": "Knowledge source: a corpus key or a JSONL file (default: --corpus)."}
    )
    knowledge: str = field(
        default="motion+visual", metadata={"help": "none | motion | visual | motion+visual"}
    )
    num_visual_texts: int = field(
        default=2,
        metadata={"help": "Stage 1: visual texts drawn at random per class and step (with the motion text)."},
    )
    text_negatives: str = field(
        default="batch",
        metadata={"help": "Stage 1 MIL-NCE negatives: batch (texts of the classes in the batch, the paper) | all "
                  "(every training class's texts at every step)"},
    )  # fmt: skip
    num_train_candidates: int = field(
        default=0,
        metadata={"help": "Stage 2: candidate-list sampling (0: every prompt lists all training classes). N > 0: "
                  "each batch lists its own classes plus random others, N names in a random order (for zero-shot)."},
    )  # fmt: skip
    answer_description: bool = field(
        default=True, metadata={"help": "Stage 2: the target is '<name>. <description>' (else '<name>.')."}
    )
    zero_shot_protocol: str | None = field(
        default=None,
        metadata={"help": "Train on the seen classes of a protocol in data/splits/zero_shot.json."},
    )
    num_frames: int = field(default=64, metadata={"help": "Frames every clip is resampled to (T)."})
    num_persons: int = field(
        default=2, metadata={"help": "Bodies per clip the encoder takes (M; padded/cut)."}
    )
    in_channels: int | None = field(
        default=None,
        metadata={"help": "Values per joint the encoder reads (the first N channels: 2 keeps x, y of x, y, score "
                  "keypoints). Default: all the dataset's channels."},
    )  # fmt: skip
    stream: str = field(default="joint", metadata={"help": "joint | bone | motion | bone_motion"})
    rotate: float = field(
        default=0.3, metadata={"help": "Training augmentation: largest random rotation (rad)."}
    )
    max_train_samples: int | None = field(
        default=None, metadata={"help": "Use only the first N training clips."}
    )
    max_eval_samples: int | None = field(
        default=None, metadata={"help": "Evaluate on the first N clips only."}
    )
    dataloader_num_workers: int = field(default=0, metadata={"help": "DataLoader worker processes."})


@dataclass
class SugarTrainingArguments:
    """Optimisation, checkpoints, logging."""

    stage: str = field(
        default="1", metadata={"help": "1 (MIL-NCE), 2 (LLM with LoRA) or baseline (FC + CE)."}
    )
    output_dir: str = field(
        default="outputs/run", metadata={"help": "Where the model, metrics and checkpoints are written."}
    )
    seed: int = field(
        default=42, metadata={"help": "Seed of sample order, augmentation, text draws and dropout."}
    )
    num_train_epochs: float = field(
        default=1.0, metadata={"help": "Epochs (fractions allowed) when --max_steps is not set."}
    )
    max_steps: int = field(
        default=-1, metadata={"help": "Optimizer steps; overrides num_train_epochs when > 0."}
    )
    per_device_train_batch_size: int = field(
        default=16, metadata={"help": "Training clips per step and process."}
    )
    per_device_eval_batch_size: int = field(default=16, metadata={"help": "Evaluation clips per batch."})
    gradient_accumulation_steps: int = field(
        default=1, metadata={"help": "Micro-batches summed into one optimizer step."}
    )
    optimizer: str | None = field(default=None, metadata={"help": "sgd | adamw (default: sgd for 1/baseline, "
                                                          "adamw for 2)"})  # fmt: skip
    learning_rate: float | None = field(default=None, metadata={"help": "Default 0.01 (stage 1), 0.1 (baseline), "
                                                                "2e-5 (stage 2)."})  # fmt: skip
    momentum: float = field(default=0.9, metadata={"help": "SGD momentum."})
    nesterov: bool = field(default=True, metadata={"help": "SGD with Nesterov momentum."})
    weight_decay: float | None = field(
        default=None, metadata={"help": "Default 4e-4 for SGD, 0.0 for AdamW."}
    )
    lr_decay_epochs: list[float] = field(
        default_factory=list, metadata={"help": "Epochs at which the lr is multiplied by lr_decay_gamma."}
    )
    lr_decay_steps: list[int] = field(
        default_factory=list, metadata={"help": "The same, in optimizer steps."}
    )
    lr_decay_gamma: float = field(
        default=0.1, metadata={"help": "Step schedule: lr factor at each decay epoch/step."}
    )
    warmup_steps: int = field(
        default=0, metadata={"help": "Linear warm-up steps (0: --warmup_ratio decides)."}
    )
    warmup_ratio: float = field(
        default=0.0,
        metadata={"help": "Linear warm-up over this fraction of the steps (when warmup_steps is 0)."},
    )
    lr_scheduler_type: str | None = field(
        default=None,
        metadata={"help": "step (lr_decay_epochs / lr_decay_steps; default for stage 1 and the baseline) | cosine "
                  "(warm-up then cosine decay to 0; default for stage 2)"},
    )  # fmt: skip
    projector_learning_rate: float | None = field(
        default=None,
        metadata={"help": "Stage 2: the projector's lr during the LLM phase (default: learning_rate); LoRA uses "
                  "learning_rate. Norms, biases, query tokens and position tables get no weight decay."},
    )  # fmt: skip
    max_grad_norm: float | None = field(
        default=None, metadata={"help": "Clip the gradient norm (default: 1.0 for stage 2, off otherwise)."}
    )
    token_cache: bool = field(
        default=True,
        metadata={"help": "Stage 2: run the frozen encoder once per cached view (token_cache_views seeded "
                  "training views per clip) and train from the cache; epoch e reads view (e mod views)."},
    )  # fmt: skip
    token_cache_views: int = field(default=8, metadata={"help": "Stage 2: augmented views cached per clip."})
    token_cache_dir: str | None = field(
        default=None,
        metadata={"help": "Where encoder-token caches are kept, keyed by encoder weights + preprocessing + data "
                  "(default: $SUGAR_HF_CACHE/encoder_tokens, else ~/.cache/sugar_hf/encoder_tokens)."},
    )  # fmt: skip
    align_steps: int = field(
        default=0,
        metadata={"help": "Stage 2: projector-alignment steps on the cached tokens before the LLM phase (no LLM "
                  "run; beyond the paper, see sugar_hf.training.alignment). 0: off."},
    )  # fmt: skip
    align_learning_rate: float = field(
        default=1e-3, metadata={"help": "Stage 2: lr of the projector-alignment steps."}
    )
    align_batch_size: int = field(
        default=32, metadata={"help": "Stage 2: batch size of the projector-alignment steps."}
    )
    mixed_precision: str = field(
        default="auto", metadata={"help": "auto (bf16 on GPUs that have it) | no | bf16 | fp16"}
    )
    gradient_checkpointing: bool = field(
        default=False,
        metadata={"help": "Stage 2: recompute LLM activations in the backward pass (less memory)."},
    )
    save_steps: int = field(
        default=500, metadata={"help": "accelerator.save_state every N optimizer steps (0: off)."}
    )
    save_total_limit: int | None = field(default=3, metadata={"help": "Keep only the last N checkpoints."})
    resume: str | None = field(
        default=None, metadata={"help": "'latest' or a checkpoint folder: continue exactly where it stopped."}
    )
    stop_after_steps: int | None = field(
        default=None,
        metadata={"help": "Stop (as if interrupted) after this many optimizer steps; for tests."},
    )
    logging_steps: int = field(default=10, metadata={"help": "Log loss and lr every N optimizer steps."})
    report_to: str = field(
        default="auto",
        metadata={"help": "Accelerate trackers: auto (tensorboard when installed, else none; log_history.json "
                          "and learning_curve.png are always written) | none | all | tensorboard | wandb ..."},
    )
    project_name: str = field(default="sugar-hf", metadata={"help": "Tracker project name (--report_to)."})
    do_eval: bool = field(default=True, metadata={"help": "Evaluate on eval_split after training."})
    eval_epochs: list[int] = field(
        default_factory=list,
        metadata={"help": "Also evaluate after these epochs (writes epoch<N>_eval_metrics.json): a learning "
                  "curve from one run, e.g. an ablation's shorter budget read off the main run."},
    )  # fmt: skip
    disable_tqdm: bool = field(default=False, metadata={"help": "No progress bar (log lines instead)."})

    def __post_init__(self) -> None:
        self.stage = str(self.stage)
        if self.stage not in STAGES:
            raise ValueError(f"--stage must be one of {STAGES}, got {self.stage!r}")
        if self.optimizer is None:
            self.optimizer = "adamw" if self.stage == "2" else "sgd"
        if self.learning_rate is None:
            self.learning_rate = {"1": 0.01, "2": 2e-5, "baseline": 0.1}[self.stage]
        if self.weight_decay is None:
            self.weight_decay = 4e-4 if self.optimizer == "sgd" else 0.0
        if self.lr_scheduler_type is None:
            self.lr_scheduler_type = "cosine" if self.stage == "2" else "step"
        if self.lr_scheduler_type not in ("step", "cosine"):
            raise ValueError(f"--lr_scheduler_type must be step or cosine, got {self.lr_scheduler_type!r}")
        if self.max_grad_norm is None and self.stage == "2":
            self.max_grad_norm = 1.0
        if self.token_cache_views < 1:
            raise ValueError("--token_cache_views must be at least 1")


def _parser():
    from transformers import HfArgumentParser

    return HfArgumentParser((ModelArguments, DataArguments, SugarTrainingArguments))


def parse_train_args(
    argv: Sequence[str] | None = None,
) -> tuple[ModelArguments, DataArguments, SugarTrainingArguments]:
    """Parse ``--config file.yaml`` (optional, repeatable: later files win) and command-line overrides into the
    three dataclasses."""
    import yaml

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config", action="append", default=[])
    known, rest = pre.parse_known_args(argv)
    parser = _parser()
    allowed = {f.name for cls in (ModelArguments, DataArguments, SugarTrainingArguments) for f in fields(cls)}
    merged: dict = {}
    for path in known.config:  # repeatable: later files win, the command line wins over all of them
        with open(path, encoding="utf-8") as handle:
            values = yaml.safe_load(handle) or {}
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}")
        merged.update(values)
    if merged:
        parser.set_defaults(**merged)
    model_args, data_args, train_args = parser.parse_args_into_dataclasses(args=rest)
    return model_args, data_args, train_args


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``examples/evaluate.py`` and ``sugar-hf evaluate``."""
    parser.add_argument("model_dir", help="a saved model folder (stage 2, stage 1 or baseline)")
    parser.add_argument("--dataset", required=True, help="a DatasetDict folder from `sugar-hf convert`")
    parser.add_argument("--split", default="test", help="the split to evaluate (default: test)")
    parser.add_argument(
        "--output_dir", default=None, help="write metrics.json, per_class.txt and confusion.png here"
    )
    parser.add_argument("--batch_size", type=int, default=16, help="clips per forward pass")
    parser.add_argument("--max_samples", type=int, default=None, help="evaluate on the first N clips only")
    parser.add_argument(
        "--descriptions", default=None, help="stage 1: corpus key or JSONL of class texts (default: names)"
    )
    return parser


def add_predict_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``sugar-hf predict``."""
    parser.add_argument("model_dir", help="a saved model folder (stage 2, stage 1 or baseline)")
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="skeleton files: .npy/.npz (T,V,C or M,T,V,C), .skeleton, .json, .mat",
    )
    parser.add_argument("--top-k", type=int, default=5, help="how many ranked classes to show per file")
    names = parser.add_mutually_exclusive_group()
    names.add_argument("--candidates", nargs="+", metavar="NAME",
                       help="rank these action names (default: the model's classes; SUGAR models take unseen names)")  # fmt: skip
    names.add_argument("--candidates-file", metavar="FILE", help="rank the action names in FILE, one a line")
    parser.add_argument(
        "--json", action="store_true", help="print JSON: [{file, predictions: [{label, score}]}]"
    )
    parser.add_argument(
        "--descriptions", default=None, help="stage 1: corpus key or JSONL of class texts (default: names)"
    )
    return parser
