"""The code a checkpoint folder carries so that it loads with ``trust_remote_code=True`` without the package.

transformers' dynamic modules are flat: a checkpoint's ``modeling_sugar.py`` may import ``.configuration_sugar``
but not ``.skeleton.pipeline`` (it looks for a file ``skeleton.pipeline.py``). The model and configuration
modules are flat already, and transformers copies them itself (``register_for_auto_class``); the processor and
the pipeline use the ``skeleton`` sub-package, so :func:`write_remote_code` writes every module they need as one
flat file each (``skeleton/pipeline.py`` -> ``skeleton__pipeline.py``), with the relative imports rewritten to
match. Nothing else changes in the sources, so the remote copy runs the package's own code.

This module is part of that code. A model loaded through remote code and saved again writes the same full set:
its copy of each file (transformers copies only a module and what it imports, so a model loaded by ``AutoModel``
has no ``pipeline_sugar.py`` of its own) or, for the files it was loaded without, the checkpoint's (see
:func:`write_remote_code`'s ``checkpoint``). :func:`add_remote_entries` records the entry points in
``config.json``: ``auto_map`` for ``AutoConfig``, ``AutoModel`` and ``AutoProcessor``, and ``custom_pipelines``
for the ``skeleton-action-recognition`` task.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import re
from pathlib import Path

PACKAGE = __name__.rpartition(".")[0]

REMOTE_ROOTS = ("configuration_sugar", "modeling_sugar", "modeling_baseline", "processing_sugar", "pipeline_sugar")
"""The modules a checkpoint's ``auto_map`` / ``custom_pipelines`` name; everything they import comes along."""

PIPELINE_TASK = "skeleton-action-recognition"
PIPELINE_CLASS = "pipeline_sugar.SkeletonActionRecognitionPipeline"
PROCESSOR_CLASS = "processing_sugar.SugarProcessor"

_IMPORT = re.compile(r"from\s+\.+[\w.]*\s+import")


def flat_name(module: str) -> str:
    """``sugar_hf.skeleton.pipeline`` -> ``skeleton__pipeline`` (the file name in a checkpoint, without .py)."""
    relative = module[len(PACKAGE) + 1 :] if module.startswith(PACKAGE + ".") else module
    return relative.replace(".", "__")


def installed() -> bool:
    """True in the installed package, False in a checkpoint's remote-code copy of this module."""
    return PACKAGE == "sugar_hf"


def _module_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ImportError(f"cannot find the source of {module}")
    return Path(spec.origin)


def _read_source(module: str, checkpoint: str | os.PathLike | None, hub_kwargs: dict) -> tuple[str, bool]:
    """``(source, is_package)`` of ``module``: this copy's file, or (a remote copy loaded without that file) the
    checkpoint's file of the same name."""
    try:
        path = _module_file(module)
    except ImportError:
        if checkpoint is None:
            raise
    else:
        return path.read_text(encoding="utf-8"), path.name == "__init__.py"
    from transformers.utils import cached_file

    name = flat_name(module) + ".py"
    try:
        found = cached_file(checkpoint, name, **hub_kwargs)
    except OSError as error:
        raise OSError(
            f"cannot save {name}: this copy of the code was loaded without it and {checkpoint} no longer gives it "
            f"({error}); load the model again with trust_remote_code=True from a folder that has it"
        ) from None
    return Path(found).read_text(encoding="utf-8"), False


def _relative_imports(module: str, source: str, is_package: bool = False) -> list[tuple[ast.ImportFrom, str]]:
    """Every ``from .x import y`` in ``source`` (also inside functions) with the absolute module it names."""
    base_parts = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            parts = base_parts[: len(base_parts) - (node.level - 1)]
            if not node.module:
                raise ValueError(f"{module}: `from {'.' * node.level} import ...` cannot be flattened; name the module")
            found.append((node, ".".join([*parts, node.module])))
    return found


def flattened_sources(roots=REMOTE_ROOTS, checkpoint: str | os.PathLike | None = None,
                      **hub_kwargs) -> dict[str, str]:  # fmt: skip
    """``{file name: source}`` of the root modules and everything they import relatively, imports rewritten.

    In a remote copy the sources are flat already (the rewrite changes nothing); a file that copy was loaded
    without is read from ``checkpoint`` (a folder or Hub repo; ``hub_kwargs`` such as ``revision``)."""
    pending = [f"{PACKAGE}.{root}" for root in roots]
    done: dict[str, str] = {}
    while pending:
        module = pending.pop()
        name = flat_name(module) + ".py"
        if name in done:
            continue
        source, is_package = _read_source(module, checkpoint, hub_kwargs)
        lines = source.splitlines(keepends=True)
        for node, target in _relative_imports(module, source, is_package):
            pending.append(target)
            line = lines[node.lineno - 1]
            match = _IMPORT.match(line, node.col_offset)
            if match is None:
                raise ValueError(f"{module}:{node.lineno}: cannot rewrite {line.strip()!r}")
            lines[node.lineno - 1] = line[: match.start()] + f"from .{flat_name(target)} import" + line[match.end() :]
        done[name] = "".join(lines)
    return done


def write_remote_code(folder: str | os.PathLike, checkpoint: str | os.PathLike | None = None,
                      **hub_kwargs) -> list[Path]:  # fmt: skip
    """Write the flattened remote code into ``folder``; returns the files written.

    ``checkpoint`` (remote copies only: the folder or Hub repo the object was loaded from, ``hub_kwargs`` such as
    ``revision``) gives the files this copy was loaded without, so a re-saved remote-code model carries them all.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in sorted(flattened_sources(checkpoint=checkpoint, **hub_kwargs).items()):
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != source:
            path.write_text(source, encoding="utf-8")
        written.append(path)
    return written


def save_remote_code(obj, folder: str | os.PathLike, processor: bool = True, pipeline: bool = True) -> None:
    """After ``obj.save_pretrained(folder)`` (a SUGAR model or the baseline): write the remote code and its
    ``config.json`` entries; a remote copy of ``obj`` takes the files it was loaded without from the checkpoint
    it came from (``obj.name_or_path`` at the config's commit)."""
    checkpoint, hub_kwargs = None, {}
    if not installed():
        checkpoint = getattr(obj, "name_or_path", None) or None
        revision = getattr(obj.config, "_commit_hash", None)
        hub_kwargs = {"revision": revision} if revision and not os.path.isdir(str(checkpoint)) else {}
    write_remote_code(folder, checkpoint, **hub_kwargs)
    add_remote_entries(os.path.join(folder, "config.json"), processor=processor, pipeline=pipeline)


def pipeline_entry() -> dict:
    """The ``custom_pipelines`` value ``transformers.pipeline`` reads for remote code."""
    return {PIPELINE_TASK: {"impl": PIPELINE_CLASS, "pt": ["AutoModel"], "type": "multimodal"}}


def add_remote_entries(config_file: str | os.PathLike, processor: bool = True, pipeline: bool = True) -> None:
    """Record ``AutoProcessor`` in ``auto_map`` and the pipeline in ``custom_pipelines`` of a saved config.json."""
    path = Path(config_file)
    data = json.loads(path.read_text(encoding="utf-8"))
    if processor:
        data.setdefault("auto_map", {})["AutoProcessor"] = PROCESSOR_CLASS
    if pipeline:
        data["custom_pipelines"] = pipeline_entry()
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


__all__ = [
    "PIPELINE_CLASS",
    "PIPELINE_TASK",
    "PROCESSOR_CLASS",
    "REMOTE_ROOTS",
    "add_remote_entries",
    "flat_name",
    "flattened_sources",
    "installed",
    "pipeline_entry",
    "save_remote_code",
    "write_remote_code",
]
