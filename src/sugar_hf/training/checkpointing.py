"""Resumable training state without pickle: safetensors for tensors, JSON for everything else.

``accelerator.save_state`` writes the optimizer, the scheduler, the RNG states and every object registered with
``register_for_checkpointing`` with ``torch.save`` (pickle), and ``load_state`` reads a registered object back with
``weights_only=False``: a crafted ``custom_checkpoint_0.pkl`` in a checkpoint folder runs code on ``--resume``.
This module replaces both. A checkpoint folder holds

- ``model.safetensors``: the (unwrapped) model's state dict (``safetensors.torch.save_model``, shared tensors
  written once);
- ``optimizer.json`` + ``optimizer.safetensors``, ``scheduler.json`` (+ ``.safetensors`` when it has tensors),
  ``scaler.json`` (fp16 runs), ``rng_state_<process>.json`` + ``.safetensors`` (Python, NumPy, torch CPU and
  CUDA generators) and ``accelerator.json`` (accelerate's step counter).

Each JSON file is a tree of dicts, lists and plain values; a tensor is a reference into the matching
safetensors file, a tuple, a dict with non-string keys and a NumPy array are tagged. Decoding builds only
those types, so reading a checkpoint never executes anything; pickles in the folder (``*.pkl``, ``*.bin``) are
never opened, and a folder with nothing but pickles (the accelerate format) is refused.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

MODEL_FILE = "model.safetensors"
OPTIMIZER = "optimizer"
SCHEDULER = "scheduler"
SCALER = "scaler"
ACCELERATOR_FILE = "accelerator.json"
RNG = "rng_state"
MAX_JSON_BYTES = 64 * 2**20  # a state file is a few kB; refuse anything absurd before parsing it
PICKLE_NAMES = ("custom_checkpoint_*.pkl", "random_states_*.pkl", "optimizer*.bin", "scheduler*.bin",
                "pytorch_model*.bin", "scaler.pt", "sampler*.bin", "dl_state_dict*.bin")  # fmt: skip


class CheckpointError(ValueError):
    """A checkpoint folder that cannot be resumed from (missing, malformed or in a pickle format)."""


# ----------------------------------------------------------------------------------------- the encoding
def _encode(value: Any, tensors: dict[str, torch.Tensor], where: str) -> Any:
    if isinstance(value, torch.Tensor):
        key = f"t{len(tensors)}"
        tensors[key] = value.detach().cpu().contiguous()
        return {"__tensor__": key}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError(f"{where}: object arrays cannot be checkpointed")
        key = f"t{len(tensors)}"
        tensors[key] = torch.from_numpy(np.ascontiguousarray(value).copy())
        return {"__ndarray__": key, "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return _encode(value.item(), tensors, where)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, tensors, where) for v in value]}
    if isinstance(value, list):
        return [_encode(v, tensors, where) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: _encode(v, tensors, f"{where}.{k}") for k, v in value.items()}
        items = []
        for k, v in value.items():
            if not (k is None or isinstance(k, (bool, int, float, str))):
                raise TypeError(f"{where}: dict key {k!r} of type {type(k).__name__} cannot be checkpointed")
            items.append([k, _encode(v, tensors, f"{where}[{k!r}]")])
        return {"__items__": items}
    raise TypeError(f"{where}: a {type(value).__name__} cannot be checkpointed without pickle")


def _decode(value: Any, tensors: dict[str, torch.Tensor], where: str) -> Any:
    if isinstance(value, list):
        return [_decode(v, tensors, where) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tensor__" in value:
        return _tensor(tensors, value["__tensor__"], where)
    if "__ndarray__" in value:
        array = _tensor(tensors, value["__ndarray__"], where).numpy()
        dtype = np.dtype(str(value.get("dtype", array.dtype.str)))
        if dtype.kind not in "biuf":
            raise CheckpointError(f"{where}: unsupported array dtype {dtype}")
        return array.astype(dtype, copy=False)
    if "__tuple__" in value:
        return tuple(_decode(v, tensors, where) for v in value["__tuple__"])
    if "__items__" in value:
        items = value["__items__"]
        if not isinstance(items, list) or not all(isinstance(i, list) and len(i) == 2 for i in items):
            raise CheckpointError(f"{where}: malformed item list")
        return {k: _decode(v, tensors, where) for k, v in items}
    return {k: _decode(v, tensors, where) for k, v in value.items()}


def _tensor(tensors: dict[str, torch.Tensor], key: Any, where: str) -> torch.Tensor:
    if not isinstance(key, str) or key not in tensors:
        raise CheckpointError(f"{where}: refers to a tensor {key!r} that its .safetensors file lacks")
    return tensors[key]


def write_state(folder: str | os.PathLike, name: str, state: Any) -> None:
    """``<name>.json`` (+ ``<name>.safetensors`` when the state holds tensors) in ``folder``."""
    from safetensors.torch import save_file

    folder = Path(folder)
    tensors: dict[str, torch.Tensor] = {}
    encoded = _encode(state, tensors, name)
    if tensors:
        save_file(tensors, str(folder / f"{name}.safetensors"))
    (folder / f"{name}.json").write_text(json.dumps({"format": "sugar-hf-state-1", "state": encoded}))


def read_state(folder: str | os.PathLike, name: str) -> Any:
    """The state written by :func:`write_state`; a :class:`CheckpointError` when it is missing or malformed."""
    from safetensors.torch import load_file

    folder = Path(folder)
    path = folder / f"{name}.json"
    if not path.is_file():
        raise CheckpointError(f"{folder}: {path.name} is missing")
    if path.stat().st_size > MAX_JSON_BYTES:
        raise CheckpointError(f"{folder}: {path.name} is larger than {MAX_JSON_BYTES // 2**20} MB")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(f"{folder}: {path.name} is not valid JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != "sugar-hf-state-1":
        raise CheckpointError(f"{folder}: {path.name} is not a sugar-hf state file")
    tensor_path = folder / f"{name}.safetensors"
    try:
        tensors = load_file(str(tensor_path)) if tensor_path.is_file() else {}
    except Exception as error:  # noqa: BLE001  (safetensors raises its own error types)
        raise CheckpointError(
            f"{folder}: {tensor_path.name} is not a valid safetensors file ({error})"
        ) from error
    return _decode(document["state"], tensors, name)


# ------------------------------------------------------------------------------------------- RNG states
def rng_state() -> dict:
    state = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    try:
        version, internal, gauss = state["python"]
        random.setstate((int(version), tuple(int(v) for v in internal), gauss))
        np.random.set_state(tuple(state["numpy"]))
        torch.set_rng_state(state["torch"].to(torch.uint8))
        if "cuda" in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.to(torch.uint8) for s in state["cuda"]])
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"malformed RNG state: {error}") from error


# ---------------------------------------------------------------------------------- save / load a folder
def save_training_state(folder: str | os.PathLike, accelerator, model, optimizer, scheduler) -> Path:
    """Write everything ``--resume`` needs to ``folder`` (all processes call this; the main one writes the
    shared files, each process its RNG state)."""
    from safetensors.torch import save_model

    folder = Path(folder)
    if accelerator.is_main_process:
        folder.mkdir(parents=True, exist_ok=True)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        save_model(accelerator.unwrap_model(model), str(folder / MODEL_FILE))
        write_state(folder, OPTIMIZER, optimizer.state_dict())
        write_state(folder, SCHEDULER, scheduler.state_dict())
        scaler = getattr(accelerator, "scaler", None)
        if scaler is not None:
            write_state(folder, SCALER, scaler.state_dict())
        (folder / ACCELERATOR_FILE).write_text(json.dumps({"step": int(accelerator.step)}))
    write_state(folder, f"{RNG}_{accelerator.process_index}", rng_state())
    accelerator.wait_for_everyone()
    return folder


def check_resumable(folder: str | os.PathLike) -> Path:
    """``folder`` when it holds a sugar-hf (pickle-free) checkpoint; a :class:`CheckpointError` otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"--resume {folder}: no such checkpoint folder")
    missing = [
        n for n in (MODEL_FILE, f"{OPTIMIZER}.json", f"{SCHEDULER}.json") if not (folder / n).is_file()
    ]
    if missing:
        pickles = sorted({p.name for pattern in PICKLE_NAMES for p in folder.glob(pattern)})
        hint = (
            f"; it holds pickle files ({', '.join(pickles)}), the accelerate format, which sugar-hf does not "
            "load (unpickling can run code): start the run again, or resume from a checkpoint written by this "
            "version"
            if pickles
            else ""
        )
        raise CheckpointError(
            f"--resume {folder}: not a sugar-hf checkpoint, {', '.join(missing)} missing{hint}"
        )
    return folder


def load_training_state(folder: str | os.PathLike, accelerator, model, optimizer, scheduler) -> None:
    """Restore what :func:`save_training_state` wrote; reads JSON and safetensors only."""
    from safetensors.torch import load_model

    folder = check_resumable(folder)
    try:
        load_model(accelerator.unwrap_model(model), str(folder / MODEL_FILE), strict=True)
    except Exception as error:  # noqa: BLE001  (a missing key, a wrong shape, a broken file)
        raise CheckpointError(f"{folder}: {MODEL_FILE} does not match the model ({error})") from error
    try:
        optimizer.load_state_dict(read_state(folder, OPTIMIZER))
        scheduler.load_state_dict(read_state(folder, SCHEDULER))
        scaler = getattr(accelerator, "scaler", None)
        if scaler is not None:
            scaler.load_state_dict(read_state(folder, SCALER))
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as error:
        raise CheckpointError(
            f"{folder}: the optimizer / scheduler state does not match this run ({error})"
        ) from error
    rng_name = f"{RNG}_{accelerator.process_index}"
    if (folder / f"{rng_name}.json").is_file():
        set_rng_state(read_state(folder, rng_name))
    step_file = folder / ACCELERATOR_FILE
    if step_file.is_file():
        try:
            accelerator.step = int(json.loads(step_file.read_text(encoding="utf-8"))["step"])
        except (ValueError, KeyError, TypeError) as error:
            raise CheckpointError(f"{folder}: malformed {ACCELERATOR_FILE} ({error})") from error
