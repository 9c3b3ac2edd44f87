"""Splits, conversion to DatasetDict (exact round trip), the torch view and the collators."""

from __future__ import annotations

import json

import numpy as np
import pytest
from data_helpers import require

from sugar_hf.data import (
    CORPUS_CLASSES,
    SkeletonCollator,
    SkeletonTorchDataset,
    SugarCollator,
    convert_corpus,
    load_zero_shot_splits,
    ntu_split_names,
    row_to_skeleton,
    split_of,
)
from sugar_hf.skeleton.readers import parse_nw_ucla_name, read_name_list, read_ntu_skeleton
from sugar_hf.skeleton.transforms import denoise_bodies


def test_class_names():
    assert {k: len(v) for k, v in CORPUS_CLASSES.items()} == {
        "ntu60": 60, "ntu120": 120, "pku_mmd": 51, "toyota_smarthome": 31, "nw_ucla": 10, "utd_mhad": 27,
        "utkinect": 10,
    }  # fmt: skip
    assert CORPUS_CLASSES["ntu120"][:60] == CORPUS_CLASSES["ntu60"]
    assert CORPUS_CLASSES["ntu60"][57] == "handshaking"


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
    assert dd["train"].features["label"].names == CORPUS_CLASSES["ntu60"]
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
        assert dd["train"].features["label"].names == CORPUS_CLASSES[corpus]


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
