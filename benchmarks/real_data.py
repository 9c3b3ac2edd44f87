"""Accuracy on real recorded skeletons: SUGAR vs the CTR-GCN + FC baseline on NW-UCLA and UTD-MHAD, the
paper's projector and knowledge ablations, and a zero-shot split, on the embedded default (SmolLM2 + MiniLM).

    python benchmarks/real_data.py                      # everything, seed 0, resumable (re-run the same command)
    python benchmarks/real_data.py --only main_utd_mhad,zero_shot --readme README.md
    python benchmarks/real_data.py --seeds 0 1 2 --lanes 2 --threads 1   # three seeds, two runs side by side

Every run is one `examples/train.py` process (stage 1, stage 2 or baseline) writing its own folder under
``--workdir``; a finished run is skipped, an interrupted one continues from its last checkpoint (``--resume
latest``), so the command can be stopped and restarted at any point. After each run the tables are rewritten:
``<workdir>/results.json`` and ``results.md`` (and the marked section of ``--readme``).

Seeds: one run moves by several points with its seed, so ``--seeds 0 1 2`` runs every selected run once per seed
(``--seed k`` to train.py) into ``<workdir>/seed<k>/<run name>/``; a stage-2 run starts from the stage-1 run of its
own seed. All runs of the first seed come first, then the next seed's (partial results are already useful). The
tables show mean +- sample std over the seeds that finished (the per-seed values are in results.json) and paired
comparisons on the same test clips: SUGAR (stage 2) vs the FC baseline per corpus, zero-shot SUGAR vs the free
stage-1 baseline: the difference with a 95 % paired-bootstrap interval (clips resampled within each seed, averaged
over seeds) and an exact McNemar test per seed and pooled over the seeds (:mod:`sugar_hf.metrics.paired`).
``--lanes N`` runs up to N training processes at once (a stage 2 waits for its stage 1), each with ``--threads``
OpenMP threads (default with lanes: the cores divided by the lanes); on 2 cores two 1-thread runs side by side
finish well before the same two one after the other. ``--summary-only`` rebuilds the tables from whatever has
finished, any mix of seeds. (Runs of a workdir from before the seed folders, directly under ``<workdir>/``, used
train.py's default seed 42: move them to ``<workdir>/seed42/`` and pass ``--seeds 42`` to keep them.)

Budget (``--preset cpu``, sized for 2 CPU cores): a narrow CTR-GCN (base_channels 16, 32 frames), stage 1 and
the baseline with the same epochs; stage 2 is the recipe of ``configs/stage2_cpu.yaml`` (encoder-token cache,
400 projector-alignment steps, then three LLM epochs: LoRA r=64, alpha=16 on q/v at 1e-3, the projector at 3e-4,
warm-up + cosine, bf16 where the CPU has it natively; TQP 2 x 8 = 16 tokens, candidates-first instruction so a
batch shares its prompt, class names as answers), the same for every run and corpus. ``--preset paper`` uses the paper's sizes and its stage 2
as published (GPU). Groups, run in this order: main_utd_mhad, zero_shot, projector, main_nw_ucla, knowledge.
The ablations run on UTD-MHAD; their default arm (tqp; motion+visual) is the main run.
``--runs`` picks single runs by name or pattern.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
import os
import platform
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sugar_hf.training.probe import LinearProbeResult

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {  # corpus key -> (raw folder under shared data, converted split folder, split name)
    "utd_mhad": ("utd_mhad", "utd_mhad/xsub", "cross-subject"),
    "nw_ucla": ("nw_ucla", "nw_ucla/xview", "cross-view"),
}
PRESETS = {
    "cpu": {
        "encoder": ["--base_channels", "16", "--num_frames", "32", "--num_persons", "1"],
        "encoder_epochs": {"utd_mhad": 30, "nw_ucla": 15},
        # Stage 1 (issue 22): GAP's objective, a cross-entropy FC head trained with the MIL-NCE text loss
        # (1 x CE + 0.8 x MIL-NCE) against every training class's texts, at the baseline's learning rate; the
        # paper preset keeps MIL-NCE alone with in-batch negatives.
        "stage1": {"lr": 0.05, "args": ["--stage1_objective", "mil_nce+ce", "--text_negatives", "all"]},
        # The stage-2 recipe (issue 13): encoder tokens cached (8 seeded views per clip), the projector aligned
        # to the LLM's name embeddings without the LLM (400 steps), then the LLM phase: LoRA at 1e-3, projector
        # at 3e-4, warm-up + cosine, gradient clipping, no dropout, class names as answers; precision `auto`: bf16
        # autocast on CPUs with native bf16 (AMX / AVX512-BF16), fp32 elsewhere (emulated bf16 was ~17x slower).
        "stage2": (
            "--num_segments 2 --num_queries 8 --instruction candidates_first --answer_description false "
            "--num_train_epochs 3 --per_device_train_batch_size 8 --learning_rate 1e-3 "
            "--projector_learning_rate 3e-4 --warmup_ratio 0.05 --align_steps 400 --mixed_precision auto "
            "--per_device_eval_batch_size 16 --knowledge_prior true"
        ).split(),
        # Stage 2 is cheap enough now that every arm gets the main run's budget (its default arm is the main run).
        "ablation_stage2_epochs": None,
    },
    "paper": {
        "encoder": ["--base_channels", "64", "--num_frames", "64", "--num_persons", "1"],
        "encoder_epochs": {"utd_mhad": 65, "nw_ucla": 65},
        "stage1": {"lr": 0.01, "args": []},  # the paper's MIL-NCE alone, its learning rate
        # The paper's stage 2 as published: no alignment phase, no input norm/positions, its dropouts.
        "stage2": (
            "--num_segments 4 --num_queries 32 --num_train_epochs 3 --per_device_train_batch_size 4 "
            "--gradient_accumulation_steps 4 --learning_rate 2e-4 --warmup_steps 50 --align_steps 0 "
            "--token_cache false --projector_input_norm false --projector_input_positions false "
            "--projector_dropout 0.1 --lora_dropout 0.05"
        ).split(),
    },
}
GROUPS = ("main_utd_mhad", "zero_shot", "projector", "main_nw_ucla", "knowledge")
ZERO_SHOT_PROTOCOL = "utd_mhad_22_5"
ABLATION_CORPUS = "utd_mhad"
# The ablations' default arms are the main run (tqp projector; motion+visual knowledge): rows read off it.
DEFAULT_ARMS = {"projector": "projector: tqp", "knowledge": "knowledge: motion+visual"}


@dataclass
class Run:
    """One training process; ``result`` names what the table shows for it."""

    name: str
    group: str
    corpus: str
    stage: str
    args: list[str]
    label: str
    depends: list[str] = field(default_factory=list)  # the stage-1 run whose encoder a stage-2 run loads
    zero_shot: bool = False


def stage1_args(preset: dict, corpus: str) -> list[str]:
    """A stage-1 run's arguments: the encoder budget at the preset's stage-1 learning rate and objective."""
    stage1 = preset.get("stage1", {"lr": 0.01, "args": []})
    return [*encoder_args(preset, corpus, stage1["lr"]), *stage1["args"]]


def encoder_args(preset: dict, corpus: str, lr: float) -> list[str]:
    epochs = preset["encoder_epochs"][corpus]
    decay = [round(epochs * 0.7), round(epochs * 0.9)]
    return [*preset["encoder"], "--num_train_epochs", str(epochs), "--learning_rate", str(lr),
            "--lr_decay_epochs", *map(str, decay), "--per_device_train_batch_size", "16"]  # fmt: skip


def ablation_args(preset: dict) -> list[str]:
    epochs = preset.get("ablation_stage2_epochs")
    return ["--num_train_epochs", str(epochs)] if epochs else []


def main_runs(preset: dict, corpus: str) -> list[Run]:
    """Baseline, stage 1 and stage 2 of one corpus with the same encoder budget."""
    group = f"main_{corpus}"
    stage1 = f"{corpus}/stage1"
    epochs = preset.get("ablation_stage2_epochs")
    curve = ["--eval_epochs", str(epochs)] if epochs and corpus == ABLATION_CORPUS else []
    return [
        Run(f"{corpus}/baseline", group, corpus, "baseline", encoder_args(preset, corpus, 0.05),
            "CTR-GCN + FC (cross-entropy)"),
        Run(stage1, group, corpus, "1", stage1_args(preset, corpus), "SUGAR stage 1 only (class texts, MIL-NCE bag score)"),
        Run(f"{corpus}/stage2", group, corpus, "2", [*preset["encoder"], *preset["stage2"], *curve],
            "SUGAR (stage 1 + stage 2, LLM ranks the class names)", [stage1]),
    ]  # fmt: skip


def plan(preset: dict) -> list[Run]:
    """Every run of the benchmark, in execution order."""
    runs: list[Run] = main_runs(preset, "utd_mhad")
    zs = ["--zero_shot_protocol", ZERO_SHOT_PROTOCOL]
    runs += [
        Run("zero_shot/stage1", "zero_shot", "utd_mhad", "1", [*stage1_args(preset, "utd_mhad"), *zs],
            "stage 1 on the 22 seen classes"),
        Run("zero_shot/stage2", "zero_shot", "utd_mhad", "2",
            [*preset["encoder"], *preset["stage2"], *zs, "--do_eval", "false", *preset.get("zero_shot_stage2", [])],
            "SUGAR trained on 22 classes, ranking the 5 unseen names", ["zero_shot/stage1"], zero_shot=True),
        # The same with candidate-list sampling: each training batch lists its classes plus random others, 5 names
        # in a random order, so the LLM learns to choose from the list it is given (as zero-shot ranking asks).
        Run("zero_shot/stage2_sampled", "zero_shot", "utd_mhad", "2",
            [*preset["encoder"], *preset["stage2"], *zs, "--do_eval", "false", "--num_train_candidates", "5",
             *preset.get("zero_shot_stage2", [])],
            "SUGAR trained on 22 classes with sampled 5-name candidate lists, ranking the 5 unseen names",
            ["zero_shot/stage1"], zero_shot=True),
    ]  # fmt: skip
    for projector in ("qformer", "linear", "cross_attention"):
        runs.append(
            Run(f"projector_{projector}/stage2", "projector", "utd_mhad", "2",
                [*preset["encoder"], *preset["stage2"], *ablation_args(preset), "--projector_type", projector],
                f"projector: {projector}", ["utd_mhad/stage1"])
        )  # fmt: skip
    runs += main_runs(preset, "nw_ucla")
    for knowledge in ("none", "motion", "visual"):
        stage1 = f"knowledge_{knowledge}/stage1"
        runs += [
            Run(stage1, "knowledge", "utd_mhad", "1",
                [*stage1_args(preset, "utd_mhad"), "--knowledge", knowledge], f"stage 1, {knowledge}"),
            Run(f"knowledge_{knowledge}/stage2", "knowledge", "utd_mhad", "2",
                [*preset["encoder"], *preset["stage2"], *ablation_args(preset), "--knowledge", knowledge],
                f"knowledge: {knowledge}", [stage1]),
        ]  # fmt: skip
    return runs


def probe_once(run: Run, folder: Path, dataset: Path) -> None:
    """Linear probe of a finished stage-1 encoder (seen classes only for the zero-shot run), once."""
    if run.stage == "1" and not (folder / "linear_probe.json").exists():
        seen = zero_shot_seen() if "--zero_shot_protocol" in run.args else None
        (folder / "linear_probe.json").write_text(
            json.dumps(linear_probe(folder, dataset, seen).to_dict(), indent=1)
        )


def stage1_zero_shot_once(run: Run, folder: Path, dataset: Path) -> None:
    """The free zero-shot baseline: the zero-shot stage-1 encoder ranks the unseen names by their class texts (MIL-NCE bag score)."""
    if run.name != "zero_shot/stage1" or (folder / "zero_shot_metrics.json").exists():
        return
    with open(folder / "train.log", "a", encoding="utf-8") as log:
        subprocess.run([sys.executable, str(ROOT / "examples" / "zero_shot.py"), str(folder), "--protocol",
                        ZERO_SHOT_PROTOCOL, "--dataset", str(dataset), "--output_dir", str(folder / "zero_shot")],
                       stdout=log, stderr=subprocess.STDOUT, check=True, cwd=ROOT)  # fmt: skip
    (folder / "zero_shot_metrics.json").write_text((folder / "zero_shot" / "metrics.json").read_text())


def zero_shot_seen() -> list[int]:
    from sugar_hf.training.data import zero_shot_classes

    return zero_shot_classes(ZERO_SHOT_PROTOCOL)[0]


def ensure_converted(corpus: str, data_root: Path, shared: Path) -> Path:
    """Convert the raw corpus once (``sugar-hf convert``); returns the split folder."""
    raw, split_folder, _ = CORPORA[corpus]
    out = data_root / split_folder
    if not (out / "dataset_dict.json").exists():
        source = shared / raw
        if not source.exists():
            raise SystemExit(f"{source}: raw {corpus} data not found (set SUGAR_HF_SHARED_DATA)")
        print(f"converting {corpus} from {source} ...", flush=True)
        subprocess.run([sys.executable, "-m", "sugar_hf.cli", "convert", corpus, str(source),
                        str(data_root / corpus)], check=True)  # fmt: skip
    return out


def is_done(folder: Path, run: Run) -> bool:
    return (folder / "train_results.json").exists() and (
        run.zero_shot
        and (folder / "zero_shot_metrics.json").exists()
        or not run.zero_shot
        and (folder / "eval_metrics.json").exists()
    )


def execute(run: Run, workdir: Path, dataset: Path, seed: int | None = None) -> None:
    """Train (continuing a partial run), evaluate; accumulate the wall time over attempts. ``workdir`` is the
    seed's folder (``<workdir>/seed<k>``), ``seed`` goes to train.py (``--seed``; None: train.py's default)."""
    folder = workdir / run.name
    folder.mkdir(parents=True, exist_ok=True)
    wall_file = folder / "benchmark_wall.json"
    wall = json.loads(wall_file.read_text()) if wall_file.exists() else {"seconds": 0.0, "attempts": 0}
    # A stage-2 run starts from the stage-1 run it depends on.
    args = [*(arg for dep in run.depends for arg in ("--init_from", str(workdir / dep))), *run.args]
    command = [sys.executable, str(ROOT / "examples" / "train.py"), "--stage", run.stage, "--corpus", run.corpus,
               "--dataset", str(dataset), "--output_dir", str(folder), "--resume", "latest", "--save_steps", "20" if run.stage == "2" else "100",
               "--save_total_limit", "1", "--mixed_precision", "no", "--disable_tqdm", "true", "--logging_steps", "25",
               *args, *(["--seed", str(seed)] if seed is not None else [])]  # fmt: skip
    print(f"\n=== {workdir.name}/{run.name}: {' '.join(command[2:])}", flush=True)
    start = time.perf_counter()
    with open(folder / "train.log", "a", encoding="utf-8") as log:
        try:
            if not (folder / "train_results.json").exists():
                subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True, cwd=ROOT)
            if run.zero_shot:
                subprocess.run([sys.executable, str(ROOT / "examples" / "zero_shot.py"), str(folder), "--protocol",
                                ZERO_SHOT_PROTOCOL, "--dataset", str(dataset), "--output_dir", str(folder / "zero_shot")],
                               stdout=log, stderr=subprocess.STDOUT, check=True, cwd=ROOT)  # fmt: skip
                (folder / "zero_shot_metrics.json").write_text(
                    (folder / "zero_shot" / "metrics.json").read_text()
                )
        finally:
            wall["seconds"] += time.perf_counter() - start
            wall["attempts"] += 1
            wall_file.write_text(json.dumps(wall))
    if not (folder / "train_results.json").exists():
        raise RuntimeError(f"{run.name}: training stopped without results; see {folder / 'train.log'}")


def linear_probe(stage1_folder: Path, dataset: Path, classes: list[int] | None = None) -> LinearProbeResult:
    """A logistic regression on the frozen encoder's mean-pooled tokens (the checkpoint's eval view), its l2 chosen
    by 5-fold CV on the train split and solved to convergence (:func:`sugar_hf.training.probe.fit_linear_probe`),
    scored on the test split: how much of the action is in the features that stage 2 must read, without the LLM."""
    from sugar_hf.training.probe import probe_folder

    return probe_folder(stage1_folder, dataset, classes)


# The summary: per-run metrics aggregated over the seeds, and the paired comparisons on the same clips, as
# (title, arm A run, its label, arm B run, its label): A - B. Where arm A ranks with a knowledge prior (fused),
# its LLM-alone ranking (`scoring_predictions["sum"]`) is compared too.
AGGREGATED = ("top1", "top5", "mean_class_accuracy", "linear_probe_top1", "gate_top1", "wall_seconds")
PAIRED = [
    *((corpus, f"{corpus}/stage2", "SUGAR", f"{corpus}/baseline", "FC") for corpus in CORPORA),
    ("zero-shot", "zero_shot/stage2_sampled", "SUGAR (sampled lists)", "zero_shot/stage1@unseen", "stage 1"),
    ("zero-shot", "zero_shot/stage2", "SUGAR", "zero_shot/stage1@unseen", "stage 1"),
]
BOOTSTRAP_RESAMPLES = 10000


def seed_folder(workdir: Path, seed: int) -> Path:
    """Where the runs of one seed go: ``<workdir>/seed<k>``."""
    return workdir / f"seed{seed}"


def workdir_seeds(workdir: Path) -> list[int]:
    """The seeds that have a folder in ``workdir``."""
    return sorted(int(p.name[4:]) for p in workdir.glob("seed*") if p.is_dir() and p.name[4:].isdigit())


def summarise(runs: list[Run], workdir: Path, preset_name: str, seeds: Sequence[int] = (0,)) -> dict:
    """results.json: a row per finished run and seed (``rows``), a row per run over the seeds it finished
    (``aggregated``: mean, sample std and the per-seed values) and the ``paired`` comparisons on the same clips.
    The seeds are ``seeds`` and every other seed folder of ``workdir``."""
    seeds = sorted(set(seeds) | set(workdir_seeds(workdir)))
    rows: list[dict] = []
    files: dict[tuple[int, str], Path] = {}  # (seed, run name) -> its metrics file, for the paired tests
    order: list[tuple[str, str]] = []
    for seed in seeds:
        seed_rows, seed_files, order = summarise_seed(runs, seed_folder(workdir, seed), preset_name)
        rows += [{"seed": seed, **row} for row in seed_rows]
        files.update({(seed, name): path for name, path in seed_files.items()})
    return {
        "date": dt.datetime.now(dt.timezone.utc).date().isoformat(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip()
        + f", {os.cpu_count()} cores, "
        f"torch threads {os.environ.get('OMP_NUM_THREADS') or _threads()}",
        "preset": preset_name,
        "seeds": seeds,
        "rows": rows,
        "aggregated": aggregate(rows, order),
        "paired": paired_comparisons(files, seeds),
        "pending": [
            f"seed{seed}/{run.name}"
            for seed in seeds
            for run in runs
            if not is_done(seed_folder(workdir, seed) / run.name, run)
        ],
    }


def summarise_seed(runs: list[Run], workdir: Path, preset_name: str) -> tuple[list[dict], dict[str, Path], list]:  # fmt: skip
    """The rows of one seed's folder (every finished run, in plan order), their metrics files by row name, and
    the ``(group, row name)`` of every row the plan can have, in order (finished or not)."""
    rows, files, order = [], {}, []
    shown_defaults: set[str] = set()

    def add(key: tuple[str, str], build: Callable[[], list[dict]]) -> None:
        order.append(key)
        try:
            rows.extend(build())
        except (OSError, ValueError) as error:  # a metrics file another lane is still writing
            print(f"=== {workdir.name}/{key[1]}: not in the tables yet ({error})", flush=True)

    for run in runs:
        if run.group in DEFAULT_ARMS and run.group not in shown_defaults:
            shown_defaults.add(run.group)
            epochs = PRESETS[preset_name].get("ablation_stage2_epochs")
            name = f"{ABLATION_CORPUS}/stage2" + (f"@epoch{epochs}" if epochs else "")
            add((run.group, name), lambda: default_arm_row(run.group, workdir, PRESETS[preset_name]))
        folder = workdir / run.name
        metrics_file = folder / ("zero_shot_metrics.json" if run.zero_shot else "eval_metrics.json")

        def finished(run=run, folder=folder, metrics_file=metrics_file) -> list[dict]:
            if not is_done(folder, run):
                return []
            seconds = (_read_json(folder / "benchmark_wall.json") or {}).get("seconds")
            wall = None if seconds is None else round(seconds, 1)
            row = result_row(run.name, run.group, run.corpus, run.stage, run.label, metrics_file, wall,
                             _read_probe(folder), _read_gate(folder))  # fmt: skip
            files[run.name] = metrics_file
            return [row]

        add((run.group, run.name), finished)
        if run.name == "zero_shot/stage1":
            unseen = folder / "zero_shot_metrics.json"

            def free_baseline(run=run, unseen=unseen) -> list[dict]:
                if not unseen.exists():
                    return []
                row = result_row(f"{run.name}@unseen", run.group, run.corpus, run.stage,
                                 "stage 1 (22 seen classes) ranking the 5 unseen names by their class texts "
                                 "(the free zero-shot baseline)", unseen, None, None)  # fmt: skip
                files[f"{run.name}@unseen"] = unseen
                return [row]

            add((run.group, f"{run.name}@unseen"), free_baseline)
    return rows, files, order


def aggregate(rows: list[dict], order: Sequence[tuple[str, str]] = ()) -> list[dict]:
    """One row per ``(group, run)`` over the seeds it finished: ``n_seeds``, ``seeds`` and, for each metric of
    ``AGGREGATED`` and each key of the runs' ``scoring_top1``, ``{"mean", "std", "values"}`` (sample std, None
    for one seed; ``values`` per seed, in ``seeds`` order; the mean and std skip missing values). Rows come in
    ``order`` (the plan's), others after."""
    from sugar_hf.metrics.paired import mean_std

    def spread(values: list[float | None]) -> dict:
        present = [value for value in values if value is not None]
        mean, std = mean_std(present) if present else (None, None)
        return {"mean": mean, "std": std, "values": values}

    by_key: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_key.setdefault((row["group"], row["run"]), []).append(row)
    rank = {key: i for i, key in enumerate(order)}
    out = []
    for key in sorted(by_key, key=lambda key: rank.get(key, len(rank))):
        seeded = by_key[key]
        first = seeded[0]
        row = {name: first[name] for name in ("run", "group", "corpus", "split", "stage", "what")}
        row["num_candidates"] = first.get("num_candidates")
        row.update(n_seeds=len(seeded), seeds=[r["seed"] for r in seeded])
        row.update({name: spread([r.get(name) for r in seeded]) for name in AGGREGATED})
        scorings = list(dict.fromkeys(name for r in seeded for name in r.get("scoring_top1") or {}))
        if scorings:
            row["scoring_top1"] = {
                name: spread([(r.get("scoring_top1") or {}).get(name) for r in seeded]) for name in scorings
            }
        out.append(row)
    return out


def paired_comparisons(files: dict[tuple[int, str], Path], seeds: Sequence[int]) -> list[dict]:
    """The ``PAIRED`` comparisons over the seeds where both arms finished: arm A's top-1 (``predictions``: the
    model's own ranking, fused with the knowledge prior when it has one) and, where that is fused, its LLM-alone
    ranking (``scoring_predictions["sum"]``) against arm B's ``predictions``."""
    out = []
    for title, a_run, a_label, b_run, b_label in PAIRED:
        loaded = {
            seed: (_with_llm_alone(_read_json(files[seed, a_run])), _read_json(files[seed, b_run]))
            for seed in seeds
            if (seed, a_run) in files and (seed, b_run) in files
        }
        fused = any("llm_predictions" in (a or {}) for a, _ in loaded.values())
        for key in ("predictions", *(["llm_predictions"] if fused else [])):
            label = a_label.replace("SUGAR", "SUGAR, LLM alone") if key == "llm_predictions" else a_label
            comparison = paired_comparison(f"{title}: {label} vs {b_label}", a_run, key, b_run, loaded)
            if comparison is not None:
                out.append(comparison)
    return out


def _with_llm_alone(metrics: dict | None) -> dict | None:
    """A stage-2 run ranked with its knowledge prior (``scoring_top1`` has ``fused``) also gets
    ``llm_predictions``: its LLM-alone (summed log-likelihood) top-1 per clip."""
    variants = (metrics or {}).get("scoring_predictions") or {}
    if "fused" in variants and "sum" in variants:
        return {**metrics, "llm_predictions": variants["sum"]}
    return metrics


def paired_comparison(name: str, a_run: str, a_key: str, b_run: str,
                      loaded: dict[int, tuple[dict | None, dict | None]]) -> dict | None:  # fmt: skip
    """A - B on the same clips: per seed the top-1 of both and the exact McNemar test (``b``: clips only A gets
    right, ``c``: only B), the McNemar test on the clips pooled over the seeds and the paired bootstrap of the
    difference (``BOOTSTRAP_RESAMPLES``). A seed whose files lack per-clip predictions or whose arms were scored
    on other clips is listed under ``skipped``; None when no seed has both arms finished."""
    import numpy as np

    from sugar_hf.metrics.paired import mcnemar, paired_bootstrap

    if not loaded:
        return None
    per_seed, skipped, correct_a, correct_b = [], [], [], []
    for seed, (a, b) in sorted(loaded.items()):
        refs = (a or {}).get("references")
        if a is None or b is None:
            why = "a metrics file could not be read"
        elif a_key not in a or refs is None:
            why = f"no per-clip {a_key} / references in {a_run}"
        elif "predictions" not in b or "references" not in b:
            why = f"no per-clip predictions / references in {b_run}"
        elif b["references"] != refs or len(a[a_key]) != len(refs) or len(b["predictions"]) != len(refs):
            why = "the arms were scored on different clips"
        else:
            why = None
        if why:
            skipped.append({"seed": seed, "why": why})
            continue
        refs = np.asarray(refs)
        hits_a, hits_b = np.asarray(a[a_key]) == refs, np.asarray(b["predictions"]) == refs
        test = mcnemar(hits_a, hits_b)
        per_seed.append({"seed": seed, "clips": int(refs.size), "a_top1": float(hits_a.mean()),
                         "b_top1": float(hits_b.mean()), "difference": float(hits_a.mean() - hits_b.mean()),
                         "b": test.b, "c": test.c, "p_value": test.p_value})  # fmt: skip
        correct_a.append(hits_a)
        correct_b.append(hits_b)
    result = {"comparison": name, "a": a_run, "a_predictions": a_key, "b": b_run, "per_seed": per_seed,
              "pooled": None, "bootstrap": None, "skipped": skipped}  # fmt: skip
    if per_seed:
        pooled = mcnemar(np.concatenate(correct_a), np.concatenate(correct_b))
        result["pooled"] = {"seeds": [row["seed"] for row in per_seed], "clips": sum(row["clips"] for row in per_seed),
                            "b": pooled.b, "c": pooled.c, "p_value": pooled.p_value}  # fmt: skip
        boot = paired_bootstrap(correct_a, correct_b, n=BOOTSTRAP_RESAMPLES, seed=0)
        result["bootstrap"] = {"difference": boot.difference, "ci95": [boot.ci_low, boot.ci_high],
                               "share_a_ge_b": boot.share_a_ge_b, "n_resamples": boot.n_resamples}  # fmt: skip
    return result


def _read_json(path: Path) -> dict | None:
    """A JSON file's content; None when it is missing or not (yet) valid JSON (another lane writing it)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def default_arm_row(group: str, workdir: Path, preset: dict) -> list[dict]:
    """The ablation's default arm, read off the main stage-2 run at the ablation arms' epoch budget."""
    main = workdir / ABLATION_CORPUS / "stage2"
    epochs = preset.get("ablation_stage2_epochs")
    metrics_file = main / (f"epoch{epochs}_eval_metrics.json" if epochs else "eval_metrics.json")
    if not metrics_file.exists():
        return []
    budget = f" ({ABLATION_CORPUS}/stage2 after epoch {epochs})" if epochs else f" ({ABLATION_CORPUS}/stage2)"
    name = f"{ABLATION_CORPUS}/stage2" + (f"@epoch{epochs}" if epochs else "")
    return [
        result_row(name, group, ABLATION_CORPUS, "2", DEFAULT_ARMS[group] + budget, metrics_file, None, None)
    ]


def result_row(name: str, group: str, corpus: str, stage: str, what: str, metrics_file: Path,
               wall_seconds: float | None, probe: float | None, gate: float | None = None) -> dict:  # fmt: skip
    """One results.json row from a run's metrics file."""
    metrics = json.loads(metrics_file.read_text())
    return {
        "run": name, "group": group, "corpus": corpus, "split": CORPORA[corpus][2], "stage": stage, "what": what,
        "top1": metrics["top1"], "top5": metrics.get("top5"), "mean_class_accuracy": metrics.get("mean_class_accuracy"),
        "wall_seconds": wall_seconds,
        "num_candidates": metrics.get("num_candidates", len(metrics.get("class_names", [])) or None),
        "linear_probe_top1": probe,
        "gate_top1": gate,
        # top-1 under each candidate scoring of stage 2 (sum, mean, fused...), whichever the run reports
        **({"scoring_top1": metrics["scoring_top1"]} if isinstance(metrics.get("scoring_top1"), dict) else {}),
        "finished": dt.datetime.fromtimestamp(metrics_file.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds"),
    }  # fmt: skip


def _read_gate(folder: Path) -> float | None:
    """Stage 2's gate metric: nearest-name accuracy of the aligned projector on the eval split (alignment.json)."""
    path = folder / "alignment.json"
    return json.loads(path.read_text()).get("gate_after") if path.exists() else None


def _read_probe(folder: Path) -> float | None:
    return (_read_json(folder / "linear_probe.json") or {}).get("top1")


def _threads() -> int:
    import torch

    return torch.get_num_threads()


def markdown(summary: dict) -> str:
    """results.md: the runs' mean +- std over their seeds, then the paired comparisons."""

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.1f}"

    def spread(stat: dict | None) -> str:
        if not stat or stat["mean"] is None:
            return "–"
        return pct(stat["mean"]) + ("" if stat["std"] is None else f" ± {100 * stat['std']:.1f}")

    seeds = summary.get("seeds") or []
    lines = [
        f"Measured {summary['date']} on {summary['machine']} (preset `{summary['preset']}`) with "
        f"`python benchmarks/real_data.py --seeds {' '.join(map(str, seeds))}`: mean ± sample standard deviation "
        "over the seeds each run finished (n).",
        "",
        "| corpus (split) | run | model | n | top-1 % | top-5 % | mean class % | encoder probe % | gate % | wall |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["aggregated"]:
        wall = row["wall_seconds"]["mean"]
        wall = "–" if wall is None else f"{wall / 60:.1f} min"
        lines.append(f"| {row['corpus']} ({row['split']}) | `{row['run']}` | {row['what']} | {row['n_seeds']} | "
                     f"{spread(row['top1'])} | {spread(row['top5'])} | {spread(row['mean_class_accuracy'])} | "
                     f"{spread(row['linear_probe_top1'])} | {spread(row['gate_top1'])} | {wall} |")  # fmt: skip
    lines += [
        "",
        "Encoder probe: test top-1 of a logistic regression on the frozen stage-1 encoder's mean-pooled "
        "tokens (how much of the action the features hold, before any LLM; features standardised on the "
        "training split, L2 chosen by 5-fold cross-validation on the training split, L-BFGS run to a gradient "
        "norm of 1e-6, convergence recorded in `linear_probe.json`). Gate: after the projector "
        "alignment, before the LLM is tuned, the share of test clips whose mean skeleton token is nearest to "
        "their own class name's mean LLM input embedding (what stage 2 can reach before paying for it). "
        "Wall: per seed (the mean over the seeds).",
    ]
    scorings: dict[str, dict] = {}  # a run's first row (an ablation's default arm repeats the main run)
    for row in summary["aggregated"]:
        if row.get("scoring_top1"):
            scorings.setdefault(row["run"], row)
    if scorings:
        lines += ["", "Top-1 % by candidate scoring: " + "; ".join(
            f"`{row['run']}` " + ", ".join(f"{name} {spread(stat)}" for name, stat in row["scoring_top1"].items())
            for row in scorings.values()) + "."]  # fmt: skip
    paired = [comparison for comparison in summary.get("paired", []) if comparison["bootstrap"]]
    if paired:
        lines += [
            "",
            "Paired on the same test clips, A - B: the top-1 difference (mean over seeds) with its 95 % paired-"
            "bootstrap interval (clips resampled within each seed, the same clips for both arms), and the exact "
            "McNemar test on the clips pooled over the seeds (b: clips only A gets right, c: only B).",
            "",
            "| comparison | A | B | n | A - B (points) | 95 % CI | McNemar b / c | p |",
            "|---|---|---|---:|---:|---|---:|---:|",
        ]
        for comparison in paired:
            boot, pooled = comparison["bootstrap"], comparison["pooled"]
            low, high = boot["ci95"]
            lines.append(f"| {comparison['comparison']} | `{comparison['a']}` | `{comparison['b']}` | "
                         f"{len(pooled['seeds'])} | {100 * boot['difference']:+.1f} | "
                         f"[{100 * low:+.1f}, {100 * high:+.1f}] | {pooled['b']} / {pooled['c']} | "
                         f"{pooled['p_value']:.2g} |")  # fmt: skip
    if summary["pending"]:
        pending: dict[str, list[str]] = {}
        for name in summary["pending"]:
            seed, run = name.split("/", 1)
            pending.setdefault(run, []).append(seed.removeprefix("seed"))
        lines += ["", "Not run yet: " + ", ".join(f"`{run}` (seed {', '.join(missing)})"
                                                  for run, missing in pending.items()) + "."]  # fmt: skip
    return "\n".join(lines) + "\n"


class FollowUpError(RuntimeError):
    """A finished run's follow-up failed (its linear probe, the free zero-shot baseline): the runs that depend on
    it still go ahead."""


def run_lanes(jobs: Sequence[tuple[int, Run]], lanes: int, work: Callable[[int, Run], None],
              after: Callable[[], None] = lambda: None) -> list[str]:  # fmt: skip
    """Run ``work(seed, run)`` for every job, up to ``lanes`` at once (threads: the work is a subprocess), in the
    order of ``jobs`` except that a job waits for the runs of its own seed that it depends on and is skipped when
    one of them failed; one failure never ends the rest. ``after`` runs in the calling thread after each job (the
    tables). Returns the failed jobs, ``seed<k>/<run name>``."""
    names = {(seed, run.name) for seed, run in jobs}
    waiting = list(jobs)
    running: dict[Future, tuple[int, Run]] = {}
    finished: set[tuple[int, str]] = set()
    failed: set[tuple[int, str]] = set()
    report: list[str] = []
    with ThreadPoolExecutor(max_workers=lanes) as pool:
        while waiting or running:
            for job in list(waiting):
                seed, run = job
                deps = [(seed, dep) for dep in run.depends if (seed, dep) in names]
                if any(dep in failed for dep in deps):
                    print(f"=== seed{seed}/{run.name}: skipped, {run.depends} failed", flush=True)
                    waiting.remove(job)
                    failed.add((seed, run.name))
                    report.append(f"seed{seed}/{run.name}")
                elif len(running) < lanes and all(dep in finished for dep in deps):
                    waiting.remove(job)
                    running[pool.submit(work, seed, run)] = job
            if not running:  # cannot happen: a job's dependencies come from the same list
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                seed, run = running.pop(future)
                label = f"seed{seed}/{run.name}"
                try:
                    future.result()
                    finished.add((seed, run.name))
                except FollowUpError as error:
                    print(f"=== {label}: follow-up FAILED ({error})", flush=True)
                    finished.add((seed, run.name))
                    report.append(f"{label} (follow-up)")
                except Exception as error:  # one failed run never ends the rest
                    known = isinstance(error, (subprocess.CalledProcessError, RuntimeError))
                    print(f"=== {label}: FAILED ({error})" + ("" if known else "\n" + traceback.format_exc()),
                          flush=True)  # fmt: skip
                    failed.add((seed, run.name))
                    report.append(label)
            after()
    return report


def update_readme(readme: Path, table: str) -> None:
    start, end = "<!-- real-data:start -->", "<!-- real-data:end -->"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{readme}: add the markers {start} and {end} where the table goes")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", default=str(ROOT / "outputs" / "real_data"))
    parser.add_argument("--data", default=str(ROOT / "data"), help="where converted corpora go")
    parser.add_argument(
        "--shared", default=os.environ.get("SUGAR_HF_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    )
    parser.add_argument("--preset", default="cpu", choices=sorted(PRESETS))
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups of {GROUPS}")
    parser.add_argument("--readme", default=None, help="rewrite the table between the real-data markers here")
    parser.add_argument(
        "--threads", type=int, default=None,
        help="torch/OpenMP threads per run (default: all cores, divided by --lanes; use fewer on a shared "
        "machine, where oversubscribed OpenMP threads slow a run down by 10x)",
    )  # fmt: skip
    parser.add_argument(
        "--runs", default=None,
        help="comma-separated run names or patterns within --only, e.g. 'projector_*,knowledge_*/stage1'",
    )  # fmt: skip
    parser.add_argument(
        "--summary-only", action="store_true", help="only rebuild the tables from finished runs"
    )
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0],
        help="training seeds: every selected run once per seed, into <workdir>/seed<k>/ (default: 0)",
    )  # fmt: skip
    parser.add_argument(
        "--lanes", type=int, default=1,
        help="training processes at once (a stage 2 waits for its stage 1); each gets --threads threads",
    )  # fmt: skip
    args = parser.parse_args()
    if args.lanes < 1:
        raise SystemExit("--lanes must be at least 1")
    seeds = list(dict.fromkeys(args.seeds))

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    runs = plan(PRESETS[args.preset])
    wanted = set(args.only.split(","))
    unknown = wanted - set(GROUPS)
    if unknown:
        raise SystemExit(f"--only: unknown groups {sorted(unknown)}; choose from {GROUPS}")
    by_name = {run.name: run for run in runs}
    selected = [run for run in runs if run.group in wanted]
    if args.runs:
        patterns = args.runs.split(",")
        selected = [run for run in selected if any(fnmatch.fnmatch(run.name, p) for p in patterns)]
        if not selected:
            raise SystemExit(f"--runs {args.runs}: no run of {sorted(wanted)} matches; runs: {list(by_name)}")
    for run in list(selected):  # an ablation needs the main run it shares
        for dep in run.depends:
            if by_name[dep] not in selected:
                selected.insert(selected.index(run), by_name[dep])

    def write_tables() -> None:
        summary = summarise(runs, workdir, args.preset, seeds)
        (workdir / "results.json").write_text(json.dumps(summary, indent=2))
        table = markdown(summary)
        (workdir / "results.md").write_text(table)
        if args.readme:
            update_readme(Path(args.readme), table)

    threads = args.threads or (max(1, (os.cpu_count() or 1) // args.lanes) if args.lanes > 1 else None)
    if threads:
        os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(threads)
    legacy = [run.name for run in runs if (workdir / run.name / "train_results.json").exists()]
    if legacy:
        print(f"note: {workdir} holds runs outside the seed folders ({', '.join(legacy)}): they are not read; "
              "they used train.py's default seed 42: move them to seed42/ and pass --seeds 42 to keep them")  # fmt: skip
    failed: list[str] = []
    if not args.summary_only:
        convert_lock = threading.Lock()

        def work(seed: int, run: Run) -> None:
            root = seed_folder(workdir, seed)
            folder = root / run.name
            with convert_lock:  # one conversion of a corpus, whichever lane needs it first
                try:
                    dataset = ensure_converted(run.corpus, Path(args.data), Path(args.shared))
                except SystemExit as error:  # raw data missing: this corpus' runs fail, the other lanes go on
                    raise RuntimeError(str(error)) from None
            if is_done(folder, run):
                print(f"=== {root.name}/{run.name}: done, skipped", flush=True)
            else:
                try:
                    execute(run, root, dataset, seed)
                except subprocess.CalledProcessError as error:
                    raise RuntimeError(f"{error}; log: {folder / 'train.log'}") from error
            try:
                probe_once(run, folder, dataset)
                stage1_zero_shot_once(run, folder, dataset)
            except Exception as error:  # the run itself is done: the runs that depend on it still go ahead
                raise FollowUpError(f"{run.name}: {error}") from error

        jobs = [(seed, run) for seed in seeds for run in selected]  # seed 0's runs first, then seed 1's...
        failed = run_lanes(jobs, args.lanes, work, write_tables)
    write_tables()
    print((workdir / "results.md").read_text())
    if failed:
        raise SystemExit(f"failed runs: {failed} (fix and re-run the same command: finished runs are kept)")


if __name__ == "__main__":
    main()
