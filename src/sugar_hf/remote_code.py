"""The code a checkpoint folder carries so that it loads with ``trust_remote_code=True`` without the package.

transformers' dynamic modules are flat: a checkpoint's ``modeling_sugar.py`` may import ``.configuration_sugar``
but not ``.skeleton.pipeline`` (it looks for a file ``skeleton.pipeline.py``). The model and configuration
modules are flat already, and transformers copies them itself (``register_for_auto_class``); the processor and
the pipeline use the ``skeleton`` sub-package, so :func:`write_remote_code` writes every module they need as one
flat file each (``skeleton/pipeline.py`` -> ``skeleton__pipeline.py``), with the relative imports rewritten to
match. Nothing else changes in the sources, so the remote copy runs the package's own code.

Only the installed package writes remote code (a checkpoint's copy of a module has no package sources to copy);
:func:`add_remote_entries` records the entry points in ``config.json``: ``auto_map`` for ``AutoConfig``,
``AutoModel`` and ``AutoProcessor``, and ``custom_pipelines`` for the ``skeleton-action-recognition`` task.
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


def _module_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ImportError(f"cannot find the source of {module}")
    return Path(spec.origin)


def _relative_imports(module: str, source: str) -> list[tuple[ast.ImportFrom, str]]:
    """Every ``from .x import y`` in ``source`` (also inside functions) with the absolute module it names."""
    is_package = _module_file(module).name == "__init__.py"
    base_parts = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            parts = base_parts[: len(base_parts) - (node.level - 1)]
            if not node.module:
                raise ValueError(f"{module}: `from {'.' * node.level} import ...` cannot be flattened; name the module")
            found.append((node, ".".join([*parts, node.module])))
    return found


def flattened_sources(roots=REMOTE_ROOTS) -> dict[str, str]:
    """``{file name: source}`` of the root modules and everything they import relatively, imports rewritten."""
    pending = [f"{PACKAGE}.{root}" for root in roots]
    done: dict[str, str] = {}
    while pending:
        module = pending.pop()
        name = flat_name(module) + ".py"
        if name in done:
            continue
        source = _module_file(module).read_text(encoding="utf-8")
        lines = source.splitlines(keepends=True)
        for node, target in _relative_imports(module, source):
            pending.append(target)
            line = lines[node.lineno - 1]
            match = _IMPORT.match(line, node.col_offset)
            if match is None:
                raise ValueError(f"{module}:{node.lineno}: cannot rewrite {line.strip()!r}")
            lines[node.lineno - 1] = line[: match.start()] + f"from .{flat_name(target)} import" + line[match.end() :]
        done[name] = "".join(lines)
    return done


def write_remote_code(folder: str | os.PathLike) -> list[Path]:
    """Write the flattened remote code into ``folder``; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in sorted(flattened_sources().items()):
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != source:
            path.write_text(source, encoding="utf-8")
        written.append(path)
    return written


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
    "pipeline_entry",
    "write_remote_code",
]
