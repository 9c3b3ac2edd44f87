"""SugarProcessor on a tiny config: the placeholder expansion, padding, answer labels, candidate ids, decoding,
save/load and the errors for bad candidates."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny import CLASSES, tiny_config

from sugar_hf import SugarAnswer, SugarProcessor
from sugar_hf.processing_sugar import IGNORE_INDEX, format_answer


@pytest.fixture(scope="module")
def config():
    return tiny_config()


def _clips(count: int = 2, seed: int = 0) -> list[np.ndarray]:
    """Raw Kinect-v1 clips of different lengths and person counts: ``(T, 20, 3)`` and ``(2, T, 20, 3)``."""
    rng = np.random.default_rng(seed)
    shapes = [(23, 20, 3), (2, 31, 20, 3), (40, 20, 3)]
    return [rng.normal(0, 1, shapes[i % 3]).astype(np.float32) for i in range(count)]


def test_placeholder_becomes_the_models_action_token_count(processor, config):
    batch = processor(_clips(), candidates=CLASSES[:3])
    assert set(batch) == {"skeleton_values", "input_ids", "attention_mask"}
    assert config.num_action_tokens == processor.num_action_tokens > 1
    marks = batch["input_ids"] == config.action_token_id
    assert marks.sum(dim=1).tolist() == [config.num_action_tokens] * 2
    for row in marks:  # one contiguous run of action positions
        where = torch.nonzero(row).flatten()
        assert (where[-1] - where[0] + 1).item() == config.num_action_tokens
    prompt = processor.prompt_token_ids(CLASSES[:3])
    text = processor.tokenizer.decode([i for i in prompt if i >= 0])
    assert "drink water, eat meal, wave hand" in text and "<action>" not in text


def test_skeletons_go_through_the_evaluation_pipeline(processor, config):
    clips = _clips(3)
    values = processor(clips, candidates=CLASSES)["skeleton_values"]
    enc = config.encoder_config
    assert values.shape == (3, enc.num_persons, enc.num_frames, 20, enc.in_channels)
    for clip, got in zip(clips, values):
        np.testing.assert_array_equal(got.numpy(), processor.pipeline(clip, train=False))
    prepared = torch.randn(2, enc.num_persons, enc.num_frames, 20, 3)  # a 5-D batch is taken as prepared
    assert torch.equal(processor(prepared, candidates=CLASSES)["skeleton_values"], prepared)


def test_left_padding_without_answers(processor):
    lists = [["drink water"], CLASSES]  # prompts of different lengths
    batch = processor(_clips(), candidates=lists)
    short, long = (processor.prompt_token_ids(c) for c in lists)
    assert len(short) < len(long) == batch["input_ids"].shape[1]
    pad = len(long) - len(short)
    assert batch["attention_mask"][0].tolist() == [0] * pad + [1] * len(short)
    assert batch["input_ids"][0, pad:].tolist() == short
    assert (batch["input_ids"][0, :pad] == processor.tokenizer.pad_token_id).all()
    assert batch["input_ids"][1].tolist() == long and batch["attention_mask"][1].all()


def test_answers_are_right_padded_and_the_only_labels(processor):
    answers = [format_answer("wave hand", "The person waves a hand."), format_answer("sit down")]
    batch = processor(_clips(), candidates=CLASSES, answers=answers)
    prompt = processor.prompt_token_ids(CLASSES)
    for row, answer in enumerate(answers):
        target = processor.answer_token_ids(answer)
        assert target[-1] == processor.tokenizer.eos_token_id
        span = len(prompt) + len(target)
        labels = batch["labels"][row]
        assert labels[: len(prompt)].eq(IGNORE_INDEX).all() and labels[span:].eq(IGNORE_INDEX).all()
        assert labels[len(prompt) : span].tolist() == target
        assert batch["input_ids"][row, :span].tolist() == prompt + target
        assert batch["attention_mask"][row].tolist() == [1] * span + [0] * (labels.numel() - span)
    left = processor(_clips(), candidates=CLASSES, answers=answers, padding_side="left")
    assert left["attention_mask"][:, -1].all() and not left["attention_mask"][1, 0]


def test_candidate_token_ids_are_the_formatted_names(processor, tokenizer):
    ids = processor.candidate_token_ids(["wave hand", "sit down"])
    assert ids == [tokenizer("wave hand.", add_special_tokens=False)["input_ids"],
                   tokenizer("sit down.", add_special_tokens=False)["input_ids"]]  # fmt: skip
    assert ids[0] != ids[1] and all(ids)


def test_decode_answers_splits_name_and_description(processor, tokenizer):
    texts = ["wave hand. The person waves a hand.", "sit down."]
    ids = tokenizer(texts, add_special_tokens=False, padding=True, return_tensors="pt")["input_ids"]
    ids = torch.cat([ids, torch.full((2, 1), tokenizer.eos_token_id)], dim=1)  # special tokens are skipped
    answers = processor.decode_answers(ids)
    assert all(isinstance(a, SugarAnswer) for a in answers)
    assert (answers[0].action, answers[0].description) == ("wave hand", "The person waves a hand.")
    assert (answers[1].action, answers[1].description, answers[1].text) == ("sit down", "", "sit down.")


def test_save_and_load_round_trip(processor, tmp_path):
    processor.save_pretrained(tmp_path)
    loaded = SugarProcessor.from_pretrained(tmp_path)
    fields = ("layout", "num_frames", "num_persons", "in_channels", "num_action_tokens", "action_token_id",
              "instruction_template", "use_chat_template", "align_view", "class_names", "stream", "center",
              "test_crop_ratio", "coordinate_channels")  # fmt: skip
    assert {f: getattr(loaded, f) for f in fields} == {f: getattr(processor, f) for f in fields}
    clips, answers = _clips(), ["wave hand.", "sit down."]
    before = processor(clips, candidates=[CLASSES[:2], CLASSES], answers=answers)
    after = loaded(clips, candidates=[CLASSES[:2], CLASSES], answers=answers)
    assert set(before) == set(after) and all(torch.equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize(
    ("candidates", "error", "message"),
    [
        ("wave hand, sit down", TypeError, "must be a list of names"),
        ([], ValueError, "empty"),
        (["wave hand", "  "], ValueError, "blank"),
        (["wave hand", "wave hand "], ValueError, "duplicate"),
        ([["wave hand", 3], ["bow"]], TypeError, "candidate 1 is a int"),
        ([["wave hand"], "sit down"], TypeError, "mixes names and lists"),
        ([["wave hand"], ["sit down"], ["bow"]], ValueError, "3 candidate lists for 2 skeletons"),
    ],
)
def test_bad_candidates_are_refused(processor, candidates, error, message):
    with pytest.raises(error, match=message):
        processor(_clips(), candidates=candidates)


def test_other_call_errors(tokenizer, processor):
    with pytest.raises(ValueError, match="no candidates"):
        SugarProcessor(tokenizer, layout="kinect_v1_20", num_frames=16)(_clips(), candidates=None)
    assert processor.candidate_lists(None, 2) == [list(CLASSES)] * 2  # the class names by default
    with pytest.raises(ValueError, match="1 answers for 2 skeletons"):
        processor(_clips(), candidates=CLASSES, answers=["bow."])
    with pytest.raises(ValueError, match="PyTorch tensors only"):
        processor(_clips(), candidates=CLASSES, return_tensors="np")
    with pytest.raises(ValueError, match="skeletons are required"):
        processor(None, candidates=CLASSES)
