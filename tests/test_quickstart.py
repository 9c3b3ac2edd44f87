"""The quickstart pipeline end to end on a reduced setting with tiny random models (seconds, offline)."""

from __future__ import annotations

import json

from tiny import tiny_config, tiny_tokenizer

from sugar_hf.demo.quickstart import QuickstartSettings, run_quickstart


def tiny_quickstart_settings(tmp_path, **overrides) -> QuickstartSettings:
    """A quickstart on tiny random models: the same code path as the real one, in seconds."""
    config = tiny_config(class_names=[])
    config.encoder_config.layout = "ntu25"
    config.encoder_config.num_persons = 1
    config.encoder_config.num_frames = 16
    model_dir, tok_dir = tmp_path / "tiny_config", tmp_path / "tiny_tokenizer"
    config.save_pretrained(model_dir)
    tiny_tokenizer().save_pretrained(tok_dir)
    values = dict(
        output_dir=str(tmp_path / "quickstart"), num_subjects=3, test_subjects=1, repetitions=1,
        unseen_repetitions=1, num_frames=16, stage1_epochs=1, stage2_epochs=1, stage1_batch_size=8,
        stage2_batch_size=4, model_config=str(model_dir), tokenizer=str(tok_dir), progress=False,
    )  # fmt: skip
    values.update(overrides)
    return QuickstartSettings(**values)


def test_quickstart_reduced(tmp_path):
    result = run_quickstart(tiny_quickstart_settings(tmp_path))
    m = result.metrics
    for key in ("seen_top1", "seen_top5", "zeroshot_top1", "generalised_top1", "generalised_top5"):
        assert 0.0 <= m[key] <= 1.0
    assert m["seen_top5"] >= m["seen_top1"] and m["generalised_top5"] >= m["generalised_top1"]
    assert m["seen_classes"] == 9 and m["unseen_classes"] == 3
    out = tmp_path / "quickstart"
    for name in ("confusion_matrix.png", "confusion_matrix_zeroshot.png", "skeleton.gif", "results.json"):
        assert (out / name).stat().st_size > 0
    card = (out / "checkpoint" / "README.md").read_text()
    assert "sugar_demo" in card or "Quickstart run" in card
    assert (
        f"{100 * m['seen_top1']:.2f}".rstrip("0").rstrip(".") in card
        or str(round(100 * m["seen_top1"], 2)) in card
    )
    saved = json.loads((out / "results.json").read_text())
    assert saved["metrics"]["zeroshot_top1"] == m["zeroshot_top1"]
    summary = result.summary()
    assert "zero-shot" in summary and str(out / "checkpoint") in summary

    from transformers import AutoModel, AutoProcessor

    import sugar_hf  # noqa: F401

    model = AutoModel.from_pretrained(str(out / "checkpoint"))
    assert type(model).__name__ == "SugarForActionRecognition"
    assert type(AutoProcessor.from_pretrained(str(out / "checkpoint"))).__name__ == "SugarProcessor"
    assert len(result.examples) == 4
