"""data/collator.py on a tiny config: SugarCollator's batch keys and shapes with and without answers, view items
vs raw rows, and the seeded candidate-list draws; SkeletonCollator's fixed-size stacks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny import CLASSES

from sugar_hf.data.collator import SkeletonCollator, SugarCollator
from sugar_hf.processing_sugar import IGNORE_INDEX, format_answer


def _view_items(processor, labels, seed: int = 0) -> list[dict]:
    """Items as a SkeletonTorchDataset view yields them: prepared ``(M, T, V, C)`` arrays and a label."""
    rng = np.random.default_rng(seed)
    clips = [rng.normal(0, 1, (2, 20 + 5 * i, 20, 3)).astype(np.float32) for i in range(len(labels))]
    return [{"skeleton": processor.pipeline(c, train=False), "label": lab} for c, lab in zip(clips, labels)]


def _raw_rows(labels, seed: int = 0) -> list[dict]:
    """Converted dataset rows: persons stacked along time, with their counts."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, label in enumerate(labels):
        persons, frames = 1 + i % 2, 12 + 4 * i
        skeleton = rng.normal(0, 1, (persons * frames, 20, 3)).astype(np.float32)
        rows.append({"skeleton": skeleton, "num_persons": persons, "num_frames": frames, "label": label})
    return rows


def test_view_items_with_answers(processor):
    items = _view_items(processor, [0, 2, 5])
    describe = {"wave hand": "The person waves a hand."}.get
    collate = SugarCollator(processor, CLASSES, describe=describe, candidates=CLASSES[:4])
    batch = collate(items)
    assert set(batch) == {"skeleton_values", "input_ids", "attention_mask", "labels"}
    assert batch["skeleton_values"].shape == (3, 2, 16, 20, 3)
    np.testing.assert_array_equal(
        batch["skeleton_values"].numpy(), np.stack([it["skeleton"] for it in items])
    )
    assert batch["input_ids"].shape == batch["attention_mask"].shape == batch["labels"].shape
    answers = ["drink water.", format_answer("wave hand", "The person waves a hand."), "stand up."]
    expected = processor(torch.from_numpy(np.stack([it["skeleton"] for it in items])), candidates=CLASSES[:4],
                         answers=answers)  # fmt: skip
    assert all(torch.equal(batch[k], expected[k]) for k in expected)
    targets = [row[row != IGNORE_INDEX].tolist() for row in batch["labels"]]
    assert targets == [processor.answer_token_ids(a) for a in answers]


def test_inference_batches_have_no_labels_and_may_carry_class_ids(processor):
    items = _view_items(processor, [1, 3])
    batch = SugarCollator(processor, CLASSES, with_answers=False, return_class_ids=True)(items)
    assert set(batch) == {"skeleton_values", "input_ids", "attention_mask", "class_ids"}
    assert batch["class_ids"].tolist() == [1, 3] and batch["class_ids"].dtype == torch.long
    assert batch["attention_mask"][:, -1].all()  # left padded for ranking / generation
    marks = (batch["input_ids"] == processor.action_token_id).sum(dim=1)
    assert marks.tolist() == [processor.num_action_tokens] * 2
    assert "labels" not in SugarCollator(processor, CLASSES, with_answers=False)(items)


def test_raw_rows_go_through_the_processors_pipeline(processor):
    rows = _raw_rows([0, 4])
    batch = SugarCollator(processor, CLASSES, candidates=CLASSES)(rows)
    clips = [r["skeleton"].reshape(r["num_persons"], r["num_frames"], 20, 3) for r in rows]
    assert torch.equal(batch["skeleton_values"], processor.prepare_skeletons(clips))
    with pytest.raises(ValueError, match="mixes raw dataset rows and prepared view items"):
        SugarCollator(processor, CLASSES)([rows[0], _view_items(processor, [1])[0]])
    wrong = [{"skeleton": np.zeros((2, 8, 20, 3), np.float32), "label": 0}]  # 8 frames, the processor has 16
    with pytest.raises(
        ValueError, match="2 persons x 8 frames x 3 channels, the processor expects 2 x 16 x 3"
    ):
        SugarCollator(processor, CLASSES)(wrong)


def test_candidate_lists_are_drawn_reproducibly_from_the_seed(processor):
    collate = SugarCollator(processor, CLASSES, candidates=CLASSES, num_candidates=4, seed=3)
    drawn = collate.candidates_for([2, 0, 2])
    assert len(drawn) == 4 == len(set(drawn)) and set(drawn) <= set(CLASSES)
    assert {"drink water", "wave hand"} <= set(drawn)  # the batch's own classes are always listed
    again = SugarCollator(processor, CLASSES, candidates=CLASSES, num_candidates=4, seed=3)
    assert again.candidates_for([2, 0, 2]) == drawn == collate.candidates_for([2, 0, 2])  # a resumed run
    labels = [[a, b] for a in range(6) for b in range(6)]
    other = SugarCollator(processor, CLASSES, candidates=CLASSES, num_candidates=4, seed=4)
    assert any(other.candidates_for(lab) != collate.candidates_for(lab) for lab in labels)
    assert len({tuple(collate.candidates_for(lab)) for lab in labels}) > 1  # not one fixed list
    batch = collate(_view_items(processor, [2, 0, 2]))
    prompt = processor.tokenizer.decode([i for i in batch["input_ids"][0].tolist() if i >= 0])
    assert ", ".join(drawn) in prompt
    assert SugarCollator(processor, CLASSES, candidates=CLASSES).candidates_for([5]) == CLASSES  # no draw
    with pytest.raises(ValueError, match="needs the full candidate list"):
        SugarCollator(processor, CLASSES, num_candidates=4)


def test_skeleton_collator_stacks_fixed_size_batches():
    rows = _raw_rows([1, 2, 3])
    batch = SkeletonCollator(num_persons=2, num_frames=10)(rows)
    assert (
        batch["skeleton_values"].shape == (3, 2, 10, 20, 3)
        and batch["skeleton_values"].dtype == torch.float32
    )
    assert batch["labels"].tolist() == [1, 2, 3] and batch["labels"].dtype == torch.long
    assert not batch["skeleton_values"][0, 1].any()  # a one-person row is padded with a zero body
