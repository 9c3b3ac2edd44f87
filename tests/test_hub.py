"""Hub packaging: cards validate, dry-run folders load, real pushes call HfApi, exports predict the same."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from huggingface_hub import DatasetCard, ModelCard, RepoCard
from tiny import CLASSES, tiny_config, tiny_tokenizer
from transformers import AutoModel, AutoModelForCausalLM

from sugar_hf import SugarForActionRecognition, SugarProcessor
from sugar_hf.corpora import CORPORA
from sugar_hf.hub import EvalRecord, dataset_card, model_card, results_from_metrics
from sugar_hf.hub.export import export_adapter, export_merged, merge_lora
from sugar_hf.hub.publish import DatasetTermsError, push_dataset, push_model, push_space
from sugar_hf.inference import classify

RESULTS = [
    {"dataset": "ntu60", "config": "xsub", "split": "test", "metric": "top1", "value": 95.2},
    {"dataset": "ntu60", "config": "xsub", "split": "test", "metric": "top5", "value": 99.0},
    {
        "dataset": "toyota_smarthome",
        "config": "cs",
        "split": "test",
        "metric": "mean_class_accuracy",
        "value": 70.2,
    },
]


def _clips(n: int = 3, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(20 + 5 * i, 20, 3)).astype(np.float32) for i in range(n)]


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny convolutions run faster on one thread than fighting over busy cores; restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny model whose base LLM is a saved folder it names, with non-trivial LoRA weights."""
    torch.manual_seed(0)
    base_dir = tmp_path_factory.mktemp("base-llm")
    config = tiny_config(save_full_llm=False)
    AutoModelForCausalLM.from_config(config.llm_config).save_pretrained(base_dir)
    config.llm_name_or_path = str(base_dir)
    model = SugarForActionRecognition.from_config_with_pretrained_bases(config).eval()
    for name, param in model.named_parameters():
        if "lora_" in name:
            torch.nn.init.normal_(param, std=0.3)
    return model


@pytest.fixture(scope="module")
def processor(trained):
    return SugarProcessor.from_config(tiny_tokenizer(), trained.config)


def _logits(model, processor, clips=None):
    inputs = processor(skeletons=clips or _clips(), candidates=CLASSES)
    with torch.no_grad():
        return model(**inputs).logits


class FakeApi:
    """Records HfApi calls and snapshots the uploaded folder."""

    def __init__(self):
        self.calls = []

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", repo_id, kwargs))
        return f"https://huggingface.co/{repo_id}"

    def upload_folder(self, *, repo_id, folder_path, **kwargs):
        from pathlib import Path

        files = sorted(str(p.relative_to(folder_path)) for p in Path(folder_path).rglob("*") if p.is_file())
        self.calls.append(("upload_folder", repo_id, dict(kwargs, files=files)))


# ------------------------------------------------------------------------------------------------- cards
def test_model_card_metadata_and_model_index(trained):
    card = model_card(trained.config, RESULTS, repo_id="me/sugar-ntu60", training_datasets=["ntu60"],
                      training_args={"learning_rate": 2e-5})  # fmt: skip
    parsed = ModelCard(str(card))  # what the Hub parses
    data = parsed.data
    assert data.library_name == "transformers" and data.pipeline_tag == "other"  # the Hub has no skeleton task
    assert data.license == "apache-2.0" and data.base_model is None  # a local path is not a Hub id
    found = {(r.dataset_type, r.dataset_config, r.dataset_split, r.metric_type): r.metric_value
             for r in data.eval_results}  # fmt: skip
    assert found == {
        ("ntu60", "xsub", "test", "accuracy"): 95.2,
        ("ntu60", "xsub", "test", "top_5_accuracy"): 99.0,
        ("toyota_smarthome", "cs", "test", "mean_class_accuracy"): 70.2,
    }
    text = parsed.text
    for needle in ("Intended use", "Citation", "chen2021ctrgcn", "sugar2026", "shahroudy2016ntu", "das2019toyota",
                   "ROSE Lab", "| 95.20 |", "learning_rate"):  # fmt: skip
        assert needle in text, needle


def test_model_card_names_the_hub_base_model():
    config = tiny_config(llm_name_or_path="sugar-hf/embedded-smollm2-135m-instruct", save_full_llm=False)
    data = ModelCard(str(model_card(config, []))).data
    assert data.base_model == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert data.eval_results is None


def test_results_from_trainer_metrics():
    records = results_from_metrics("ntu120", "test", {"eval_top1": 0.9, "eval_top5": 0.99, "eval_loss": 1.0,
                                                      "eval_runtime": 3.0}, config="xset")  # fmt: skip
    assert records == [
        EvalRecord("ntu120", "test", "top1", 0.9, "xset"),
        EvalRecord("ntu120", "test", "top5", 0.99, "xset"),
    ]


def test_model_card_steps_render_the_config():
    adapter = str(model_card(tiny_config(save_full_llm=False), RESULTS[:1], repo_id="me/tiny"))
    for line in (
        "| skeleton encoder | CTR-GCN, layout `kinect_v1_20` (20 joints), 2 person(s), 16 frames, base width 8, "
        "tokens per `frame_joint` |",
        "| projector | `tqp`: 2 segment(s) x 3 queries, shared Q-Former -> 6 tokens |",
        "| classes | 6 in `config.class_names` (drink water, eat meal, wave hand, kick something, sit down, "
        "stand up) |",
        "This repository holds the encoder, the projector, the LoRA weights and the processor.",
        "- **Training data terms**: NTU RGB+D 60 (skeletons): NTU RGB+D and NTU RGB+D 120 are distributed",
        "| NTU RGB+D 60 (skeletons) | xsub | test | 95.20 |",
    ):  # fmt: skip
        assert line in adapter, line
    assert "- peft" in adapter and "\n- custom_code\n" in adapter
    many = [f"class {i}" for i in range(9)]
    merged = ModelCard(str(model_card(tiny_config(projector_type="linear", lora_config={}, class_names=many,
                                                  save_full_llm=True), [])))  # fmt: skip
    assert "peft" not in merged.data.tags and merged.data.model_name == "your-name/sugar-model"
    for line in (
        "| LoRA | merged into the LLM weights (no adapter) |",
        "| projector | `linear`: linear -> 6 tokens |",
        "| classes | 9 in `config.class_names` (class 0, class 1, class 2, class 3, class 4, class 5, class 6, "
        "class 7, ...) |",
        "This repository holds every weight, the LLM included (LoRA merged into the base LLM).",
        "- **Training data terms**: check the terms of every corpus used for training before any use beyond",
        "No evaluation results were recorded for this checkpoint.",
    ):  # fmt: skip
        assert line in merged.text, line


@pytest.mark.parametrize("described", [True, False, None])
def test_model_card_describes_the_answers_the_run_was_trained_for(described):
    text = ModelCard(str(model_card(tiny_config(answer_description=described), []))).text
    full, name = '"&lt;action&gt;. &lt;description&gt;"', '"&lt;action&gt;."'
    if described is True:
        assert f"which answers {full} (the action name and a short description)" in text
        assert '# "<action>. <description>"' in text and f"trained to generate\n{full}" in text
    elif described is False:  # names only: no description anywhere in what the model is said to answer
        assert "&lt;description&gt;" not in text and "<action>. <description>" not in text
        assert f"which answers {name} (the action name alone: it was trained without descriptions)" in text
        assert '# "<action>." (the name alone)' in text and f"trained to generate\n{name} (the action name" in text
    else:  # a checkpoint saved before the format was recorded: both forms, said to be unknown
        assert f"which answers {name} or {full}" in text and "this checkpoint does not record which" in text


def test_model_card_gives_the_joint_order_and_coordinate_convention():
    from sugar_hf import SugarEncoderConfig, get_layout

    kinect = ModelCard(str(model_card(tiny_config(), []))).text
    names = get_layout("kinect_v1_20").joint_names
    order = ", ".join(f"{i} `{n}`" for i, n in enumerate(names))
    assert f"- **Joint order** (layout `kinect_v1_20`, 20 joints, as the arrays store them): {order}." in kinect
    assert "- **Channels**: 3 per joint: x, y, z (positions)." in kinect
    assert "neither rescales nor normalises" in kinect
    assert "translated so that joint 1 (`spine`) of the first body in the first valid frame is the origin" in kinect
    assert "the centred 95% of the valid frames resampled to 16 frames" in kinect and "rotated" not in kinect
    encoder = SugarEncoderConfig(layout="coco17", in_channels=3, coordinate_channels=2, num_frames=32, base_channels=8,
                                 align_view=True, stream="bone", test_crop_ratio=1.0, center=False)  # fmt: skip
    coco = ModelCard(str(model_card(tiny_config(encoder_config=encoder), []))).text
    assert "(layout `coco17`, 17 joints, as the arrays store them): 0 `nose`, 1 `left_eye`," in coco
    assert "16 `right_ankle`." in coco
    assert "- **Channels**: 3 per joint: x, y (positions), then 1 value channel(s)" in coco
    assert "translated so that" not in coco and "rotated to a canonical view" in coco
    assert "the centred 100% of the valid frames resampled to 32 frames; turned into the `bone` stream" in coco


def test_a_folder_with_eval_metrics_reports_them_on_its_card(trained, processor, tmp_path):
    """``eval_metrics.json`` (fractions) in a pushed run folder becomes the card's results (percentages) and its
    model-index; explicit results win; a broken file is named."""
    ckpt = tmp_path / "run"
    trained.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    metrics = {"top1": 0.8125, "top5": 1.0, "mean_class_accuracy": 0.75, "per_class_accuracy": [1.0, 0.5],
               "confusion_matrix": [[1, 0], [1, 1]], "predictions": [0, 1], "references": [0, 1],
               "scoring_top1": {"sum": 0.8125, "mean": 0.5}, "class_names": CLASSES}  # fmt: skip
    (ckpt / "eval_metrics.json").write_text(json.dumps(metrics))
    out = push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry", training_datasets=["utd_mhad"])
    card = ModelCard.load(out / "README.md")
    assert "No evaluation results were recorded" not in card.text
    assert "| UTD-MHAD (skeletons) | - | eval | 81.25 | 100.00 | 75.00 |" in card.text
    assert "the training run's final evaluation, `eval_metrics.json`" in card.text
    found = {(r.dataset_type, r.dataset_split, r.metric_type): r.metric_value for r in card.data.eval_results}
    assert found == {("utd_mhad", "eval", "accuracy"): 81.25, ("utd_mhad", "eval", "top_5_accuracy"): 100.0,
                     ("utd_mhad", "eval", "mean_class_accuracy"): 75.0}  # fmt: skip
    given = push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry2", results=RESULTS[:1])
    assert "| 95.20 |" in ModelCard.load(given / "README.md").text
    assert "81.25" not in ModelCard.load(given / "README.md").text
    (ckpt / "eval_metrics.json").write_text('{"top1": 0.')
    with pytest.raises(ValueError, match=r"run/eval_metrics\.json: cannot read the evaluation results"):
        push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry3")
    (ckpt / "eval_metrics.json").write_text("[0.5]")
    with pytest.raises(ValueError, match=r"eval_metrics\.json: expected a JSON object of metrics, got list"):
        push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry4")


def test_dataset_card_steps_render_official_and_converted_counts():
    official = DatasetCard(str(dataset_card("ntu60")))
    assert official.data.config_names == ["xsub", "xview"] and official.data.size_categories == ["10K<n<100K"]
    for line in ("| `xsub` | train | 40,091 |", "| `xview` | test | 18,932 |", "60 classes: drink water, eat meal",
                 "Counts are the official ones after skipping samples with missing skeletons"):  # fmt: skip
        assert line in official.text, line
    files = {"xsub": {"train": "t.parquet"}}
    converted = DatasetCard(str(dataset_card("utkinect", {"xsub": _tiny_dataset_dict()}, data_files=files)))
    assert converted.data.configs == [{"config_name": "xsub", "data_files": [{"split": "train", "path": "t.parquet"}]}]
    assert "| `xsub` | train | 4 |\n| `xsub` | test | 3 |" in converted.text and "Counts are" not in converted.text
    assert "3 classes: walk, sit down, stand up" in converted.text and converted.data.size_categories == ["n<1K"]


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_dataset_card_of_every_corpus(corpus):
    card = DatasetCard(str(dataset_card(corpus)))
    assert card.data.pretty_name == CORPORA[corpus].pretty_name
    assert CORPORA[corpus].terms.split(":")[0][:40] in card.text
    if CORPORA[corpus].research:
        assert card.data.license == "other" and card.data.license_name


# ------------------------------------------------------------------------------------------------- model
def test_model_dry_run_folder_loads_and_matches(trained, processor, tmp_path):
    out = push_model(trained, "me/sugar", dry_run_dir=tmp_path / "dry", results=RESULTS, processor=processor)
    names = {p.name for p in out.iterdir()}
    assert {"README.md", "config.json", "model.safetensors", "processor_config.json"} <= names
    assert any(n.startswith("tokenizer") for n in names) and "modeling_sugar.py" in names  # remote code
    from safetensors import safe_open

    with safe_open(out / "model.safetensors", "pt") as f:
        keys = list(f.keys())
    assert any("lora_" in k for k in keys) and not any(
        k.startswith("llm.") and "lora_" not in k for k in keys
    )
    assert ModelCard.load(out / "README.md").data.eval_results
    loaded = AutoModel.from_pretrained(out).eval()
    assert torch.equal(_logits(trained, processor), _logits(loaded, SugarProcessor.from_pretrained(out)))
    # A checkpoint folder is re-packaged file by file, without training state.
    ckpt = tmp_path / "ckpt"
    trained.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    (ckpt / "optimizer.pt").write_bytes(b"x")
    again = push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry2")
    assert "optimizer.pt" not in {p.name for p in again.iterdir()}
    assert torch.equal(
        _logits(trained, processor), _logits(AutoModel.from_pretrained(again).eval(), processor)
    )
    # Saving the LLM weights too re-saves the folder, with the processor it loads from there.
    full = push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry3", save_full_llm=True)
    assert SugarProcessor.from_pretrained(full).tokenizer.get_vocab() == processor.tokenizer.get_vocab()
    assert torch.equal(
        _logits(trained, processor), _logits(AutoModel.from_pretrained(full).eval(), processor)
    )


def test_model_push_needs_the_processor(trained, tmp_path):
    with pytest.raises(ValueError, match="holds no processor: pass processor="):
        push_model(trained, "me/sugar", dry_run_dir=tmp_path / "dry")
    ckpt = tmp_path / "ckpt"
    trained.save_pretrained(ckpt)
    with pytest.raises(ValueError, match="no processor_config.json"):
        push_model(ckpt, "me/sugar", dry_run_dir=tmp_path / "dry2")
    with pytest.raises(ValueError, match="holds no processor"):
        export_adapter(trained, tmp_path / "adapter")
    with pytest.raises(ValueError, match="no processor_config.json"):
        export_merged(ckpt, tmp_path / "merged")


def test_model_real_push_uses_hf_api(trained, processor, tmp_path):
    api = FakeApi()
    url = push_model(trained, "me/sugar", api=api, private=True, processor=processor)
    assert url == "https://huggingface.co/me/sugar"
    (_, repo, create), (_, _, upload) = api.calls
    assert repo == "me/sugar" and create["repo_type"] == "model" and create["private"] is True
    assert (
        upload["repo_type"] == "model"
        and "model.safetensors" in upload["files"]
        and "README.md" in upload["files"]
    )


def test_dry_run_refuses_a_non_empty_folder(trained, processor, tmp_path):
    (tmp_path / "x").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        push_model(trained, "me/sugar", dry_run_dir=tmp_path, processor=processor)


# ------------------------------------------------------------------------------------------------ dataset
def _tiny_dataset_dict():
    from datasets import DatasetDict

    from sugar_hf.corpora import sequence_to_row, skeleton_features
    from sugar_hf.skeleton.readers import SkeletonSequence

    features = skeleton_features("kinect_v1_20", ["walk", "sit down", "stand up"])
    rng = np.random.default_rng(0)

    def rows(n, offset):
        for i in range(n):
            data = rng.normal(size=(1, 10 + i, 20, 3)).astype(np.float32)
            seq = SkeletonSequence(data=data, layout="kinect_v1_20", name=f"s{offset + i}", label=i % 3,
                                   meta={"subject": offset + i})  # fmt: skip
            yield sequence_to_row(seq, f"raw/{offset + i}.txt")

    from datasets import Dataset

    return DatasetDict({
        "train": Dataset.from_list(list(rows(4, 0)), features=features),
        "test": Dataset.from_list(list(rows(3, 10)), features=features),
    })  # fmt: skip


def test_dataset_dry_run_is_parquet_and_loads_with_load_dataset(tmp_path):
    from datasets import load_dataset

    dd = _tiny_dataset_dict()
    converted = tmp_path / "converted"
    dd.save_to_disk(str(converted / "xsub"))
    out = push_dataset(converted, "me/utk", corpus="utkinect", dry_run_dir=tmp_path / "dry")
    card = DatasetCard.load(out / "README.md")
    assert card.data.configs[0]["config_name"] == "xsub" and card.data.license == "other"
    assert "| `xsub` | train | 4 |" in card.text and "research use" in card.text
    assert not (out / "xsub" / "dataset_dict.json").exists()  # Parquet shards, not an Arrow save_to_disk folder
    back = load_dataset(str(out), "xsub")
    assert back["train"].features == dd["train"].features and len(back["test"]) == 3
    assert np.array_equal(np.asarray(back["train"][1]["skeleton"]), np.asarray(dd["train"][1]["skeleton"]))
    assert back["train"].num_rows == 4 and back["test"]["name"] == dd["test"]["name"]


def test_research_dataset_guard(tmp_path):
    dd = _tiny_dataset_dict()
    api = FakeApi()
    with pytest.raises(DatasetTermsError, match="i-accept-the-dataset-terms"):
        push_dataset({"xsub": dd}, "me/ntu", corpus="ntu60", api=api)
    assert api.calls == []
    push_dataset({"xsub": dd}, "me/ntu", corpus="ntu60", api=api, accept_terms=True)
    (_, _, create), (_, _, upload) = api.calls
    assert create["repo_type"] == "dataset" and create["private"] is True  # research corpora go private
    assert "README.md" in upload["files"] and "xsub/train-00000-of-00001.parquet" in upload["files"]
    api = FakeApi()
    push_dataset({"csv": dd}, "me/mine", corpus="folder", api=api)  # the user's own data needs no flag
    assert api.calls[0][2]["private"] is False


def test_convert_push_to_hub_keeps_the_terms_guard(tmp_path, capsys):
    from sugar_hf.cli import convert_and_push, main

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    # refused before any conversion work, with the flag named, by the CLI and by the converter scripts' function
    assert main(["convert", "utd_mhad", str(raw), str(out), "--push-to-hub", "me/utd"]) == 2
    assert "--i-accept-the-dataset-terms" in capsys.readouterr().err and not out.exists()
    with pytest.raises(DatasetTermsError):
        convert_and_push("ntu60", raw, out, push_to_hub="me/ntu")
    assert not out.exists()


# -------------------------------------------------------------------------------------------------- space
@pytest.fixture
def space_dir(tmp_path):
    from pathlib import Path

    real = Path(__file__).resolve().parents[1] / "space"
    if (real / "app.py").exists() and (real / "requirements.txt").exists():
        return real
    fake = tmp_path / "space"
    fake.mkdir()
    (fake / "app.py").write_text("import gradio as gr\n")
    (fake / "requirements.txt").write_text("sugar-hf\ngradio\n")
    (fake / "__pycache__").mkdir()
    (fake / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"x")
    return fake


def test_space_dry_run_and_push(space_dir, tmp_path):
    out = push_space(space_dir, "me/sugar-demo", dry_run_dir=tmp_path / "dry")
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert {"README.md", "app.py", "requirements.txt"} <= names
    assert not any("__pycache__" in n for n in names)
    meta = RepoCard.load(out / "README.md").data
    assert meta.sdk == "gradio" and meta.app_file == "app.py"
    api = FakeApi()
    push_space(space_dir, "me/sugar-demo", api=api)
    (_, _, create), (_, _, upload) = api.calls
    assert create == {"repo_type": "space", "private": False, "exist_ok": True, "space_sdk": "gradio"}
    assert upload["repo_type"] == "space" and "app.py" in upload["files"]


# ------------------------------------------------------------------------------------------------ exports
def test_merged_and_adapter_exports_predict_the_same(trained, processor, tmp_path):
    clips = _clips(4, seed=3)
    expected = classify(trained, processor, clips, top_k=6)
    merged = merge_lora(trained)
    assert not merged.config.lora_config and trained.config.lora_config  # the original is untouched
    assert not any("lora_" in k for k in merged.state_dict())
    assert torch.allclose(_logits(trained, processor, clips), _logits(merged, processor, clips), atol=1e-5)

    merged_dir = export_merged(trained, tmp_path / "merged", processor=processor)
    assert json.loads((merged_dir / "config.json").read_text())["lora_config"] == {}
    reloaded = AutoModel.from_pretrained(merged_dir).eval()
    assert not any("lora_" in k for k in reloaded.state_dict())
    adapter_dir = export_adapter(trained, tmp_path / "adapter", processor=processor)
    adapter = AutoModel.from_pretrained(adapter_dir).eval()
    for model, folder in ((reloaded, merged_dir), (adapter, adapter_dir)):
        got = classify(model, SugarProcessor.from_pretrained(folder), clips, top_k=6)
        assert [[n for n, _ in row] for row in got] == [[n for n, _ in row] for row in expected]
        assert np.allclose(
            [[s for _, s in row] for row in got], [[s for _, s in row] for row in expected], atol=1e-4
        )


def test_adapter_export_has_a_peft_copy(trained, processor, tmp_path):
    from peft import PeftModel

    out = export_adapter(trained, tmp_path / "adapter", processor=processor)
    base = AutoModelForCausalLM.from_pretrained(trained.config.llm_name_or_path)
    peft_llm = PeftModel.from_pretrained(base, out / "llm_adapter").eval()
    ids = torch.randint(0, 300, (2, 12))
    with torch.no_grad():
        assert torch.allclose(peft_llm(input_ids=ids).logits, trained.llm(input_ids=ids).logits, atol=1e-5)


# ---------------------------------------------------------------------------------------------------- CLI
def test_cli_push_and_export(trained, processor, tmp_path, capsys):
    from sugar_hf.cli import main

    ckpt = tmp_path / "ckpt"
    trained.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"dataset": "ntu60", "config": "xsub", "split": "test",
                                   "metrics": {"eval_top1": 91.0, "eval_loss": 0.3}}))  # fmt: skip
    assert main(["push", "model", str(ckpt), "me/sugar", "--dry-run", str(tmp_path / "m"),
                 "--results", str(results)]) == 0  # fmt: skip
    assert "would be uploaded" in capsys.readouterr().out
    assert ModelCard.load(tmp_path / "m" / "README.md").data.eval_results[0].metric_value == 91.0

    converted = tmp_path / "converted"
    _tiny_dataset_dict().save_to_disk(str(converted / "xsub"))
    assert main(["push", "dataset", str(converted), "me/ntu", "--corpus", "ntu60"]) == 2  # refused
    assert "i-accept-the-dataset-terms" in capsys.readouterr().err
    assert (
        main(
            [
                "push",
                "dataset",
                str(converted),
                "me/ntu",
                "--corpus",
                "ntu60",
                "--dry-run",
                str(tmp_path / "d"),
            ]
        )
        == 0
    )
    assert (tmp_path / "d" / "xsub" / "train-00000-of-00001.parquet").exists()

    assert main(["export", "merged", str(ckpt), str(tmp_path / "merged")]) == 0
    assert main(["export", "adapter", str(ckpt), str(tmp_path / "adapter")]) == 0
    assert (tmp_path / "adapter" / "llm_adapter" / "adapter_config.json").exists()
    assert json.loads((tmp_path / "merged" / "config.json").read_text())["lora_config"] == {}
