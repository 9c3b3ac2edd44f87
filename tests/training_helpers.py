"""Tiny on-disk fixtures for the training tests: a synthetic DatasetDict, descriptions, a tiny model config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tiny import CLASSES, tiny_config, tiny_tokenizer


def write_tiny_dataset(
    folder: Path, per_class_train: int = 4, per_class_test: int = 2, frames: int = 20
) -> Path:
    """A ``save_to_disk`` DatasetDict (train/test) of random kinect_v1_20 clips with a class-dependent motion."""
    from datasets import Dataset, DatasetDict

    from sugar_hf.corpora import skeleton_features

    features = skeleton_features("kinect_v1_20", CLASSES)
    rng = np.random.default_rng(0)

    def rows(count, split):
        out = []
        for label in range(len(CLASSES)):
            for i in range(count):
                persons = 1 + (i % 2)
                t = np.linspace(0, 2 * np.pi, frames)[None, :, None, None]
                clip = 0.1 * rng.standard_normal((persons, frames, 20, 3)).astype(np.float32)
                clip[..., label % 3] += np.sin((label + 1) * t[..., 0])
                out.append({
                    "name": f"{split}_{label}_{i}", "source": f"{split}_{label}_{i}",
                    "skeleton": clip.reshape(persons * frames, 20, 3).astype(np.float32),
                    "num_persons": persons, "num_frames": frames, "label": label,
                    "subject": i, "camera": 1, "setup": -1, "view": 1,
                })  # fmt: skip
        return out

    dd = DatasetDict({s: Dataset.from_list(rows(n, s), features=features) for s, n in
                      (("train", per_class_train), ("test", per_class_test))})  # fmt: skip
    for ds in dd.values():
        ds.info.description = json.dumps({"corpus": "tiny", "layout": "kinect_v1_20"})
    dd.save_to_disk(str(folder))
    return folder


def write_tiny_descriptions(path: Path) -> Path:
    """Six-part motion + four visual texts per tiny class, in the knowledge JSONL schema."""
    parts = ("head", "hands", "arms", "hips", "legs", "feet")
    with open(path, "w", encoding="utf-8") as handle:
        for label, name in enumerate(CLASSES):
            record = {"corpus": "", "label": label, "name": name, "synonyms": [], "source": "curated",
                      "motion": {p: f"the {p} move during {name}" for p in parts},
                      "visual": [f"{name} view {k}" for k in range(4)]}  # fmt: skip
            handle.write(json.dumps(record) + "\n")
    return path


def write_tiny_model(folder: Path, **config_kwargs) -> tuple[Path, Path]:
    """``(config.json path, tokenizer folder)`` of a tiny SugarConfig (random Llama + BERT, saved in full)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = tiny_config(**config_kwargs)
    config.to_json_file(str(folder / "config.json"))
    tiny_tokenizer().save_pretrained(str(folder / "tokenizer"))
    return folder / "config.json", folder / "tokenizer"
