"""From a pose estimator's export to a prediction (issue 25): each format's exports (written here) ->
``sugar-hf convert folder --format`` -> a few training steps -> ``sugar-hf predict`` on the export itself and
``transformers.pipeline(...)`` on it; and what conversion now refuses, warns of and prints."""

from __future__ import annotations

import csv
import json
import os

import pytest
from pose_export_fixtures import EXPORT_LAYOUTS, make_clip, write_coco_results, write_export_corpus
from training_helpers import write_tiny_model

from sugar_hf.cli import main, split_candidates

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
FORMATS = ("coco-json", "openpose", "mediapipe", "yolo-pose", "csv-frames")


def _train(argv: list[str]) -> None:
    assert main(["train", *argv, "--disable_tqdm", "true", "--per_device_train_batch_size", "4",
                 "--save_steps", "0", "--max_steps", "2", "--num_frames", "16"]) == 0  # fmt: skip


def _convert(root, fmt, capsys, *extra) -> str:
    labels = write_export_corpus(root, fmt)
    out = root / "data"
    argv = ["convert", "folder", str(root), str(out), "--labels-csv", str(labels), "--format", fmt,
            "--split-by", "subject", "--test-subjects", "s03", "--workers", "1", *extra]  # fmt: skip
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_export_format_converts_trains_predicts_and_runs_the_pipeline(tmp_path, fmt, capsys):
    from datasets import load_from_disk
    from transformers import pipeline

    printed = _convert(tmp_path, fmt, capsys)
    assert "csv/train: 8 clips (clap 4, wave 4)" in printed and "csv/test: 4 clips (clap 2, wave 2)" in printed
    assert "with missing detections filled" in printed and "per person [" in printed
    report = json.loads((tmp_path / "data" / "conversion_report.json").read_text())
    assert report["balanced"] and report["written"] == 12 and len(report["tracking"]) == 12
    assert all(t["filled_total"] == 2 for t in report["tracking"])  # two dropped detections a clip, none hidden
    assert report["counts"]["csv"]["test"] == {"clap": 2, "wave": 2}
    dd = load_from_disk(str(tmp_path / "data" / "csv"))
    described = json.loads(dd["train"].info.description)
    channels = 4 if fmt == "mediapipe" else 3
    assert described["layout"] == EXPORT_LAYOUTS[fmt] and described["channels"] == channels
    assert described["coordinate_channels"] == channels - 1 and described["format"] == fmt
    persons = 1 if fmt == "mediapipe" else 2
    assert set(dd["train"]["num_persons"]) == {persons}

    run = tmp_path / "base"
    _train(["--stage", "baseline", "--dataset", str(tmp_path / "data" / "csv"), "--output_dir", str(run),
            "--base_channels", "8"])  # fmt: skip
    with open(tmp_path / "labels.csv", encoding="utf-8") as handle:
        exports = [tmp_path / row["file"] for row in csv.DictReader(handle) if row["subject"] == "s03"]
    capsys.readouterr()
    assert main(["predict", str(run), *map(str, exports[:2]), "--json", "--top-k", "2"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in results] == list(map(str, exports[:2]))
    for r in results:
        assert {p["label"] for p in r["predictions"]} == {"wave", "clap"}
        assert abs(sum(p["score"] for p in r["predictions"]) - 1) < 1e-4

    pipe = pipeline("skeleton-action-recognition", model=str(run))
    out = pipe(str(exports[0]), top_k=2)
    assert {o["label"] for o in out} == {"wave", "clap"}
    ranked = {p["label"]: p["score"] for p in results[0]["predictions"]}
    assert all(abs(ranked[o["label"]] - o["score"]) < 1e-4 for o in out)  # the same clip, the same ranking


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    config, tokenizer = write_tiny_model(tmp_path_factory.mktemp("tiny_model"))
    return str(config), str(tokenizer)


def test_sugar_stages_on_openpose_exports_rank_unseen_names(tmp_path, tiny, capsys):
    """Stage 1 and stage 2 (a tiny LLM) on OpenPose BODY_25 folders with scores kept as a value channel."""
    from transformers import pipeline

    _convert(tmp_path, "openpose", capsys, "--coordinate-channels", "2")
    config, tokenizer = tiny
    common = ["--dataset", str(tmp_path / "data" / "csv"), "--model_config", config, "--tokenizer", tokenizer]
    _train(["--stage", "1", *common, "--output_dir", str(tmp_path / "s1")])
    _train(["--stage", "2", *common, "--init_from", str(tmp_path / "s1"), "--output_dir", str(tmp_path / "s2")])
    from sugar_hf import SugarForActionRecognition

    model = SugarForActionRecognition.from_pretrained(tmp_path / "s2")
    enc = model.config.encoder_config
    assert (enc.layout, enc.in_channels, enc.coordinate_channels) == ("body25", 3, 2)
    folder = tmp_path / "exports" / "s03_wave_0"
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "s2"), str(folder), "--candidates", "wave,clap", "jump rope", "--json"]) == 0
    ranked = json.loads(capsys.readouterr().out)[0]["predictions"]
    assert {p["label"] for p in ranked} == {"wave", "clap", "jump rope"}
    pipe = pipeline("skeleton-action-recognition", model=str(tmp_path / "s2"))
    out = pipe(str(folder), candidate_labels=["wave", "clap", "jump rope"], top_k=None)
    assert {o["label"] for o in out} == {"wave", "clap", "jump rope"}


def test_candidates_are_one_list_rule_and_never_swallow_a_file(tmp_path, capsys):
    assert split_candidates(["wave", "clap"]) == split_candidates(["wave,clap"]) == ["wave", "clap"]
    assert split_candidates(["jump rope,wave"]) == ["jump rope", "wave"]
    clip = tmp_path / "clip.npy"
    clip.write_bytes(b"")
    for bad, match in ((["wave", str(clip)], "is a file"), (["other.json"], "is a file"), (["wave,,clap"], "empty"),
                       (["wave", "wave"], "twice")):  # fmt: skip
        with pytest.raises(ValueError, match=match):
            split_candidates(bad)
    # on the command line: exit 2 with the reason, never a ranking of the file's name
    assert main(["predict", str(tmp_path), str(clip), "--candidates", "wave", str(clip)]) == 2
    assert "is a file, not an action name" in capsys.readouterr().err


def test_conversion_refuses_one_class_and_warns_of_a_class_with_one_clip(tmp_path, capsys):
    (tmp_path / "exports").mkdir()
    rows = ["file,label,subject"]
    for k in range(4):
        write_coco_results(tmp_path / "exports" / f"c{k}.json", make_clip("coco17", 6, 1, seed=k))
        rows.append(f"exports/c{k}.json,wave,s0{k % 2}")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    argv = ["convert", "folder", str(tmp_path), str(tmp_path / "one"), "--labels-csv", str(tmp_path / "labels.csv"),
            "--format", "coco-json", "--workers", "1"]  # fmt: skip
    assert main(argv) == 2
    assert "at least two classes" in capsys.readouterr().err and not (tmp_path / "one").exists()
    write_coco_results(tmp_path / "exports" / "lone.json", make_clip("coco17", 6, 1, seed=9))
    (tmp_path / "labels.csv").write_text("\n".join(rows + ["exports/lone.json,clap,s01"]) + "\n")
    argv[3] = str(tmp_path / "two")
    assert main([*argv, "--split-by", "random", "--test-fraction", "0.5"]) == 0
    captured = capsys.readouterr()
    assert "class(es) with a single clip (clap)" in captured.err
    assert "csv/train:" in captured.out and "clap 1" in captured.out
    assert "test has no clip of clap" in captured.err
