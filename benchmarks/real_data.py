"""Accuracy on real recorded skeletons: SUGAR vs the CTR-GCN + FC baseline on NW-UCLA and UTD-MHAD, the
paper's projector and knowledge ablations, and a zero-shot split, on the embedded default (SmolLM2 + MiniLM).

    python benchmarks/real_data.py                      # everything, resumable (re-run the same command)
    python benchmarks/real_data.py --only main_utd_mhad,zero_shot --readme README.md

Every run is one `examples/train.py` process (stage 1, stage 2 or baseline) writing its own folder under
``--workdir``; a finished run is skipped, an interrupted one continues from its last checkpoint (``--resume
latest``), so the command can be stopped and restarted at any point. After each run the tables are rewritten:
``<workdir>/results.json`` and ``results.md`` (and the marked section of ``--readme``).

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
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {  # corpus key -> (raw folder under shared data, converted split folder, split name)
    "utd_mhad": ("utd_mhad", "utd_mhad/xsub", "cross-subject"),
    "nw_ucla": ("nw_ucla", "nw_ucla/xview", "cross-view"),
}
PRESETS = {
    "cpu": {
        "encoder": ["--base_channels", "16", "--num_frames", "32", "--num_persons", "1"],
        "encoder_epochs": {"utd_mhad": 30, "nw_ucla": 15},
        # The stage-2 recipe (issue 13): encoder tokens cached (8 seeded views per clip), the projector aligned
        # to the LLM's name embeddings without the LLM (400 steps), then the LLM phase: LoRA at 1e-3, projector
        # at 3e-4, warm-up + cosine, gradient clipping, no dropout, class names as answers; precision `auto`: bf16
        # autocast on CPUs with native bf16 (AMX / AVX512-BF16), fp32 elsewhere (emulated bf16 was ~17x slower).
        "stage2": (
            "--num_segments 2 --num_queries 8 --instruction candidates_first --answer_description false "
            "--num_train_epochs 3 --per_device_train_batch_size 8 --learning_rate 1e-3 "
            "--projector_learning_rate 3e-4 --warmup_ratio 0.05 --align_steps 400 --mixed_precision auto "
            "--per_device_eval_batch_size 16"
        ).split(),
        # Stage 2 is cheap enough now that every arm gets the main run's budget (its default arm is the main run).
        "ablation_stage2_epochs": None,
    },
    "paper": {
        "encoder": ["--base_channels", "64", "--num_frames", "64", "--num_persons", "1"],
        "encoder_epochs": {"utd_mhad": 65, "nw_ucla": 65},
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
        Run(stage1, group, corpus, "1", encoder_args(preset, corpus, 0.01), "SUGAR stage 1 only (nearest class text)"),
        Run(f"{corpus}/stage2", group, corpus, "2", [*preset["encoder"], *preset["stage2"], *curve],
            "SUGAR (stage 1 + stage 2, LLM ranks the class names)", [stage1]),
    ]  # fmt: skip


def plan(preset: dict) -> list[Run]:
    """Every run of the benchmark, in execution order."""
    runs: list[Run] = main_runs(preset, "utd_mhad")
    zs = ["--zero_shot_protocol", ZERO_SHOT_PROTOCOL]
    runs += [
        Run("zero_shot/stage1", "zero_shot", "utd_mhad", "1", [*encoder_args(preset, "utd_mhad", 0.01), *zs],
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
                [*encoder_args(preset, "utd_mhad", 0.01), "--knowledge", knowledge], f"stage 1, {knowledge}"),
            Run(f"knowledge_{knowledge}/stage2", "knowledge", "utd_mhad", "2",
                [*preset["encoder"], *preset["stage2"], *ablation_args(preset)], f"knowledge: {knowledge}", [stage1]),
        ]  # fmt: skip
    return runs


def probe_once(run: Run, folder: Path, dataset: Path) -> None:
    """Linear probe of a finished stage-1 encoder (seen classes only for the zero-shot run), once."""
    if run.stage == "1" and not (folder / "linear_probe.json").exists():
        seen = zero_shot_seen() if "--zero_shot_protocol" in run.args else None
        (folder / "linear_probe.json").write_text(json.dumps({"top1": linear_probe(folder, dataset, seen)}))


def stage1_zero_shot_once(run: Run, folder: Path, dataset: Path) -> None:
    """The free zero-shot baseline: the zero-shot stage-1 encoder ranks the unseen names by nearest class text."""
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


def execute(run: Run, workdir: Path, dataset: Path) -> None:
    """Train (continuing a partial run), evaluate; accumulate the wall time over attempts."""
    folder = workdir / run.name
    folder.mkdir(parents=True, exist_ok=True)
    wall_file = folder / "benchmark_wall.json"
    wall = json.loads(wall_file.read_text()) if wall_file.exists() else {"seconds": 0.0, "attempts": 0}
    # A stage-2 run starts from the stage-1 run it depends on.
    args = [*(arg for dep in run.depends for arg in ("--init_from", str(workdir / dep))), *run.args]
    command = [sys.executable, str(ROOT / "examples" / "train.py"), "--stage", run.stage, "--corpus", run.corpus,
               "--dataset", str(dataset), "--output_dir", str(folder), "--resume", "latest", "--save_steps", "20" if run.stage == "2" else "100",
               "--save_total_limit", "1", "--mixed_precision", "no", "--disable_tqdm", "true", "--logging_steps", "25",
               *args]  # fmt: skip
    print(f"\n=== {run.name}: {' '.join(command[2:])}", flush=True)
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


def linear_probe(stage1_folder: Path, dataset: Path, classes: list[int] | None = None) -> float:
    """Test top-1 of a logistic regression on the frozen encoder's mean-pooled tokens (fit on the train split):
    how much of the action is in the features that stage 2 must read, independent of the LLM."""
    import numpy as np
    import torch

    from sugar_hf import SugarSkeletonTextModel
    from sugar_hf.data.torch_dataset import SkeletonTorchDataset
    from sugar_hf.training.data import keep_labels, load_splits

    model = SugarSkeletonTextModel.from_pretrained(str(stage1_folder)).eval()
    train, test, names, _ = load_splits(str(dataset), "train", "test")
    if classes is not None:
        train, test = keep_labels(train, classes), keep_labels(test, classes)
    enc = model.config.encoder_config

    def features(split):
        # The checkpoint's own preprocessing (stream, test crop, centring, view alignment, in_channels).
        view = SkeletonTorchDataset.from_encoder_config(split, enc, train=False)
        xs, ys = [], []
        for start in range(0, len(view), 64):
            items = [view[i] for i in range(start, min(start + 64, len(view)))]
            with torch.no_grad():
                tokens = model.encoder(
                    torch.from_numpy(np.stack([it["skeleton"] for it in items]))
                ).last_hidden_state
            xs.append(tokens.mean(1))
            ys += [int(it["label"]) for it in items]
        return torch.cat(xs), torch.tensor(ys)

    x_train, y_train = features(train)
    x_test, y_test = features(test)
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    weight = torch.zeros(x_train.shape[1], len(names), requires_grad=True)
    bias = torch.zeros(len(names), requires_grad=True)
    optimizer = torch.optim.LBFGS([weight, bias], max_iter=300)

    def closure():
        optimizer.zero_grad()
        loss = (
            torch.nn.functional.cross_entropy(x_train @ weight + bias, y_train) + 1e-3 * weight.square().sum()
        )
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        return float(((x_test @ weight + bias).argmax(1) == y_test).float().mean())


def summarise(runs: list[Run], workdir: Path, preset_name: str) -> dict:
    """results.json rows for every finished run."""
    rows = []
    shown_defaults: set[str] = set()
    for run in runs:
        if run.group in DEFAULT_ARMS and run.group not in shown_defaults:
            shown_defaults.add(run.group)
            rows += default_arm_row(run.group, workdir, PRESETS[preset_name])
        folder = workdir / run.name
        if not is_done(folder, run):
            continue
        metrics_file = folder / ("zero_shot_metrics.json" if run.zero_shot else "eval_metrics.json")
        wall = json.loads((folder / "benchmark_wall.json").read_text())["seconds"]
        rows.append(result_row(run.name, run.group, run.corpus, run.stage, run.label, metrics_file,
                               round(wall, 1), _read_probe(folder), _read_gate(folder)))  # fmt: skip
        if run.name == "zero_shot/stage1" and (folder / "zero_shot_metrics.json").exists():
            rows.append(result_row(f"{run.name}@unseen", run.group, run.corpus, run.stage,
                                   "stage 1 (22 seen classes) ranking the 5 unseen names by nearest class text "
                                   "(the free zero-shot baseline)", folder / "zero_shot_metrics.json", None, None))  # fmt: skip
    return {
        "date": dt.datetime.now(dt.timezone.utc).date().isoformat(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip()
        + f", {os.cpu_count()} cores, "
        f"torch threads {os.environ.get('OMP_NUM_THREADS') or _threads()}",
        "preset": preset_name,
        "rows": rows,
        "pending": [run.name for run in runs if not is_done(workdir / run.name, run)],
    }


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
        "finished": dt.datetime.fromtimestamp(metrics_file.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds"),
    }  # fmt: skip


def _read_gate(folder: Path) -> float | None:
    """Stage 2's gate metric: nearest-name accuracy of the aligned projector on the eval split (alignment.json)."""
    path = folder / "alignment.json"
    return json.loads(path.read_text()).get("gate_after") if path.exists() else None


def _read_probe(folder: Path) -> float | None:
    path = folder / "linear_probe.json"
    return json.loads(path.read_text())["top1"] if path.exists() else None


def _threads() -> int:
    import torch

    return torch.get_num_threads()


def markdown(summary: dict) -> str:
    def pct(value):
        return "–" if value is None else f"{100 * value:.1f}"

    lines = [
        f"Measured {summary['date']} on {summary['machine']} (preset `{summary['preset']}`) with "
        "`python benchmarks/real_data.py`.",
        "",
        "| corpus (split) | run | model | top-1 % | top-5 % | mean class % | encoder probe % | gate % | wall |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["rows"]:
        wall = "–" if row["wall_seconds"] is None else f"{row['wall_seconds'] / 60:.1f} min"
        lines.append(f"| {row['corpus']} ({row['split']}) | `{row['run']}` | {row['what']} | {pct(row['top1'])} | "
                     f"{pct(row['top5'])} | {pct(row['mean_class_accuracy'])} | {pct(row.get('linear_probe_top1'))} | "
                     f"{pct(row.get('gate_top1'))} | {wall} |")  # fmt: skip
    lines += [
        "",
        "Encoder probe: test top-1 of a logistic regression on the frozen stage-1 encoder's mean-pooled "
        "tokens (how much of the action the features hold, before any LLM). Gate: after the projector "
        "alignment, before the LLM is tuned, the share of test clips whose mean skeleton token is nearest to "
        "their own class name's mean LLM input embedding (what stage 2 can reach before paying for it).",
    ]
    if summary["pending"]:
        lines += ["", "Not run yet: " + ", ".join(f"`{name}`" for name in summary["pending"]) + "."]
    return "\n".join(lines) + "\n"


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
        help="torch/OpenMP threads per run (default: all cores; use fewer on a shared machine, where "
        "oversubscribed OpenMP threads slow a run down by 10x)",
    )  # fmt: skip
    parser.add_argument(
        "--runs", default=None,
        help="comma-separated run names or patterns within --only, e.g. 'projector_*,knowledge_*/stage1'",
    )  # fmt: skip
    parser.add_argument(
        "--summary-only", action="store_true", help="only rebuild the tables from finished runs"
    )
    args = parser.parse_args()

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
        summary = summarise(runs, workdir, args.preset)
        (workdir / "results.json").write_text(json.dumps(summary, indent=2))
        table = markdown(summary)
        (workdir / "results.md").write_text(table)
        if args.readme:
            update_readme(Path(args.readme), table)

    if args.threads:
        os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(args.threads)
    failed: list[str] = []
    if not args.summary_only:
        for run in selected:
            folder = workdir / run.name
            if is_done(folder, run):
                print(f"=== {run.name}: done, skipped", flush=True)
                dataset = ensure_converted(run.corpus, Path(args.data), Path(args.shared))
                probe_once(run, folder, dataset)
                stage1_zero_shot_once(run, folder, dataset)
                continue
            if any(dep in failed for dep in run.depends):
                print(f"=== {run.name}: skipped, {run.depends} failed", flush=True)
                failed.append(run.name)
                continue
            dataset = ensure_converted(run.corpus, Path(args.data), Path(args.shared))
            try:
                execute(run, workdir, dataset)
                probe_once(run, folder, dataset)
                stage1_zero_shot_once(run, folder, dataset)
            except (
                subprocess.CalledProcessError,
                RuntimeError,
            ) as error:  # one failed run never ends the rest
                print(f"=== {run.name}: FAILED ({error}); log: {folder / 'train.log'}", flush=True)
                failed.append(run.name)
            write_tables()
    write_tables()
    print((workdir / "results.md").read_text())
    if failed:
        raise SystemExit(f"failed runs: {failed} (fix and re-run the same command: finished runs are kept)")


if __name__ == "__main__":
    main()
