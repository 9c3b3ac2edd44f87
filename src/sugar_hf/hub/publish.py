"""Publish to the Hub: a trained model, a converted corpus, the demo Space.

Each ``push_*`` builds the exact folder it uploads (datasets as Parquet shards, the layout of
``DatasetDict.push_to_hub``) with the matching ``build_*_folder`` and then calls
``HfApi.create_repo`` + ``HfApi.upload_folder``; with ``dry_run_dir`` it writes that folder there and uploads
nothing. Research corpora are never uploaded unless ``accept_terms=True`` (CLI: ``--i-accept-the-dataset-terms``),
and then privately unless asked otherwise.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from huggingface_hub import HfApi

from ..corpora import get_corpus, is_research_corpus
from .cards import EVAL_METRICS_FILE, dataset_card, model_card, results_from_eval_metrics
from .export import PathLike, require_processor, save_with_processor

MODEL_FILE_PATTERNS = (
    "config.json", "generation_config.json", "*.safetensors", "*.safetensors.index.json", "processor_config.json",
    "tokenizer*", "special_tokens_map.json", "added_tokens.json", "chat_template.*", "vocab.*", "merges.txt",
    "*.model", "*.py",
)  # fmt: skip
"""Top-level files of a saved checkpoint that belong in a model repo (training state is left out)."""

SPACE_IGNORE = (
    "__pycache__",
    "*.pyc",
    ".git",
    ".gradio",
    "flagged",
    ".ipynb_checkpoints",
    ".DS_Store",
    "*.egg-info",
)


class DatasetTermsError(ValueError):
    """Raised when a research corpus would be uploaded without ``accept_terms=True``."""


def _fresh_dir(path: PathLike) -> Path:
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise ValueError(f"{path} is not empty: the dry-run folder must be new or empty")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _upload(
    build: Callable[[Path], Any], repo_id: str, repo_type: str, *, dry_run_dir: PathLike | None, private: bool,
    token: str | None, commit_message: str, api: HfApi | None, create_kwargs: Mapping[str, Any] | None = None,
) -> Path | str:  # fmt: skip
    if dry_run_dir is not None:
        folder = _fresh_dir(dry_run_dir)
        build(folder)
        return folder
    api = api or HfApi(token=token)
    with tempfile.TemporaryDirectory(prefix="sugar-hf-push-") as tmp:
        folder = Path(tmp)
        build(folder)
        url = api.create_repo(
            repo_id, repo_type=repo_type, private=private, exist_ok=True, **(create_kwargs or {})
        )
        api.upload_folder(
            repo_id=repo_id, folder_path=str(folder), repo_type=repo_type, commit_message=commit_message
        )
    return str(url)


# ----------------------------------------------------------------------------------------------------- model
def _full_llm(config: Any, save_full_llm: bool | None) -> bool:
    """Whether the repo holds the LLM weights: as asked, else only for merged models (no LoRA)."""
    return (not config.lora_config) if save_full_llm is None else save_full_llm


def _package_checkpoint(source: Path, folder: Path, processor: Any, save_full_llm: bool | None) -> None:
    """A saved checkpoint into ``folder``: copied file by file (no training state) when it has its processor and
    already the LLM weights asked for; otherwise loaded and saved again."""
    from transformers import AutoConfig, AutoModel

    if not (source / "config.json").exists():
        raise FileNotFoundError(f"{source} has no config.json: not a saved checkpoint folder")
    config = AutoConfig.from_pretrained(source)
    full = _full_llm(config, save_full_llm)
    if (
        bool(config.save_full_llm) == full
        and processor is None
        and (source / "processor_config.json").exists()
    ):
        for item in source.iterdir():
            if item.is_file() and any(fnmatch.fnmatch(item.name, p) for p in MODEL_FILE_PATTERNS):
                shutil.copy2(item, folder / item.name)
        return
    processor = require_processor(source, processor)
    save_with_processor(AutoModel.from_pretrained(source), processor, folder, save_full_llm=full)


def _read_eval_metrics(path: Path) -> dict:
    """A run's ``eval_metrics.json`` as a dict; a ``ValueError`` naming the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: cannot read the evaluation results ({error})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of metrics, got {type(data).__name__}")
    return data


def build_model_folder(
    model: Any,
    folder: PathLike,
    *,
    repo_id: str,
    results: Iterable[Mapping[str, Any]] = (),
    processor: Any = None,
    save_full_llm: bool | None = None,
    **card_kwargs: Any,
) -> Path:
    """Write a model repo: config, encoder + projector + LoRA weights, processor, remote code and card.

    Args:
        model: a ``SugarForActionRecognition`` or a saved checkpoint folder. A folder that already names its base
            LLM (``save_full_llm: false``) is copied file by file; any other is loaded and saved again.
        processor: the model's ``SugarProcessor``; required with a model object (the model holds none),
            loaded from a folder's ``processor_config.json`` by default.
        save_full_llm: write the LLM weights too. Default: only for merged models (no LoRA), else the base LLM
            is referenced by ``config.llm_name_or_path``.
        results, card_kwargs: passed to :func:`sugar_hf.hub.cards.model_card`. Without ``results``, a folder's
            ``eval_metrics.json`` (its run's final evaluation) gives them, under the first of
            ``training_datasets`` (else ``"unnamed"``), split ``"eval"``.
    """
    from transformers import AutoConfig

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(model, (str, os.PathLike)):
        _package_checkpoint(Path(model), folder, processor, save_full_llm)
    else:
        processor = require_processor(model, processor)
        save_with_processor(model, processor, folder, save_full_llm=_full_llm(model.config, save_full_llm))
    saved_config = AutoConfig.from_pretrained(folder)
    results = list(results)
    metrics_file = Path(model) / EVAL_METRICS_FILE if isinstance(model, (str, os.PathLike)) else None
    if not results and metrics_file is not None and metrics_file.is_file():
        trained_on = list(card_kwargs.get("training_datasets") or [])
        results = results_from_eval_metrics(_read_eval_metrics(metrics_file), trained_on[0] if trained_on else
                                            "unnamed", split="eval")  # fmt: skip
        card_kwargs.setdefault("results_source", f"the training run's final evaluation, `{EVAL_METRICS_FILE}`")
    card = model_card(
        saved_config, results, repo_id=repo_id, adapter_only=not saved_config.save_full_llm, **card_kwargs
    )
    card.save(folder / "README.md")
    return folder


def push_model(
    model: Any,
    repo_id: str,
    *,
    dry_run_dir: PathLike | None = None,
    private: bool = False,
    token: str | None = None,
    commit_message: str = "Upload SUGAR model with sugar-hf",
    api: HfApi | None = None,
    **folder_kwargs: Any,
) -> Path | str:
    """Upload a model repo (see :func:`build_model_folder`); returns the repo URL, or the folder when dry-running."""
    return _upload(
        lambda folder: build_model_folder(model, folder, repo_id=repo_id, **folder_kwargs), repo_id, "model",
        dry_run_dir=dry_run_dir, private=private, token=token, commit_message=commit_message, api=api,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------- dataset
def load_converted(source: Any, configs: Sequence[str] | None = None) -> dict[str, Any]:
    """``{config: DatasetDict}`` from a ``sugar-hf convert`` output folder, one saved ``DatasetDict`` folder,
    a ``DatasetDict`` or a ``{config: DatasetDict}`` mapping; ``configs`` keeps only those."""
    from datasets import DatasetDict, load_from_disk

    if isinstance(source, DatasetDict):
        found = {"default": source}
    elif isinstance(source, Mapping):
        found = dict(source)
    else:
        root = Path(source)
        if (root / "dataset_dict.json").exists():
            found = {root.name: load_from_disk(str(root))}
        else:
            found = {
                p.name: load_from_disk(str(p))
                for p in sorted(root.iterdir())
                if (p / "dataset_dict.json").exists()
            }
        if not found:
            raise FileNotFoundError(
                f"{root} holds no saved DatasetDict (expected <config>/dataset_dict.json)"
            )
    if configs:
        unknown = set(configs) - set(found)
        if unknown:
            raise ValueError(f"configs {sorted(unknown)} not found; available: {sorted(found)}")
        found = {c: found[c] for c in configs}
    return found


def _check_config_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ValueError(f"invalid config name {name!r}")
    return name


MAX_SHARD_BYTES = 500 * 1024 * 1024
"""Parquet shard size of a dataset push (``DatasetDict.push_to_hub``'s default ``max_shard_size``)."""


def build_dataset_folder(
    source: Any, folder: PathLike, *, corpus: str, repo_id: str, configs: Sequence[str] | None = None
) -> Path:
    """Write a dataset repo as the Hub keeps datasets: each split of each config as Parquet shards
    ``<config>/<split>-00000-of-0000N.parquet`` (the layout and shard size of ``DatasetDict.push_to_hub``) plus
    ``README.md``, whose ``configs`` YAML points ``load_dataset(repo, config)`` at them. The Parquet files carry
    the ``datasets`` features (``Array3D`` skeletons, ``ClassLabel`` names) in their schema, so the loaded splits
    equal the converted ones; the dataset viewer reads them directly.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    found = load_converted(source, configs)
    data_files = {}
    for config, dd in found.items():
        target = folder / _check_config_name(config)
        target.mkdir(parents=True, exist_ok=True)
        for split, ds in dd.items():
            _check_config_name(split)
            shards = max(1, -(-int(ds.data.nbytes) // MAX_SHARD_BYTES))
            for index in range(shards):
                part = ds.shard(shards, index, contiguous=True) if shards > 1 else ds
                part.to_parquet(str(target / f"{split}-{index:05d}-of-{shards:05d}.parquet"))
        data_files[config] = {split: f"{config}/{split}-*.parquet" for split in dd}
    dataset_card(corpus, found, repo_id=repo_id, data_files=data_files).save(folder / "README.md")
    return folder


def check_upload_terms(corpus: str, accept_terms: bool) -> None:
    """Raise :class:`DatasetTermsError` when a research corpus would be uploaded without ``accept_terms``."""
    if is_research_corpus(corpus) and not accept_terms:
        info = get_corpus(corpus)
        raise DatasetTermsError(
            f"{info.pretty_name} is a research corpus and is never uploaded by default. Its terms: {info.terms} "
            "If you may share it under them, pass accept_terms=True (CLI: --i-accept-the-dataset-terms)."
        )


def push_dataset(
    source: Any,
    repo_id: str,
    *,
    corpus: str,
    accept_terms: bool = False,
    configs: Sequence[str] | None = None,
    dry_run_dir: PathLike | None = None,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str | None = None,
    api: HfApi | None = None,
) -> Path | str:
    """Upload a converted corpus (see :func:`build_dataset_folder`).

    A research corpus (every corpus but the user's own ``folder`` data) is only uploaded with
    ``accept_terms=True``, which states that the uploader may share it under the corpus's terms; it then goes
    to a private repo unless ``private=False``. A dry run never needs the flag (nothing leaves the machine).
    """
    get_corpus(corpus)
    research = is_research_corpus(corpus)
    if dry_run_dir is None:
        check_upload_terms(corpus, accept_terms)
    private = research if private is None else private
    return _upload(
        lambda folder: build_dataset_folder(source, folder, corpus=corpus, repo_id=repo_id, configs=configs),
        repo_id, "dataset", dry_run_dir=dry_run_dir, private=private, token=token, api=api,
        commit_message=commit_message or f"Upload {corpus} skeletons converted with sugar-hf",
    )  # fmt: skip


# ----------------------------------------------------------------------------------------------------- space
def _gradio_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gradio")
    except PackageNotFoundError:
        return None


def build_space_folder(
    space_dir: PathLike, folder: PathLike, *, title: str = "SUGAR skeleton action recognition"
) -> Path:
    """Copy the Space folder (``app.py``, ``requirements.txt``, ``README.md`` and whatever else it holds, minus
    caches). A README without Spaces YAML gets one (``sdk: gradio``); a README naming another SDK is refused."""
    from huggingface_hub import RepoCard

    space_dir, folder = Path(space_dir), Path(folder)
    for needed in ("app.py", "requirements.txt"):
        if not (space_dir / needed).exists():
            raise FileNotFoundError(f"{space_dir} has no {needed}: not a Gradio Space folder")
    shutil.copytree(space_dir, folder, ignore=shutil.ignore_patterns(*SPACE_IGNORE), dirs_exist_ok=True)
    readme = folder / "README.md"
    card = RepoCard(readme.read_text(encoding="utf-8")) if readme.exists() else RepoCard(f"# {title}\n")
    meta = card.data
    if meta.get("sdk") not in (None, "gradio"):
        raise ValueError(
            f"{space_dir}/README.md declares sdk {meta.get('sdk')!r}; this command pushes Gradio Spaces"
        )
    defaults = {"title": title, "emoji": "🦴", "colorFrom": "yellow", "colorTo": "red", "sdk": "gradio",
                "app_file": "app.py", "pinned": False, "license": "apache-2.0"}  # fmt: skip
    gradio_version = _gradio_version()
    if gradio_version:
        defaults["sdk_version"] = gradio_version
    for key, value in defaults.items():
        if meta.get(key) is None:
            meta[key] = value
    card.save(readme)
    return folder


def push_space(
    space_dir: PathLike,
    repo_id: str,
    *,
    dry_run_dir: PathLike | None = None,
    private: bool = False,
    token: str | None = None,
    commit_message: str = "Upload the SUGAR demo Space",
    api: HfApi | None = None,
) -> Path | str:
    """Create a Gradio Space (``create_repo(repo_type="space", space_sdk="gradio")``) and upload the folder."""
    return _upload(
        lambda folder: build_space_folder(space_dir, folder), repo_id, "space", dry_run_dir=dry_run_dir,
        private=private, token=token, commit_message=commit_message, api=api,
        create_kwargs={"space_sdk": "gradio"},
    )  # fmt: skip
