"""benchmarks/real_data.py's seed protocol on a fake workdir: per-seed rows, the aggregate over seeds, the paired
comparisons, the markdown, --summary-only, the lanes scheduler and the per-clip predictions of evaluate_folder."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = "intro\n<!-- real-data:start -->\nold table\n<!-- real-data:end -->\nrest\n"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("real_data_benchmark", ROOT / "benchmarks" / "real_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass resolves its string annotations through sys.modules
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def predictions(correct: list[int], refs: list[int], classes: int = 5) -> list[int]:
    return [ref if hit else (ref + 1) % classes for hit, ref in zip(correct, refs)]


REFS = [i % 5 for i in range(10)]
# per seed: the clips each arm gets right (10 clips)
FC = {0: [1] * 8 + [0] * 2, 1: [0] + [1] * 9, 2: [1] * 10}
SUGAR = {0: [1] * 10, 1: [1, 0, 0] + [1] * 7}  # seed 2's stage 2 has not finished


def write_run(folder: Path, correct: list[int] | None = None, metrics_name: str = "eval_metrics.json",
              wall: float | None = 60.0, **extra) -> None:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train_results.json").write_text(json.dumps({"train_loss": 1.0}))
    if wall is not None:
        (folder / "benchmark_wall.json").write_text(json.dumps({"seconds": wall, "attempts": 1}))
    if correct is not None:
        metrics = {"top1": sum(correct) / len(correct), "top5": 1.0, "mean_class_accuracy": sum(correct) / 10,
                   "predictions": predictions(correct, REFS), "references": REFS, "class_names": list("abcde")}  # fmt: skip
        (folder / metrics_name).write_text(json.dumps({**metrics, **extra}))


@pytest.fixture()
def workdir(tmp_path):
    root = tmp_path / "real_data"
    for seed in (0, 1, 2):
        s = root / f"seed{seed}"
        write_run(s / "utd_mhad/baseline", FC[seed], wall=60.0 * (seed + 1))
        if seed in SUGAR:
            write_run(s / "utd_mhad/stage1", [1] * 5 + [0] * 5)
            (s / "utd_mhad/stage1/linear_probe.json").write_text(
                json.dumps({"top1": 0.7 + 0.1 * seed, "x": 1})
            )
            hits = SUGAR[seed]
            scoring = {"sum": sum(hits) / 10, "mean": 0.5, "fused": 1.0}
            # the LLM alone (sum) gets `hits` right; the model's own ranking (fused with the prior) every clip
            write_run(s / "utd_mhad/stage2", hits, wall=120.0, scoring_top1=scoring, predictions=REFS, top1=1.0,
                      scoring_predictions={"sum": predictions(hits, REFS), "fused": REFS})  # fmt: skip
            (s / "utd_mhad/stage2/alignment.json").write_text(json.dumps({"gate_after": 0.6}))
    # seed 2: stage 1 still training (a log only) and stage 2 not started
    (root / "seed2/utd_mhad/stage1").mkdir(parents=True)
    (root / "seed2/utd_mhad/stage1/train.log").write_text("step 10\n")
    # zero-shot: the free stage-1 baseline of seed 0 has per-clip predictions, seed 1's predates them
    s0, s1 = root / "seed0", root / "seed1"
    write_run(s0 / "zero_shot/stage1", [1] * 6 + [0] * 4)
    write_run(s0 / "zero_shot/stage1", [1] * 6 + [0] * 4, metrics_name="zero_shot_metrics.json")
    write_run(s0 / "zero_shot/stage2", [1] * 8 + [0] * 2, metrics_name="zero_shot_metrics.json")
    write_run(s1 / "zero_shot/stage1", [1] * 6 + [0] * 4)
    (s1 / "zero_shot/stage1/zero_shot_metrics.json").write_text(json.dumps({"top1": 0.6, "top5": 1.0}))
    write_run(s1 / "zero_shot/stage2", [1] * 7 + [0] * 3, metrics_name="zero_shot_metrics.json")
    # a metrics file another lane is still writing: left out of the tables, no crash
    write_run(s1 / "nw_ucla/baseline")
    (s1 / "nw_ucla/baseline/eval_metrics.json").write_text('{"top1": 0.')
    return root


def by_run(rows: list[dict], group: str | None = None) -> dict[str, dict]:
    return {row["run"]: row for row in rows if group is None or row["group"] == group}


def test_summary_aggregates_seeds_and_pairs_the_clips(bench, workdir):
    summary = bench.summarise(bench.plan(bench.PRESETS["cpu"]), workdir, "cpu", seeds=[0])
    assert summary["seeds"] == [0, 1, 2]  # the requested seed and the workdir's seed folders
    per_seed = {(row["seed"], row["run"]) for row in summary["rows"] if row["group"] == "main_utd_mhad"}
    assert per_seed == {(0, "utd_mhad/baseline"), (0, "utd_mhad/stage1"), (0, "utd_mhad/stage2"),
                        (1, "utd_mhad/baseline"), (1, "utd_mhad/stage1"), (1, "utd_mhad/stage2"),
                        (2, "utd_mhad/baseline")}  # fmt: skip
    assert not any(row["run"] == "nw_ucla/baseline" for row in summary["rows"])  # the half-written file
    assert "seed2/utd_mhad/stage1" in summary["pending"] and "seed2/utd_mhad/stage2" in summary["pending"]
    assert "seed0/utd_mhad/stage2" not in summary["pending"]

    main = by_run(summary["aggregated"], "main_utd_mhad")
    assert list(main) == ["utd_mhad/baseline", "utd_mhad/stage1", "utd_mhad/stage2"]  # plan order
    baseline = main["utd_mhad/baseline"]
    assert baseline["n_seeds"] == 3 and baseline["seeds"] == [0, 1, 2]
    assert baseline["top1"]["values"] == [0.8, 0.9, 1.0]
    assert baseline["top1"]["mean"] == pytest.approx(0.9) and baseline["top1"]["std"] == pytest.approx(0.1)
    assert baseline["wall_seconds"]["mean"] == pytest.approx(120.0)  # the mean per seed
    stage1 = main["utd_mhad/stage1"]
    assert stage1["linear_probe_top1"]["values"] == pytest.approx([0.7, 0.8])
    assert stage1["linear_probe_top1"]["std"] == pytest.approx(np.std([0.7, 0.8], ddof=1))
    stage2 = main["utd_mhad/stage2"]
    assert stage2["n_seeds"] == 2 and stage2["top1"]["mean"] == pytest.approx(1.0)
    assert stage2["gate_top1"] == {"mean": 0.6, "std": 0.0, "values": [0.6, 0.6]}
    assert set(stage2["scoring_top1"]) == {"sum", "mean", "fused"}  # data-driven: every key the runs report
    assert stage2["scoring_top1"]["fused"]["mean"] == 1.0
    assert stage2["scoring_top1"]["sum"]["values"] == [1.0, 0.8]
    assert "scoring_top1" not in baseline
    default_arm = by_run(summary["aggregated"], "projector")["utd_mhad/stage2"]  # the ablation's default arm
    assert default_arm["n_seeds"] == 2 and default_arm["wall_seconds"]["mean"] is None
    unseen = by_run(summary["aggregated"], "zero_shot")["zero_shot/stage1@unseen"]
    assert unseen["n_seeds"] == 2 and unseen["top1"]["std"] is not None

    paired = {comparison["comparison"]: comparison for comparison in summary["paired"]}
    assert set(paired) == {
        "utd_mhad: SUGAR vs FC",
        "utd_mhad: SUGAR, LLM alone vs FC",
        "zero-shot: SUGAR vs stage 1",
    }
    sugar = paired["utd_mhad: SUGAR, LLM alone vs FC"]
    assert sugar["a_predictions"] == "llm_predictions"
    assert [(row["seed"], row["b"], row["c"]) for row in sugar["per_seed"]] == [(0, 2, 0), (1, 1, 2)]
    assert sugar["per_seed"][0]["difference"] == pytest.approx(0.2)
    assert sugar["pooled"] == {"seeds": [0, 1], "clips": 20, "b": 3, "c": 2, "p_value": 1.0}
    assert sugar["bootstrap"]["difference"] == pytest.approx(0.05)  # (+0.2 - 0.1) / 2
    low, high = sugar["bootstrap"]["ci95"]
    assert low < 0 < 0.05 < high and 0 < sugar["bootstrap"]["share_a_ge_b"] < 1
    fused = paired["utd_mhad: SUGAR vs FC"]
    assert fused["a_predictions"] == "predictions"
    assert (fused["pooled"]["b"], fused["pooled"]["c"]) == (3, 0)
    assert fused["pooled"]["p_value"] == pytest.approx(2 * 0.5**3)
    assert fused["bootstrap"]["difference"] == pytest.approx(0.15)
    assert fused["bootstrap"]["share_a_ge_b"] == 1.0
    zero_shot = paired["zero-shot: SUGAR vs stage 1"]
    assert zero_shot["b"] == "zero_shot/stage1@unseen"
    assert [row["seed"] for row in zero_shot["per_seed"]] == [0]
    assert zero_shot["per_seed"][0]["difference"] == pytest.approx(0.2)
    assert zero_shot["skipped"] == [
        {"seed": 1, "why": "no per-clip predictions / references in zero_shot/stage1@unseen"}
    ]

    table = bench.markdown(summary)
    assert "--seeds 0 1 2" in table
    assert "| `utd_mhad/baseline` | CTR-GCN + FC (cross-entropy) | 3 | 90.0 ± 10.0 | 100.0 ± 0.0 |" in table
    assert "| 2 | 100.0 ± 0.0 |" in table  # stage 2 over its two seeds
    assert "| 75.0 ± 7.1 |" in table  # the probe column of stage 1
    assert "2.0 min |" in table  # the baseline's mean wall per seed
    assert "`utd_mhad/stage2` sum 90.0 ± 14.1, mean 50.0 ± 0.0, fused 100.0 ± 0.0" in table
    assert (
        "| utd_mhad: SUGAR, LLM alone vs FC | `utd_mhad/stage2` | `utd_mhad/baseline` | 2 | +5.0 | [" in table
    )
    assert "| utd_mhad: SUGAR vs FC |" in table and "| 3 / 0 | 0.25 |" in table
    assert (
        "| zero-shot: SUGAR vs stage 1 | `zero_shot/stage2` | `zero_shot/stage1@unseen` | 1 | +20.0 |"
        in table
    )
    assert "`utd_mhad/stage2` (seed 2)" in table and "`nw_ucla/stage2` (seed 0, 1, 2)" in table


def test_one_seed_shows_no_spread(bench, tmp_path):
    root = tmp_path / "one"
    write_run(root / "seed0/utd_mhad/baseline", FC[0])
    summary = bench.summarise(bench.plan(bench.PRESETS["cpu"]), root, "cpu")
    (row,) = summary["aggregated"]
    assert row["top1"] == {"mean": 0.8, "std": None, "values": [0.8]}
    assert "| 1 | 80.0 | 100.0 | 80.0 | – | – | 1.0 min |" in bench.markdown(summary)
    assert summary["paired"] == []


def test_summary_only_rewrites_results_and_readme(bench, workdir, monkeypatch, capsys):
    readme = workdir.parent / "README.md"
    readme.write_text(README)
    monkeypatch.setattr(sys, "argv", ["real_data.py", "--workdir", str(workdir), "--summary-only", "--seeds", "0",
                                      "1", "--readme", str(readme)])  # fmt: skip
    bench.main()
    results = json.loads((workdir / "results.json").read_text())
    assert results["seeds"] == [0, 1, 2] and len(results["paired"]) == 3
    assert by_run(results["aggregated"])["utd_mhad/baseline"]["n_seeds"] == 3
    table = (workdir / "results.md").read_text()
    text = readme.read_text()
    assert text.startswith("intro\n<!-- real-data:start -->\n") and text.endswith(
        "<!-- real-data:end -->\nrest\n"
    )
    assert table in text and "old table" not in text
    assert "90.0 ± 10.0" in capsys.readouterr().out


def test_execute_passes_the_seed_and_the_same_seeds_stage1(bench, tmp_path, monkeypatch):
    commands = []

    def fake_run(command, **kwargs):
        commands.append(command)
        out = Path(command[command.index("--output_dir") + 1])
        (out / "train_results.json").write_text("{}")

    monkeypatch.setattr(bench.subprocess, "run", fake_run)
    stage2 = next(run for run in bench.plan(bench.PRESETS["cpu"]) if run.name == "utd_mhad/stage2")
    seed_dir = tmp_path / "seed1"
    bench.execute(stage2, seed_dir, tmp_path / "data", seed=1)
    (command,) = commands
    assert command[command.index("--output_dir") + 1] == str(seed_dir / "utd_mhad/stage2")
    assert command[command.index("--init_from") + 1] == str(seed_dir / "utd_mhad/stage1")
    assert command[-2:] == ["--seed", "1"]
    assert json.loads((seed_dir / "utd_mhad/stage2/benchmark_wall.json").read_text())["attempts"] == 1


def test_lanes_respect_dependencies_and_failures(bench):
    Run = bench.Run
    stage1 = Run("c/stage1", "g", "utd_mhad", "1", [], "")
    runs = [Run("c/baseline", "g", "utd_mhad", "baseline", [], ""), stage1,
            Run("c/stage2", "g", "utd_mhad", "2", [], "", ["c/stage1"])]  # fmt: skip
    jobs = [(seed, run) for seed in (0, 1, 2) for run in runs]
    lock, events, active, peak = threading.Lock(), [], [0], [0]

    def work(seed, run):
        with lock:
            events.append(("start", seed, run.name))
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)
        with lock:
            active[0] -= 1
            events.append(("end", seed, run.name))
        if (seed, run.name) == (1, "c/stage1"):
            raise RuntimeError("training stopped without results")
        if (seed, run.name) == (2, "c/stage1"):
            raise bench.FollowUpError("probe failed")

    tables = []
    failed = bench.run_lanes(jobs, 2, work, lambda: tables.append(1))
    assert failed == ["seed1/c/stage1", "seed1/c/stage2", "seed2/c/stage1 (follow-up)"]
    assert peak[0] == 2 and 1 <= len(tables) <= 8  # two at a time; the tables after the jobs that ran
    started = [(seed, name) for kind, seed, name in events if kind == "start"]
    assert (1, "c/stage2") not in started and (2, "c/stage2") in started  # a follow-up failure blocks nothing
    for seed in (0, 2):  # a stage 2 starts only after its own seed's stage 1 ended
        assert events.index(("end", seed, "c/stage1")) < events.index(("start", seed, "c/stage2"))
    events.clear()
    assert bench.run_lanes(jobs[:6], 1, work) == ["seed1/c/stage1", "seed1/c/stage2"]
    assert [(seed, name) for kind, seed, name in events if kind == "start"] == [
        (0, "c/baseline"), (0, "c/stage1"), (0, "c/stage2"), (1, "c/baseline"), (1, "c/stage1")]  # fmt: skip


def test_main_runs_every_seed_in_lanes(bench, tmp_path, monkeypatch):
    seen = []

    def fake_execute(run, root, dataset, seed=None):
        seen.append((seed, run.name, root.name))
        if run.depends:
            assert (root / run.depends[0] / "train_results.json").exists()
        write_run(root / run.name, FC[seed], wall=1.0)

    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # main() sets them from --threads: restored after the test
    monkeypatch.setenv("MKL_NUM_THREADS", "1")
    monkeypatch.setattr(bench, "execute", fake_execute)
    monkeypatch.setattr(bench, "ensure_converted", lambda corpus, data, shared: tmp_path / "data")
    monkeypatch.setattr(bench, "probe_once", lambda run, folder, dataset: None)
    monkeypatch.setattr(bench, "stage1_zero_shot_once", lambda run, folder, dataset: None)
    workdir = tmp_path / "w"
    argv = ["real_data.py", "--workdir", str(workdir), "--only", "main_utd_mhad", "--seeds", "0", "1", "--lanes", "2",
            "--threads", "1"]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    bench.main()
    assert sorted(seen) == [(seed, name, f"seed{seed}") for seed in (0, 1)
                            for name in ("utd_mhad/baseline", "utd_mhad/stage1", "utd_mhad/stage2")]  # fmt: skip
    results = json.loads((workdir / "results.json").read_text())
    assert {row["run"]: row["n_seeds"] for row in results["aggregated"] if row["group"] == "main_utd_mhad"} == {
        "utd_mhad/baseline": 2, "utd_mhad/stage1": 2, "utd_mhad/stage2": 2}  # fmt: skip
    seen.clear()
    bench.main()  # resumable: every run of both seeds is done
    assert seen == []


def test_evaluate_folder_writes_per_clip_predictions(tmp_path):
    from tiny import CLASSES
    from training_helpers import write_tiny_dataset

    from sugar_hf import SugarBaselineConfig, SugarEncoderConfig, SugarForSkeletonClassification
    from sugar_hf.training.evaluation import evaluate_folder

    data = write_tiny_dataset(tmp_path / "data")
    encoder = SugarEncoderConfig(layout="kinect_v1_20", num_persons=2, num_frames=16, base_channels=8)
    model = SugarForSkeletonClassification(SugarBaselineConfig(encoder_config=encoder, class_names=CLASSES))
    model.save_pretrained(tmp_path / "model")
    evaluate_folder(str(tmp_path / "model"), str(data), "test", str(tmp_path / "eval"), classes=[0, 1, 2],
                    progress=False)  # fmt: skip
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert metrics["references"] == [0, 0, 1, 1, 2, 2]
    assert len(metrics["predictions"]) == 6 and set(metrics["predictions"]) <= {0, 1, 2}
    hits = [p == r for p, r in zip(metrics["predictions"], metrics["references"])]
    assert metrics["top1"] == pytest.approx(sum(hits) / 6)
