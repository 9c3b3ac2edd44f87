"""The transformers conventions a user expects from a checkpoint (issue 14, findings 3, 4, 6 and 7).

Tiny random models, seconds each; the remote-code tests run a subprocess in which ``sugar_hf`` cannot be
imported at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from test_modeling import _clips, _model
from tiny import CLASSES, tiny_config
from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoProcessor, BatchFeature

from sugar_hf import (
    SugarBaselineConfig,
    SugarConfig,
    SugarEncoderConfig,
    SugarForActionRecognition,
    SugarForSkeletonClassification,
    SugarProcessor,
    SugarSkeletonTextModel,
    embedded,
)
from sugar_hf.hub.cards import model_card
from sugar_hf.hub.export import export_merged
from sugar_hf.inference import answer, classify

SMOLLM2 = "HuggingFaceTB/SmolLM2-135M-Instruct"
LEGACY_SMOLLM2 = "sugar-hf/embedded-smollm2-135m-instruct"

HIDE_PACKAGE = textwrap.dedent(
    """
    import importlib.abc, sys

    class _HideSugarHF(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "sugar_hf" or name.startswith("sugar_hf."):
                raise ModuleNotFoundError(f"No module named {name!r} (hidden by the test)")
            return None

    sys.meta_path.insert(0, _HideSugarHF())
    try:
        import sugar_hf  # noqa: F401
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("the package is still importable")
    """
)




def _fake_embedded_cache(cache: Path, tie: bool = True) -> Path:
    """A SUGAR_HF_CACHE holding a tiny Llama where the converted SmolLM2 would be."""
    torch.manual_seed(5)
    llm_config = tiny_config(tie=tie).llm_config
    folder = cache / "smollm2-135m-instruct"
    AutoModelForCausalLM.from_config(llm_config).save_pretrained(folder)
    return folder


def _adapter_checkpoint(tokenizer, folder: Path, llm_name: str, tie: bool = True
                        ) -> tuple[SugarForActionRecognition, SugarProcessor]:  # fmt: skip
    config = tiny_config(save_full_llm=False, tie=tie, llm_name_or_path=llm_name)
    torch.manual_seed(1)
    model = SugarForActionRecognition.from_config_with_pretrained_bases(config).eval()
    for name, param in model.named_parameters():
        if "lora_B" in name:  # non-trivial LoRA, so the round trip proves it is saved
            torch.nn.init.normal_(param, std=0.1)
    processor = SugarProcessor.from_config(tokenizer, config)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return model, processor


def _run(script: str, env_extra: dict | None = None, timeout: int = 240) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1", **(env_extra or {}))
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, env=env)


# ---------------------------------------------------------------------------- finding 3: the wrong folder
def test_automodel_refuses_a_stage1_folder(tmp_path):
    SugarSkeletonTextModel(tiny_config()).save_pretrained(tmp_path, save_full_llm=True)
    with pytest.raises(ValueError, match=r"SugarSkeletonTextModel\.from_pretrained"):
        AutoModel.from_pretrained(tmp_path)
    with pytest.raises(ValueError, match=r"SugarSkeletonTextModel\.from_pretrained"):
        SugarForActionRecognition.from_pretrained(tmp_path)
    # the right class still loads it
    assert isinstance(SugarSkeletonTextModel.from_pretrained(tmp_path), SugarSkeletonTextModel)


def test_stage1_folder_loads_as_itself_with_remote_code(tmp_path):
    SugarSkeletonTextModel(tiny_config()).save_pretrained(tmp_path, save_full_llm=True)
    auto_map = json.loads((tmp_path / "config.json").read_text())["auto_map"]
    assert auto_map["AutoModel"] == "modeling_sugar.SugarSkeletonTextModel"
    # with the package imported its registered class wins (transformers prefers explicit local code): refused
    with pytest.raises(ValueError, match=r"SugarSkeletonTextModel\.from_pretrained"):
        AutoModel.from_pretrained(tmp_path, trust_remote_code=True)
    script = HIDE_PACKAGE + textwrap.dedent(
        f"""
        from transformers import AutoModel
        model = AutoModel.from_pretrained({str(tmp_path)!r}, trust_remote_code=True)
        print("CLASS", type(model).__name__)
        """
    )
    result = _run(script)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "CLASS SugarSkeletonTextModel" in result.stdout


def test_stage2_and_baseline_classes_refuse_each_others_folders(tokenizer, tmp_path):
    stage2, baseline = tmp_path / "stage2", tmp_path / "baseline"
    _model(tokenizer)[0].save_pretrained(stage2)
    encoder = SugarEncoderConfig(layout="kinect_v1_20", num_persons=2, num_frames=16, base_channels=8)
    SugarForSkeletonClassification(SugarBaselineConfig(encoder_config=encoder, class_names=CLASSES)).save_pretrained(
        baseline
    )
    with pytest.raises(ValueError, match=r"SugarForActionRecognition\.from_pretrained"):
        SugarSkeletonTextModel.from_pretrained(stage2)
    with pytest.raises(ValueError, match=r"SugarForSkeletonClassification\.from_pretrained"):
        SugarForActionRecognition.from_pretrained(baseline)
    with pytest.raises(ValueError, match=r"SugarForSkeletonClassification\.from_pretrained"):
        SugarSkeletonTextModel.from_pretrained(baseline)
    assert isinstance(AutoModel.from_pretrained(baseline), SugarForSkeletonClassification)


def test_merged_export_of_a_stage1_folder_fails_and_writes_nothing(tmp_path, capsys):
    stage1 = tmp_path / "stage1"
    SugarSkeletonTextModel(tiny_config()).save_pretrained(stage1, save_full_llm=True)
    with pytest.raises(ValueError, match="SugarSkeletonTextModel"):
        export_merged(stage1, tmp_path / "out")
    with pytest.raises(ValueError, match="stage-2"):
        export_merged(SugarSkeletonTextModel(tiny_config()), tmp_path / "out2")
    from sugar_hf.cli import main

    assert main(["export", "merged", str(stage1), str(tmp_path / "out3")]) != 0
    assert "SugarSkeletonTextModel" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "out3").exists()


# ------------------------------------------------------------------------ finding 4: portable checkpoints
def test_embedded_default_records_the_hub_ids():
    tiny = tiny_config()
    config = embedded.embedded_config(CLASSES, llm_config=tiny.llm_config, text_config=tiny.text_config)
    assert config.llm_name_or_path == SMOLLM2
    assert config.text_name_or_path == "sentence-transformers/all-MiniLM-L6-v2"
    card = model_card(config, [])
    assert card.data.base_model == config.llm_name_or_path  # card and config agree


def test_hub_ids_and_legacy_names_resolve_to_the_embedded_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("SUGAR_HF_CACHE", str(tmp_path))
    folder = _fake_embedded_cache(tmp_path)
    from sugar_hf.pretrained_bases import resolve_pretrained_name

    assert resolve_pretrained_name(SMOLLM2) == str(folder)
    assert resolve_pretrained_name(LEGACY_SMOLLM2) == str(folder)
    assert resolve_pretrained_name("someone/else") == "someone/else"
    assert resolve_pretrained_name(str(tmp_path)) == str(tmp_path)


def test_old_checkpoints_naming_the_legacy_alias_still_load(tokenizer, tmp_path, monkeypatch):
    monkeypatch.setenv("SUGAR_HF_CACHE", str(tmp_path / "cache"))
    _fake_embedded_cache(tmp_path / "cache")
    model, processor = _adapter_checkpoint(tokenizer, tmp_path / "ckpt", LEGACY_SMOLLM2)
    loaded = AutoModel.from_pretrained(tmp_path / "ckpt")
    clips = _clips()
    assert classify(loaded, processor, clips, top_k=3) == classify(model, processor, clips, top_k=3)


def test_auto_map_covers_config_model_and_processor(tokenizer, tmp_path):
    model, processor = _model(tokenizer)
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    auto_map = json.loads((tmp_path / "config.json").read_text())["auto_map"]
    assert auto_map == {
        "AutoConfig": "configuration_sugar.SugarConfig",
        "AutoModel": "modeling_sugar.SugarForActionRecognition",
        "AutoProcessor": "processing_sugar.SugarProcessor",
    }
    processor_map = json.loads((tmp_path / "processor_config.json").read_text())["auto_map"]
    assert processor_map["AutoProcessor"] == "processing_sugar.SugarProcessor"
    for name in ("configuration_sugar.py", "modeling_sugar.py", "processing_sugar.py", "pipeline_sugar.py",
                 "inference.py"):  # fmt: skip
        assert (tmp_path / name).exists(), name
    # the installed package still answers AutoProcessor without remote code
    assert isinstance(AutoProcessor.from_pretrained(tmp_path), SugarProcessor)


def test_portable_checkpoint_loads_and_classifies_without_the_package(tokenizer, tmp_path):
    cache = tmp_path / "cache"
    _fake_embedded_cache(cache)
    import os

    os.environ["SUGAR_HF_CACHE"] = str(cache)
    try:
        model, processor = _adapter_checkpoint(tokenizer, tmp_path / "ckpt", SMOLLM2)
        expected = classify(model, processor, _clips(), top_k=3)
        expected_answer = answer(model, processor, _clips(), max_new_tokens=4)
    finally:
        del os.environ["SUGAR_HF_CACHE"]
    config = json.loads((tmp_path / "ckpt" / "config.json").read_text())
    assert config["llm_name_or_path"] == SMOLLM2 and not config["save_full_llm"]
    np.save(tmp_path / "clips.npy", np.stack([c[:20] for c in _clips()]))
    script = HIDE_PACKAGE + textwrap.dedent(
        f"""
        import numpy as np
        from transformers import AutoModel, AutoProcessor, BatchFeature
        folder = {str(tmp_path / "ckpt")!r}
        model = AutoModel.from_pretrained(folder, trust_remote_code=True).eval()
        processor = AutoProcessor.from_pretrained(folder, trust_remote_code=True)
        assert type(model).__name__ == "SugarForActionRecognition", type(model)
        assert type(processor).__name__ == "SugarProcessor", type(processor)
        assert not hasattr(model, "processor"), "the model holds no processor"
        rng = np.random.default_rng(0)
        clips = [rng.normal(size=(20 + 7 * i, 20, 3)).astype(np.float32) for i in range(2)]
        inputs = processor(skeletons=clips, candidates=["wave hand", "sit down"])
        assert isinstance(inputs, BatchFeature)
        # the model card's snippet: rank the classes with score_candidates, answer with generate + decode_answers
        names = processor.class_names
        scores = model.score_candidates(**processor(skeletons=clips, candidates=names),
                                        candidate_ids=processor.candidate_token_ids(names))
        print("RANKED", [sorted(zip(names, row.tolist()), key=lambda p: -p[1])[:3] for row in scores])
        ids = model.generate(**processor(skeletons=clips), max_new_tokens=4,
                             pad_token_id=processor.tokenizer.pad_token_id)
        print("ANSWERS", [a.text for a in processor.decode_answers(ids)])
        print("MODULE", type(model).__module__)
        assert "sugar_hf" not in sys.modules
        """
    )
    result = _run(script, {"SUGAR_HF_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr[-4000:]
    assert "MODULE transformers_modules" in result.stdout
    ranked = eval(result.stdout.split("RANKED ", 1)[1].splitlines()[0])
    assert eval(result.stdout.split("ANSWERS ", 1)[1].splitlines()[0]) == [a.text for a in expected_answer]
    assert [[n for n, _ in row] for row in ranked] == [[n for n, _ in row] for row in expected]
    np.testing.assert_allclose([[s for _, s in row] for row in ranked], [[s for _, s in row] for row in expected],
                               rtol=1e-4, atol=1e-4)  # fmt: skip


# ------------------------------------------------------------- issue 25: no peft, re-saved remote code
HIDE_PEFT = 'sys.modules["peft"] = None  # as if peft were not installed: transformers sees no peft either\n'

_SCORE_SNIPPET = textwrap.dedent(
    """
    def ranked(folder, clips):
        model = AutoModel.from_pretrained(folder, trust_remote_code=True).eval()
        processor = AutoProcessor.from_pretrained(folder, trust_remote_code=True)
        names = processor.class_names
        scores = model.score_candidates(**processor(skeletons=clips, candidates=names),
                                        candidate_ids=processor.candidate_token_ids(names))
        return model, processor, scores.tolist()
    """
)


def _lora_checkpoint(tokenizer, folder: Path) -> tuple[SugarForActionRecognition, SugarProcessor, list]:
    """A tiny stage-2 folder with a non-trivial LoRA and the package's scores of its classes for ``_clips()``."""
    model, processor = _model(tokenizer)
    for name, param in model.named_parameters():
        if "lora_B" in name:  # LoRA B starts at zero: make the adapter change the scores
            torch.nn.init.normal_(param, std=0.1)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    names = processor.class_names
    scores = model.score_candidates(**processor(skeletons=_clips(), candidates=names),
                                    candidate_ids=processor.candidate_token_ids(names))  # fmt: skip
    return model, processor, scores.tolist()


def _clips_script() -> str:
    return textwrap.dedent(
        """
        import numpy as np
        from transformers import AutoModel, AutoProcessor
        rng = np.random.default_rng(0)
        clips = [rng.normal(size=(20 + 7 * i, 20, 3)).astype(np.float32) for i in range(2)]
        """
    )


def test_remote_code_ranks_without_peft_as_the_package_does(tokenizer, tmp_path):
    """Only transformers (and torch, NumPy) installed: the checkpoint's LoRA runs as plain layers with PEFT's
    weight names and arithmetic, and ranks exactly as the package's model with PEFT's layers."""
    model, _, expected = _lora_checkpoint(tokenizer, tmp_path / "ckpt")
    assert type(model.llm.model.layers[0].self_attn.q_proj).__module__.startswith("peft")
    script = HIDE_PACKAGE + HIDE_PEFT + _clips_script() + _SCORE_SNIPPET + textwrap.dedent(
        f"""
        model, _, scores = ranked({str(tmp_path / "ckpt")!r}, clips)
        layer = model.llm.model.layers[0].self_attn.q_proj
        assert type(layer).__name__ == "LoraLinear", type(layer)
        assert layer.lora_B["default"].weight.abs().sum() > 0, "the LoRA weights were not loaded"
        print("SCORES", scores)
        assert "sugar_hf" not in sys.modules and sys.modules["peft"] is None
        """
    )
    result = _run(script)
    assert result.returncode == 0, result.stderr[-4000:]
    scores = eval(result.stdout.split("SCORES ", 1)[1].splitlines()[0])
    np.testing.assert_allclose(scores, expected, rtol=1e-6, atol=1e-5)  # fp32 rounding of attention kernels
    assert [np.argsort(row).tolist() for row in scores] == [np.argsort(row).tolist() for row in expected]


def test_plain_lora_refuses_options_it_does_not_apply(monkeypatch):
    from sugar_hf import lora

    monkeypatch.setattr(lora, "inject_adapter_in_model", None)  # as without peft
    with pytest.raises(ValueError, match=r"use_dora=True.*install peft"):
        SugarForActionRecognition(tiny_config(lora_config={"r": 4, "target_modules": ["q_proj"], "use_dora": True}))
    with pytest.raises(ValueError, match="match no linear layer"):
        SugarForActionRecognition(tiny_config(lora_config={"r": 4, "target_modules": ["nothing_here"]}))
    plain = SugarForActionRecognition(tiny_config(lora_config={"r": 4, "target_modules": "all-linear"}))
    adapted = {name for name, module in plain.llm.named_modules() if isinstance(module, lora.LoraLinear)}
    assert "lm_head" not in adapted and "model.layers.1.mlp.down_proj" in adapted  # every linear but the head


def test_a_resaved_remote_code_model_carries_its_code_and_ranks_identically(tokenizer, tmp_path):
    """Loaded through remote code (no package, no peft) and saved again, the folder has every file its config
    names (pipeline, inference, baseline modules included) and loads again to the same scores; with the first
    folder gone, a file the copy was loaded without is reported by name."""
    _, _, expected = _lora_checkpoint(tokenizer, tmp_path / "ckpt")
    originals = {p.name: p.read_text() for p in (tmp_path / "ckpt").glob("*.py")}
    written = sorted(originals)
    script = HIDE_PACKAGE + HIDE_PEFT + _clips_script() + _SCORE_SNIPPET + textwrap.dedent(
        f"""
        import os, shutil
        from transformers import pipeline
        model, processor, first = ranked({str(tmp_path / "ckpt")!r}, clips)
        model.save_pretrained({str(tmp_path / "again")!r})
        processor.save_pretrained({str(tmp_path / "again")!r})
        print("FILES", sorted(n for n in os.listdir({str(tmp_path / "again")!r}) if n.endswith(".py")))
        _, _, second = ranked({str(tmp_path / "again")!r}, clips)
        print("SCORES", first, second)
        pipe = pipeline("skeleton-action-recognition", model={str(tmp_path / "again")!r}, trust_remote_code=True)
        print("PIPE", [d["label"] for d in pipe(clips[0], top_k=3)])
        shutil.rmtree({str(tmp_path / "ckpt")!r})
        try:
            model.save_pretrained({str(tmp_path / "orphan")!r})
        except OSError as error:
            print("ORPHAN", str(error).splitlines()[0])
        assert "sugar_hf" not in sys.modules
        """
    )
    result = _run(script)
    assert result.returncode == 0, result.stderr[-4000:]
    files = eval(result.stdout.split("FILES ", 1)[1].splitlines()[0])
    assert files == written and {"pipeline_sugar.py", "inference.py", "modeling_baseline.py"} <= set(files)
    for name in files:  # the very code the package wrote
        assert (tmp_path / "again" / name).read_text() == originals[name], name
    first, second = eval("[" + result.stdout.split("SCORES ", 1)[1].splitlines()[0].replace("] [", "], [") + "]")
    np.testing.assert_allclose(first, expected, rtol=1e-6, atol=1e-5)  # fp32 rounding of attention kernels
    np.testing.assert_allclose(second, first, rtol=0, atol=1e-6)
    labels = eval(result.stdout.split("PIPE ", 1)[1].splitlines()[0])
    assert labels == [CLASSES[i] for i in np.argsort(expected[0])[::-1][:3]]
    orphan = result.stdout.split("ORPHAN ", 1)[1].splitlines()[0]
    assert "was loaded without it" in orphan and ".py" in orphan and str(tmp_path / "ckpt") in orphan


# --------------------------------------------------------------------------- finding 6: conventions
def test_processor_returns_a_batch_feature(tokenizer):
    processor = SugarProcessor.from_config(tokenizer, tiny_config())
    inputs = processor(skeletons=_clips(), candidates=CLASSES)
    assert isinstance(inputs, BatchFeature)
    moved = inputs.to("cpu")
    assert moved["skeleton_values"].shape[0] == 2 and moved.input_ids.dtype == torch.long


def test_labels_come_from_the_class_names(tokenizer, tmp_path):
    config = tiny_config()
    expected = dict(enumerate(CLASSES))
    assert config.id2label == expected and config.label2id == {n: i for i, n in expected.items()}
    assert config.encoder_config.id2label == expected
    model, _ = _model(tokenizer)
    model.config.class_names = ["clap", "jump"]  # edited after construction, as training does
    model.save_pretrained(tmp_path)
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["id2label"] == {"0": "clap", "1": "jump"} and saved["label2id"] == {"clap": 0, "jump": 1}
    assert saved["encoder_config"]["id2label"] == {"0": "clap", "1": "jump"}
    loaded = AutoConfig.from_pretrained(tmp_path)
    assert loaded.id2label == {0: "clap", 1: "jump"} and loaded.encoder_config.label2id == {"clap": 0, "jump": 1}
    assert "LABEL_0" not in json.dumps(saved["encoder_config"])


def test_a_config_without_classes_stores_no_placeholder_labels(tmp_path):
    SugarConfig(class_names=[]).save_pretrained(tmp_path)
    saved = json.loads((tmp_path / "config.json").read_text())
    assert "LABEL_0" not in json.dumps(saved["encoder_config"])


def test_candidates_must_be_a_list_of_distinct_names(tokenizer):
    model, processor = _model(tokenizer)
    clip = _clips(1)
    with pytest.raises(TypeError, match=r"a list of names.*\['wave hand', 'clap hands'\]"):
        classify(model, processor, clip, candidates="wave hand,clap hands")
    with pytest.raises(TypeError, match="a list of names"):
        processor(skeletons=clip, candidates="wave hand")
    with pytest.raises(ValueError, match="empty"):
        classify(model, processor, clip, candidates=[])
    with pytest.raises(ValueError, match="empty"):
        answer(model, processor, clip, candidates=[])
    with pytest.raises(ValueError, match="blank"):
        classify(model, processor, clip, candidates=["wave hand", ""])
    with pytest.raises(ValueError, match="blank"):
        classify(model, processor, clip, candidates=["   "])
    with pytest.raises(ValueError, match="duplicate.*wave hand"):
        classify(model, processor, clip, candidates=["wave hand", "sit down", "wave hand"])
    with pytest.raises(TypeError, match="str"):
        classify(model, processor, clip, candidates=["wave hand", 3])
    # None still means the model's classes; a list of per-sample lists is validated per sample
    assert len(classify(model, processor, clip, top_k=10)[0]) == len(CLASSES)
    with pytest.raises(ValueError, match="duplicate"):
        processor(skeletons=_clips(2), candidates=[["a", "b"], ["c", "c"]])


# ------------------------------------------------------------------- finding 7: no alarm on a correct load
@pytest.mark.parametrize("tie", [True, False])
def test_adapter_checkpoint_with_tied_embeddings_loads_quietly(tokenizer, tmp_path, caplog, tie):
    import logging

    import transformers

    base = tmp_path / "base"
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(tiny_config(tie=tie).llm_config).save_pretrained(base)
    model, processor = _adapter_checkpoint(tokenizer, tmp_path / "ckpt", str(base), tie=tie)
    transformers.logging.enable_propagation()
    try:
        with caplog.at_level(logging.INFO, logger="transformers"):
            loaded = AutoModel.from_pretrained(tmp_path / "ckpt")
    finally:
        transformers.logging.disable_propagation()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not warnings, warnings
    assert not any("corrupted" in r.getMessage() for r in caplog.records)
    llm = loaded.llm
    assert (llm.lm_head.weight is llm.model.embed_tokens.weight) == tie
    assert torch.equal(llm.lm_head.weight, model.llm.lm_head.weight)
    clips = _clips()
    assert classify(loaded, processor, clips, top_k=3) == classify(model, processor, clips, top_k=3)


def test_full_checkpoint_load_emits_no_warning(tokenizer, tmp_path, caplog):
    import logging

    import transformers

    model, _ = _model(tokenizer, tie=True)
    model.save_pretrained(tmp_path)
    transformers.logging.enable_propagation()
    try:
        with caplog.at_level(logging.WARNING):
            AutoModel.from_pretrained(tmp_path)
    finally:
        transformers.logging.disable_propagation()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]
