"""Splits, conversion to DatasetDict (exact round trip), the torch view and the collators."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from data_helpers import require

from sugar_hf.corpora import CORPORA, CorpusPlan, CorpusSpec, class_names, get_corpus, row_to_skeleton
from sugar_hf.data import (
    SkeletonCollator,
    SkeletonTorchDataset,
    SugarCollator,
    convert_corpus,
    load_zero_shot_splits,
    ntu_split_names,
    split_of,
)
from sugar_hf.skeleton.readers import parse_nw_ucla_name, read_name_list, read_ntu_skeleton
from sugar_hf.skeleton.transforms import denoise_bodies


def test_class_names():
    assert {k: len(s.classes) for k, s in CORPORA.items() if s.classes is not None} == {
        "ntu60": 60, "ntu120": 120, "pku_mmd": 51, "toyota_smarthome": 31, "nw_ucla": 10, "utd_mhad": 27,
        "utkinect": 10,
    }  # fmt: skip
    assert class_names("ntu120")[:60] == class_names("ntu60")
    assert class_names("ntu60")[57] == "handshaking"
    with pytest.raises(KeyError, match="read from the raw data"):
        class_names("tsu")  # the class list of TSU is its release's Action_list.txt


def test_registry_lists_every_corpus_once_with_consistent_facts():
    from sugar_hf.knowledge.corpus import DESCRIPTIONS_DIR
    from sugar_hf.skeleton_layouts import get_layout

    assert list(CORPORA) == ["ntu60", "ntu120", "pku_mmd", "toyota_smarthome", "tsu", "nw_ucla", "utd_mhad",
                             "utkinect", "folder"]  # fmt: skip
    with pytest.raises(KeyError, match=r"unknown corpus 'ntu61'; known: \['folder', 'ntu120', 'ntu60'"):
        get_corpus("ntu61")
    for name, spec in CORPORA.items():
        assert spec.name == name and spec.split_configs and spec.pretty_name and spec.terms
        if spec.layout is not None:
            get_layout(spec.layout)
        assert set(spec.official_counts) <= set(spec.split_configs), name
        for subset in spec.config_classes.values():
            assert set(subset) < set(spec.classes), name
        if spec.descriptions:
            assert (DESCRIPTIONS_DIR / spec.descriptions).is_file(), name
    assert [n for n, s in CORPORA.items() if not s.research] == ["folder"]


def test_id_split_rules():
    ids = {"subject": 1, "camera": 1, "setup": 1, "view": 3}
    assert [split_of(c, cfg, ids) for c in ("ntu60", "ntu120") for cfg in get_corpus(c).split_configs] == [
        "train",
        "test",
        "train",
        "test",
    ]
    assert (
        split_of("toyota_smarthome", "cv1", ids) == "train"
        and split_of("toyota_smarthome", "cv2", ids) == "train"
    )
    assert split_of("toyota_smarthome", "cv1", {**ids, "camera": 3}) is None
    assert split_of("nw_ucla", "xview", ids) == "test" and split_of("utd_mhad", "xsub", ids) == "train"
    with pytest.raises(KeyError, match="no id-based split 'xset'"):
        split_of("ntu60", "xset", ids)
    with pytest.raises(KeyError, match="no id-based split"):
        split_of("pku_mmd", "xsub", ids)  # name lists, not ids


def test_a_registered_corpus_converts_without_touching_the_builders(tmp_path, monkeypatch):
    """Adding a corpus is one spec: its plan lists the files, its task reads one, its rule splits the rows."""
    from datasets import load_from_disk

    from sugar_hf.corpora import _registry
    from sugar_hf.corpora.rows import sequence_to_row
    from sugar_hf.skeleton.readers import read_array

    def task(path, opts):  # files s<subject>_<action>.npy
        seq, name = read_array(path, "ntu25"), Path(path).stem
        seq.label, seq.meta["subject"] = opts["labels"].index(name.split("_")[1]), int(name[1:3])
        return [sequence_to_row(seq, Path(path).name)]

    def plan(raw, **_):
        return CorpusPlan(
            [str(p) for p in sorted(raw.glob("*.npy"))], {"labels": ["wave", "clap"]}, ["wave", "clap"]
        )

    spec = CorpusSpec(name="toy", pretty_name="toy", description="", layout="ntu25", classes=("wave", "clap"),
                      split_configs=("xsub",), task=task, plan=plan,
                      split_rule=lambda config, ids: "train" if ids["subject"] == 1 else "test")  # fmt: skip
    monkeypatch.setitem(_registry._REGISTRY, "toy", spec)
    raw = tmp_path / "raw"
    raw.mkdir()
    for subject, action in [(1, "wave"), (1, "clap"), (2, "wave")]:
        np.save(raw / f"s{subject:02d}_{action}.npy", np.ones((4, 25, 3), np.float32) * subject)
    report = convert_corpus("toy", raw, tmp_path / "out", num_workers=1, progress=False)
    assert report.balanced and report.written == 3
    dd = load_from_disk(str(tmp_path / "out" / "xsub"))
    assert (len(dd["train"]), len(dd["test"])) == (2, 1) and dd["test"][0]["label"] == 0
    assert json.loads(dd["train"].info.description) == {"corpus": "toy", "layout": "ntu25"}


def test_conversion_never_uploads(tmp_path):
    with pytest.raises(TypeError, match="does not upload"):
        convert_corpus("utd_mhad", tmp_path, tmp_path / "out", push_to_hub="me/utd")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("corpus", "config", "listing", "counts"),
    [
        ("ntu60", "xsub", "ntu60_skes_available_name.txt", (40_091, 16_487)),
        ("ntu60", "xview", "ntu60_skes_available_name.txt", (37_646, 18_932)),
        ("ntu120", "xsub", "ntu120_skes_available_name.txt", (63_026, 50_919)),
        ("ntu120", "xset", "ntu120_skes_available_name.txt", (54_468, 59_477)),
    ],
)
def test_ntu_split_counts_from_official_lists(corpus, config, listing, counts):
    names = read_name_list(require("ntu_rgbd", "metadata", listing))
    train, test = ntu_split_names(names, corpus, config)
    assert (len(train), len(test)) == counts


def test_ntu_available_lists_are_all_minus_missing():
    meta = require("ntu_rgbd", "metadata")
    available = set(read_name_list(meta / "ntu120_skes_available_name.txt"))
    missing = set(read_name_list(meta / "NTU_RGBD120_samples_with_missing_skeletons.txt"))
    assert not available & missing and len(available) + len(missing) == 114_480


def test_nw_ucla_xview_counts():
    names = [p.stem for p in require("nw_ucla", "all_sqe").glob("*.json")]
    tags = [split_of("nw_ucla", "xview", parse_nw_ucla_name(n)) for n in names]
    assert (tags.count("train"), tags.count("test")) == (1020, 464)


def test_zero_shot_splits():
    specs = load_zero_shot_splits()
    assert specs["ntu60_55_5"]["unseen"] == [10, 11, 19, 26, 56] and len(specs["ntu60_55_5"]["seen"]) == 55
    assert len(specs["ntu120_110_10"]["seen"]) == 110
    assert specs["p1_ntu60_to_ntu120"]["unseen"] == list(range(60, 120))
    assert specs["p2_ntu60_to_pku_mmd"]["test_corpus"] == "pku_mmd"
    utd = specs["utd_mhad_22_5"]
    assert utd["unseen"] == [1, 9, 16, 17, 18] and len(utd["seen"]) == 22
    assert not set(utd["seen"]) & set(utd["unseen"]) and set(utd["seen"]) | set(utd["unseen"]) == set(
        range(27)
    )


@pytest.fixture(scope="module")
def ntu_converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("ntu")
    report = convert_corpus("ntu60", require("ntu_rgbd", "skeletons"), out, num_workers=1, progress=False)
    return out, report


def test_ntu_conversion_round_trips_exactly(ntu_converted):
    from datasets import Dataset, load_from_disk

    out, report = ntu_converted
    assert report.inputs == report.written == 10 and report.balanced
    dd = load_from_disk(str(out / "xsub"))
    assert dd["train"].features["label"].names == class_names("ntu60")
    assert len(dd["train"]) + len(dd["test"]) == 10
    src = require("ntu_rgbd", "skeletons")
    for split in ("train", "test"):
        parquet = Dataset.from_parquet(str(out / "parquet" / "xsub" / f"{split}.parquet")).with_format(
            "numpy"
        )
        for row, prow in zip(dd[split].with_format("numpy"), parquet):
            expected = denoise_bodies(read_ntu_skeleton(src / row["source"]).data)
            expected = expected[np.abs(expected).sum(axis=(1, 2, 3)) > 0]
            np.testing.assert_array_equal(row_to_skeleton(row), expected)
            np.testing.assert_array_equal(row_to_skeleton(prow), expected)
            assert row["subject"] == int(row["name"][9:12])
    a058 = [r for r in dd["train"].with_format("numpy") if r["name"].endswith("A058")][0]
    assert a058["num_persons"] == 2 and a058["label"] == 57
    assert json.loads(dd["train"].info.description)["layout"] == "ntu25"


def test_small_corpora_convert_with_official_counts(tmp_path):
    from datasets import load_from_disk

    for corpus, folder, config, counts in [
        ("utd_mhad", "utd_mhad", "xsub", (431, 430)),
        ("utkinect", "utkinect_action3d", "xsub", (100, 99)),
        ("pku_mmd", "pku_mmd_v1", "xview", (30, 15)),
    ]:
        report = convert_corpus(corpus, require(folder), tmp_path / corpus, num_workers=2, progress=False)
        assert report.balanced and not report.skipped
        dd = load_from_disk(str(tmp_path / corpus / config))
        assert (len(dd["train"]), len(dd["test"])) == counts, corpus
        assert dd["train"].features["label"].names == class_names(corpus)


def test_toyota_trimmed_configs(tmp_path):
    from datasets import load_from_disk

    rng = np.random.default_rng(0)
    raw = tmp_path / "raw"
    raw.mkdir()
    clips = [("Walk", 3, 1), ("Walk", 5, 2), ("Cook.Cut", 3, 1), ("Readbook", 4, 4), ("Drink.Fromcup", 8, 2)]
    for k, (action, person, camera) in enumerate(clips):
        frames = [[{"pose2d": rng.normal(size=26).tolist(), "pose3d": rng.normal(size=39).tolist()}]] * 3
        (raw / f"{action}_p{person:02d}_r00_v{k:02d}_c{camera:02d}.json").write_text(
            json.dumps({"frames": frames})
        )
    report = convert_corpus("toyota_smarthome", raw, tmp_path / "out", num_workers=1, progress=False)
    assert report.written == 5
    cs = load_from_disk(str(tmp_path / "out" / "cs"))
    assert (len(cs["train"]), len(cs["test"])) == (3, 2)
    for config, train_names, test_names in [
        ("cv1", ["Walk"], ["Walk", "Drink.Fromcup"]),  # Cook.Cut is not a cross-view class
        ("cv2", ["Walk", "Readbook"], ["Walk", "Drink.Fromcup"]),
    ]:
        dd = load_from_disk(str(tmp_path / "out" / config))
        names = dd["train"].features["label"].names
        assert len(names) == 19
        assert sorted(names[i] for i in dd["train"]["label"]) == sorted(train_names)
        assert sorted(names[i] for i in dd["test"]["label"]) == sorted(test_names)


def test_torch_view_and_skeleton_collator(ntu_converted):
    import torch
    from datasets import load_from_disk

    out, _ = ntu_converted
    train = load_from_disk(str(out / "xview"))["train"]
    view = SkeletonTorchDataset(train, train=True, seed=0)
    item = view[0]
    assert item["skeleton"].shape == (2, 64, 25, 3) and item["skeleton"].dtype == np.float32
    test_view = SkeletonTorchDataset(train, train=False, stream="bone_motion")
    np.testing.assert_array_equal(test_view[1]["skeleton"], test_view[1]["skeleton"])
    loader = torch.utils.data.DataLoader(view, batch_size=2, collate_fn=SkeletonCollator(2, 64))
    batch = next(iter(loader))
    assert batch["skeleton_values"].shape == (2, 2, 64, 25, 3) and batch["labels"].dtype == torch.long
    raw_batch = SkeletonCollator(2, 32)([train.with_format("numpy")[i] for i in range(2)])
    assert raw_batch["skeleton_values"].shape == (2, 2, 32, 25, 3)


def test_sugar_collator_through_processor(ntu_converted):
    from datasets import load_from_disk
    from tiny import tiny_tokenizer

    from sugar_hf.processing_sugar import SugarProcessor

    out, _ = ntu_converted
    train = load_from_disk(str(out / "xview"))["train"]
    classes = train.features["label"].names
    processor = SugarProcessor(tiny_tokenizer(), num_frames=16, num_action_tokens=4, class_names=classes[:5])
    view = SkeletonTorchDataset(train, train=True, num_frames=16, seed=0)
    collator = SugarCollator(
        processor, classes, describe=lambda name: f"a person does {name}", candidates=classes[:5]
    )
    items = [view[i] for i in range(len(view))]
    batch = collator(items)
    assert batch["skeleton_values"].shape == (len(items), 2, 16, 25, 3)
    assert batch["input_ids"].shape == batch["attention_mask"].shape == batch["labels"].shape
    assert collator.answer(57) == "handshaking. a person does handshaking"
    assert SugarCollator(processor, classes).answer(0) == "drink water."
    inference = SugarCollator(processor, classes, with_answers=False, return_class_ids=True)(items)
    assert "labels" not in inference and inference["class_ids"].tolist() == [it["label"] for it in items]
