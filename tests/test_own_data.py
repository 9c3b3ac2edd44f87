"""The own-data user path: `sugar-hf convert folder` on arrays + CSV (splits, layouts, channel counts, errors,
accounting), training on what was converted (2-D, 3-D, scores, custom edges), `sugar-hf train|evaluate|predict`,
`--version`, help on every option, the metric on plain ints, Parquet dataset pushes (issues 14 and 15)."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import logging
import os
from pathlib import Path

import numpy as np
import pytest
from training_helpers import write_tiny_model

from sugar_hf.cli import main
from sugar_hf.data.builders import convert_corpus

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
CLASSES = ("wave", "clap", "kick")


def write_clips(folder: Path, *, joints: int = 17, channels: int = 2, subjects=("s01", "s02", "s03"),
                per_class: int = 2, frames: int = 12, split: bool = False, seed: int = 0) -> Path:  # fmt: skip
    """Arrays ``clips/<subject>_<class>_<k>.npy`` of shape (T, joints, channels) and ``labels.csv``."""
    rng = np.random.default_rng(seed)
    (folder / "clips").mkdir(parents=True, exist_ok=True)
    rows = []
    for subject in subjects:
        for c, name in enumerate(CLASSES):
            for k in range(per_class):
                clip = 0.1 * rng.standard_normal((frames, joints, channels)).astype(np.float32)
                clip[:, :, 0] += np.sin(np.linspace(0, (c + 1) * np.pi, frames))[:, None]
                rel = f"clips/{subject}_{name}_{k}.npy"
                np.save(folder / rel, clip)
                row = {"file": rel, "label": name, "subject": subject}
                if split:
                    row["split"] = "test" if subject == subjects[-1] else "train"
                rows.append(row)
    with open(folder / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder / "labels.csv"


def convert(raw: Path, out: Path, **options):
    return convert_corpus("folder", raw, out, num_workers=1, progress=False, **options)


# ------------------------------------------------------------------------------------------- splits (14.1)
def test_no_split_column_warns_and_split_by_subject_or_random(tmp_path):
    from datasets import load_from_disk

    labels = write_clips(tmp_path / "raw")
    report = convert(tmp_path / "raw", tmp_path / "plain", labels_csv=labels, layout="coco17")
    assert any("no test split" in w and "--split-by" in w for w in report.warnings), report.warnings
    assert list(load_from_disk(str(tmp_path / "plain" / "csv"))) == ["train"]

    report = convert(tmp_path / "raw", tmp_path / "bysub", labels_csv=labels, layout="coco17",
                     split_by="subject", test_subjects=["s03"])  # fmt: skip
    dd = load_from_disk(str(tmp_path / "bysub" / "csv"))
    assert sorted(dd) == ["test", "train"] and not report.warnings
    assert set(dd["test"]["subject_name"]) == {"s03"} and set(dd["train"]["subject_name"]) == {"s01", "s02"}
    assert len(dd["test"]) == 6 and len(dd["train"]) == 12

    # a fraction of the subjects, chosen by the seed: the same call twice gives the same split
    picks = []
    for run in ("a", "b"):
        convert(tmp_path / "raw", tmp_path / f"frac{run}", labels_csv=labels, layout="coco17", split_by="subject",
                test_fraction=0.34, seed=3)  # fmt: skip
        picks.append(
            sorted(set(load_from_disk(str(tmp_path / f"frac{run}" / "csv"))["test"]["subject_name"]))
        )
    assert picks[0] == picks[1] and len(picks[0]) == 1

    convert(tmp_path / "raw", tmp_path / "rand", labels_csv=labels, layout="coco17", split_by="random",
            test_fraction=0.34, seed=0)  # fmt: skip
    dd = load_from_disk(str(tmp_path / "rand" / "csv"))
    assert len(dd["train"]) + len(dd["test"]) == 18
    assert sorted(set(dd["test"]["label"])) == [0, 1, 2]  # stratified: every class is in the test split

    with pytest.raises(ValueError, match="s09"):
        convert(tmp_path / "raw", tmp_path / "bad", labels_csv=labels, layout="coco17", split_by="subject",
                test_subjects=["s09"])  # fmt: skip
    assert not (tmp_path / "bad").exists()


def test_string_subject_ids_are_kept(tmp_path):
    from datasets import load_from_disk

    labels = write_clips(tmp_path / "raw", split=True)
    convert(tmp_path / "raw", tmp_path / "out", labels_csv=labels, layout="coco17")
    dd = load_from_disk(str(tmp_path / "out" / "csv"))
    train = dd["train"]
    assert -1 not in train["subject"]
    names = json.loads(train.info.description)["id_names"]["subject"]
    assert [names[i] for i in train["subject"]] == train["subject_name"]
    assert set(train["subject_name"]) == {"s01", "s02"}


# -------------------------------------------------------------------- layouts and channel counts (14.2)
def write_edges(path: Path) -> Path:
    path.write_text(
        "# a five-joint stick figure, 0-based joint pairs\n0 1\n1 2\n1 3\n0 4\n", encoding="utf-8"
    )
    return path


def test_custom_edge_list_layout_is_recorded(tmp_path):
    from datasets import load_from_disk

    from sugar_hf.skeleton_layouts import get_layout

    labels = write_clips(tmp_path / "raw", joints=5, channels=3, split=True)
    edges = write_edges(tmp_path / "edges.txt")
    convert(tmp_path / "raw", tmp_path / "out", labels_csv=labels, edges=str(edges))
    layout = json.loads(load_from_disk(str(tmp_path / "out" / "csv"))["train"].info.description)["layout"]
    assert isinstance(layout, dict) and get_layout(layout).num_joints == 5
    assert sorted(map(tuple, map(sorted, get_layout(layout).inward_edges))) == [
        (0, 1),
        (0, 4),
        (1, 2),
        (1, 3),
    ]
    # a wrong edge file is named in the error and nothing is written
    (tmp_path / "bad.txt").write_text("0 1\n1 x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt:2"):
        convert(tmp_path / "raw", tmp_path / "out2", labels_csv=labels, edges=str(tmp_path / "bad.txt"))
    assert not (tmp_path / "out2").exists()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_model")
    config, tokenizer = write_tiny_model(root)
    return str(config), str(tokenizer)


def _train(argv: list[str]) -> None:
    assert main(["train", *argv, "--disable_tqdm", "true", "--per_device_train_batch_size", "4",
                 "--save_steps", "0"]) == 0  # fmt: skip


@pytest.mark.parametrize(
    "case", ["coco17_2d", "coco17_scores", "custom_3d"], ids=["coco17-xy", "coco17-xy+score", "edges-xyz"]
)
def test_training_takes_channels_and_layout_from_the_dataset(tmp_path, tiny, case):
    """(T, 17, 2) COCO keypoints used to convert and then fail to train (`(1, 17, 2)`, the encoder expects
    `(1, 17, 3)`); every stage now builds its encoder from the dataset's joints and channels."""
    from sugar_hf import SugarForActionRecognition
    from sugar_hf.modeling_baseline import SugarForSkeletonClassification

    joints, channels, opts = {"coco17_2d": (17, 2, {"layout": "coco17"}),
                              "coco17_scores": (17, 3, {"layout": "coco17", "coordinate_channels": 2}),
                              "custom_3d": (5, 3, {"edges": str(write_edges(tmp_path / "e.txt"))})}[case]  # fmt: skip
    labels = write_clips(tmp_path / "raw", joints=joints, channels=channels, split=True, per_class=1)
    convert(tmp_path / "raw", tmp_path / "data", labels_csv=labels, **opts)
    data = str(tmp_path / "data" / "csv")
    config, tokenizer = tiny
    common = ["--dataset", data, "--model_config", config, "--tokenizer", tokenizer, "--max_steps", "1",
              "--num_frames", "16"]  # fmt: skip
    _train(["--stage", "baseline", *common, "--output_dir", str(tmp_path / "base")])
    base = SugarForSkeletonClassification.from_pretrained(tmp_path / "base")
    assert base.config.encoder_config.in_channels == channels
    assert base.config.encoder_config.num_joints == joints
    _train(["--stage", "1", *common, "--output_dir", str(tmp_path / "s1")])
    _train(["--stage", "2", *common, "--init_from", str(tmp_path / "s1"), "--output_dir", str(tmp_path / "s2"),
            "--per_device_eval_batch_size", "4"])  # fmt: skip
    s2 = SugarForActionRecognition.from_pretrained(tmp_path / "s2")
    assert s2.config.encoder_config.in_channels == channels
    # x, y, score: the recorded coordinate count reaches every stage and the saved processor (the score is not
    # centred or rotated); other corpora keep the default (the first three channels are positions)
    scores = 2 if case == "coco17_scores" else None
    assert base.config.encoder_config.coordinate_channels == scores
    assert s2.config.encoder_config.coordinate_channels == scores
    saved = json.loads((tmp_path / "s2" / "processor_config.json").read_text())
    assert saved.get("coordinate_channels") == scores
    if case == "coco17_scores":  # --in_channels 2: keep x, y and drop the confidence channel
        _train(["--stage", "baseline", *common, "--in_channels", "2", "--output_dir", str(tmp_path / "xy")])
        xy = SugarForSkeletonClassification.from_pretrained(tmp_path / "xy").config.encoder_config
        assert xy.in_channels == 2 and xy.coordinate_channels is None


def test_training_warns_when_there_is_no_test_split(tmp_path, tiny, caplog):
    labels = write_clips(tmp_path / "raw", per_class=1)
    convert(tmp_path / "raw", tmp_path / "data", labels_csv=labels, layout="coco17")
    config, tokenizer = tiny
    with caplog.at_level(logging.WARNING):
        _train(["--stage", "baseline", "--dataset", str(tmp_path / "data" / "csv"), "--model_config", config,
                "--max_steps", "1", "--num_frames", "16", "--output_dir", str(tmp_path / "base")])  # fmt: skip
    assert any("no 'test' split" in r.getMessage() and "evaluation is skipped" in r.getMessage()
               for r in caplog.records)  # fmt: skip


# ------------------------------------------------------------------------ errors and accounting (14.8, 15.8)
def test_convert_errors_name_the_problem_and_leave_nothing(tmp_path, capsys):
    labels = write_clips(tmp_path / "raw")
    out = tmp_path / "out"
    assert main(["convert", "folder", str(tmp_path / "nowhere"), str(out), "--labels-csv", str(labels)]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "does not exist" in err and not out.exists()

    assert main(["convert", "folder", str(tmp_path / "raw"), str(out)]) == 2
    err = capsys.readouterr().err
    assert "--labels-csv" in err and "Traceback" not in err and not out.exists()

    assert (
        main(["convert", "folder", str(tmp_path / "raw"), str(out), "--labels-csv", str(tmp_path / "x.csv")])
        == 2
    )
    assert "x.csv" in capsys.readouterr().err and not out.exists()

    # every clip skipped (wrong layout): the reasons are shown and nothing is written
    assert main(["convert", "folder", str(tmp_path / "raw"), str(out), "--labels-csv", str(labels),
                 "--layout", "ntu25"]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "17 joints, layout 'ntu25' has 25" in err and "no clip" in err and not out.exists()


def test_folder_converter_accounts_for_every_row_and_every_row_reads_back(tmp_path):
    """Issue 15.8: a 2- or 6-channel file among 3-channel ones was counted as written and failed on ds[i];
    duplicate CSV rows were dropped without notice (4 rows -> inputs=3)."""
    from datasets import load_from_disk

    raw = tmp_path / "raw"
    raw.mkdir()
    rng = np.random.default_rng(0)
    for name, channels in (("a", 3), ("b", 3), ("c", 2), ("d", 6), ("e", 3)):
        np.save(raw / f"{name}.npy", rng.standard_normal((8, 17, channels)).astype(np.float32))
    (raw / "broken.npy").write_bytes(b"not a numpy file")
    (raw / "labels.csv").write_text(
        "file,label,split\n"
        "a.npy,wave,train\n"
        "b.npy,clap,test\n"
        "c.npy,wave,train\n"  # 2 channels
        "d.npy,clap,train\n"  # 6 channels
        "a.npy,wave,train\n"  # duplicate row
        "missing.npy,wave,train\n"
        "broken.npy,clap,train\n"
        "e.npy,,train\n"  # empty label
        "e.npy,kick,train,extra\n",  # wrong column count
        encoding="utf-8",
    )
    report = convert(raw, tmp_path / "out", labels_csv=raw / "labels.csv", layout="coco17")
    assert report.inputs == 9 and report.balanced
    assert report.written == 2 and len(report.skipped) == 7
    reasons = " | ".join(s["reason"] for s in report.skipped)
    for expected in ("2 channels", "6 channels", "listed again", "missing.npy", "broken.npy: not a",
                     "empty label", "columns"):  # fmt: skip
        assert expected in reasons, (expected, reasons)
    dd = load_from_disk(str(tmp_path / "out" / "csv"))
    for split in dd.values():
        for i in range(len(split)):
            assert np.asarray(split[i]["skeleton"]).shape[1:] == (17, 3)
    # --channels forces the count: the 2-channel file is the one kept then
    report = convert(raw, tmp_path / "out2", labels_csv=raw / "labels.csv", layout="coco17", channels=2)
    assert report.written == 1 and report.balanced


def test_reader_errors_are_skipped_with_their_reason(tmp_path, monkeypatch):
    """A reader that raises (e.g. a label out of range in a file name) costs only its file, with its reason."""
    from sugar_hf.corpora import _registry, folder
    from sugar_hf.data import builders
    from sugar_hf.skeleton.readers import SkeletonFormatError

    labels = write_clips(tmp_path / "raw", split=True, per_class=1)
    real = builders.read_array

    def flaky(path, layout):
        if "s02_clap" in str(path):
            raise SkeletonFormatError(path, None, "label a28 is outside 1..27")
        return real(path, layout)

    monkeypatch.setattr(builders, "read_array", flaky)  # the channel count of the first readable array
    monkeypatch.setattr(folder, "read_array", flaky)  # the folder corpus's reader task
    report = convert(tmp_path / "raw", tmp_path / "out", labels_csv=labels, layout="coco17")
    assert report.balanced and report.written == 8
    assert [s["reason"] for s in report.skipped] == [f"{tmp_path / 'raw' / 'clips' / 's02_clap_0.npy'}: label a28 "
                                                     "is outside 1..27"]  # fmt: skip

    # a task that hands back a row the features cannot hold (a label outside the class list, as UTD-MHAD's a28
    # once did: a DatasetGenerationError that killed the whole run) is skipped with the reason, not written
    spec = _registry.get_corpus("folder")

    def bad_label(path, opts):
        rows = spec.task(path, opts)
        if "s01_kick" in path:
            rows[0]["label"] = 27
        if "s03_wave" in path:
            rows[0]["label"] = None
        return rows

    monkeypatch.setitem(_registry._REGISTRY, "folder", dataclasses.replace(spec, task=bad_label))
    report = convert(tmp_path / "raw", tmp_path / "out2", labels_csv=labels, layout="coco17")
    assert report.balanced and report.written == 6
    reasons = sorted(s["reason"] for s in report.skipped)
    assert "class label 27 outside 0..2" in reasons[0] and "no valid class label (None)" in reasons[2]


# ---------------------------------------------------------------------- train / evaluate / predict (14.1)
def test_cli_train_evaluate_predict(tmp_path, tiny, capsys):
    labels = write_clips(tmp_path / "raw", split=True, per_class=1)
    assert main(["convert", "folder", str(tmp_path / "raw"), str(tmp_path / "data"), "--labels-csv", str(labels),
                 "--layout", "coco17", "--workers", "1"]) == 0  # fmt: skip
    config, tokenizer = tiny
    data = str(tmp_path / "data" / "csv")
    common = ["--dataset", data, "--model_config", config, "--tokenizer", tokenizer, "--max_steps", "1",
              "--num_frames", "16"]  # fmt: skip
    _train(["--stage", "baseline", *common, "--output_dir", str(tmp_path / "base")])
    _train(["--stage", "1", *common, "--output_dir", str(tmp_path / "s1")])
    _train(
        ["--stage", "2", *common, "--init_from", str(tmp_path / "s1"), "--output_dir", str(tmp_path / "s2")]
    )
    capsys.readouterr()
    clip = tmp_path / "raw" / "clips" / "s03_wave_0.npy"
    for model in ("base", "s1", "s2"):
        assert main(["evaluate", str(tmp_path / model), "--dataset", data, "--output_dir",
                     str(tmp_path / f"eval_{model}")]) == 0  # fmt: skip
        assert "top-1" in capsys.readouterr().out
        assert json.loads((tmp_path / f"eval_{model}" / "metrics.json").read_text())["num_samples"] == 3
        assert main(["predict", str(tmp_path / model), str(clip), str(clip), "--top-k", "2", "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert [r["file"] for r in result] == [str(clip)] * 2
        top = result[0]["predictions"]
        assert len(top) == 2 and {p["label"] for p in top} <= set(CLASSES)
        assert top[0]["score"] >= top[1]["score"] and all(0 <= p["score"] <= 1 for p in top)
    # candidates: a subset (any model), new names (text models only), from a file
    assert main(["predict", str(tmp_path / "s2"), str(clip), "--candidates", "kick", "jump", "--json"]) == 0
    assert {p["label"] for p in json.loads(capsys.readouterr().out)[0]["predictions"]} == {"kick", "jump"}
    (tmp_path / "cands.txt").write_text("clap\nkick\n", encoding="utf-8")
    assert main(["predict", str(tmp_path / "base"), str(clip), "--candidates-file", str(tmp_path / "cands.txt"),
                 "--json"]) == 0  # fmt: skip
    assert {p["label"] for p in json.loads(capsys.readouterr().out)[0]["predictions"]} == {"clap", "kick"}
    assert main(["predict", str(tmp_path / "base"), str(clip), "--candidates", "jump"]) == 2
    assert "jump" in capsys.readouterr().err
    assert main(["predict", str(tmp_path / "s1"), str(clip)]) == 0
    text = capsys.readouterr().out  # plain text: the file, then one line per ranked class
    assert str(clip) in text and any(name in text for name in CLASSES)
    assert main(["predict", str(tmp_path / "s1"), str(tmp_path / "none.npy")]) == 2
    assert "none.npy" in capsys.readouterr().err


# ---------------------------------------------------------------------------------- conventions (14.9)
def test_version_and_help_on_every_option(capsys):
    import sugar_hf
    from sugar_hf.cli import build_parser
    from sugar_hf.training.arguments import _parser

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and sugar_hf.__version__ in capsys.readouterr().out

    missing = []

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*path, name])
            elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)) and not action.help:
                missing.append(" ".join([*path, "/".join(action.option_strings) or action.dest]))

    walk(build_parser(), ["sugar-hf"])
    walk(_parser(), ["sugar-hf train"])
    assert not missing, missing
    for command in (
        ["train", "--help"],
        ["convert", "--help"],
        ["predict", "--help"],
        ["evaluate", "--help"],
    ):
        try:
            assert main(command) == 0
        except SystemExit as done:
            assert done.code == 0
        assert "--" in capsys.readouterr().out


def test_metric_takes_plain_int_predictions():
    from sugar_hf.metrics import action_recognition_metrics, load_metric

    metric = load_metric()
    plain = metric.compute(predictions=[0, 1, 1], references=[0, 1, 2])
    assert plain["top1"] == pytest.approx(2 / 3) and plain["confusion_matrix"][2][1] == 1
    ranked = metric.compute(predictions=[[0, 1], [1, 0], [1, 2]], references=[0, 1, 2])
    assert ranked["top5"] == 1.0
    assert action_recognition_metrics([2, 0], [2, 1])["top1"] == 0.5


def test_dataset_push_uploads_parquet(tmp_path):
    from datasets import load_dataset

    from sugar_hf.hub.publish import push_dataset

    labels = write_clips(tmp_path / "raw", split=True, per_class=1)
    convert(tmp_path / "raw", tmp_path / "data", labels_csv=labels, layout="coco17")

    class Api:
        calls = []

        def create_repo(self, repo_id, **kwargs):
            self.calls.append(("create_repo", repo_id, kwargs))
            return f"https://huggingface.co/datasets/{repo_id}"

        def upload_folder(self, *, repo_id, folder_path, **kwargs):
            files = sorted(
                str(p.relative_to(folder_path)) for p in Path(folder_path).rglob("*") if p.is_file()
            )
            self.calls.append(("upload_folder", repo_id, dict(kwargs, files=files)))

    api = Api()
    push_dataset(tmp_path / "data", "me/my-skeletons", corpus="folder", api=api)
    files = api.calls[1][2]["files"]
    assert "README.md" in files and not [f for f in files if f.endswith(".arrow")]
    assert {f for f in files if f.endswith(".parquet")} == {"csv/train-00000-of-00001.parquet",
                                                            "csv/test-00000-of-00001.parquet"}  # fmt: skip
    out = push_dataset(tmp_path / "data", "me/my-skeletons", corpus="folder", dry_run_dir=tmp_path / "dry")
    back = load_dataset(str(out), "csv")
    assert back["test"].num_rows == 3 and back["train"].features["label"].names == sorted(CLASSES)
    assert np.asarray(back["train"][0]["skeleton"]).shape[1:] == (17, 2)


def test_stage_two_prior_keeps_stage_one_fc_head_and_reports_both_heads(tmp_path, tiny):
    """mil_nce+ce stage 1 -> stage 2 with the knowledge prior: the prior carries the FC head of the trained
    classes, evaluation reports the bag score, the FC head and their product apart, and --prior_classifier
    makes the product the model's prior."""
    from sugar_hf import SugarForActionRecognition

    labels = write_clips(tmp_path / "raw", joints=17, channels=2, split=True, per_class=1)
    convert(tmp_path / "raw", tmp_path / "data", labels_csv=labels, layout="coco17")
    config, tokenizer = tiny
    common = ["--dataset", str(tmp_path / "data" / "csv"), "--model_config", config, "--tokenizer", tokenizer,
              "--max_steps", "1", "--num_frames", "16"]  # fmt: skip
    _train(["--stage", "1", *common, "--stage1_objective", "mil_nce+ce", "--output_dir", str(tmp_path / "s1")])
    _train(["--stage", "2", *common, "--init_from", str(tmp_path / "s1"), "--output_dir", str(tmp_path / "s2"),
            "--per_device_eval_batch_size", "4", "--knowledge_prior", "true", "--prior_classifier", "true",
            "--token_cache", "false", "--align_steps", "0"])  # fmt: skip
    s2 = SugarForActionRecognition.from_pretrained(tmp_path / "s2")
    assert s2.config.prior_use_classifier and s2.config.prior_classifier_names == s2.config.class_names
    scorings = json.loads((tmp_path / "s2" / "eval_metrics.json").read_text())["scoring_top1"]
    assert {"prior", "fused", "prior_bag", "prior_fc", "prior_bag+fc", "fused_bag@1"} <= set(scorings)
    assert scorings["prior"] == scorings["prior_bag+fc"]
