"""The package's import graph, read from the source with ``ast`` (nothing is imported): no import circle, the
model modules stay free of the processor, pipeline and hub layers, and the data layer never uploads.

Every ``import`` counts, at module level and inside functions (a deferred import still ties two modules
together), except those under ``if TYPE_CHECKING:``. Relative imports are resolved; ``from . import x`` is an
edge to the submodule ``x`` when there is one, else to the package. A package's ``__init__`` is not added as an
edge of its submodules (Python runs it first, but it is the package's table of contents, not a dependency).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = "sugar_hf"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE
MODEL_MODULES_FORBIDDEN = ("processing_sugar", "pipeline_sugar", "inference", "hub")
DATA_LAYERS = ("data", "corpora")


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """``{dotted name: file}`` of every module of the package (packages by their ``__init__``)."""
    return {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


@cache
def extensions() -> frozenset[str]:
    """Compiled extension modules (``_ntu_fast``: its ``.c`` source, built or not): no Python imports."""
    found = set()
    for pattern in ("*.c", "*.so", "*.pyd"):
        for path in SOURCE.rglob(pattern):
            parts = path.relative_to(SOURCE.parent).parts
            found.add(".".join([*parts[:-1], path.name.split(".")[0]]))
    return frozenset(found)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_import_by_name(node: ast.AST) -> bool:
    """``importlib.import_module("sugar_hf.x")`` (or ``import_module(...)``) with a literal absolute name."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func, first = node.func, node.args[0]
    named = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )
    return named and isinstance(first, ast.Constant) and isinstance(first.value, str)


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom | ast.Call]:
    """Every import below ``node`` (functions and classes included; ``import_module`` of a literal name too),
    ``if TYPE_CHECKING`` blocks skipped."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)) or _is_import_by_name(child):
            yield child
        yield from _import_nodes(child)


def _known(name: str) -> str | None:
    """``name`` or its longest prefix that is a module of the package (``None``: outside the package)."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(importer: str, node: ast.Import | ast.ImportFrom | ast.Call) -> Iterator[str | None]:
    if isinstance(node, ast.Call):
        names = [node.args[0].value]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        yield from (_known(name) for name in names if name.split(".")[0] == PACKAGE)
        return
    if node.level:
        is_package = modules()[importer].name == "__init__.py"
        anchor = importer.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, node.module] if node.module else anchor)
    else:
        base = node.module or ""
    if base.split(".")[0] != PACKAGE:
        return
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule not in extensions():
            yield submodule if submodule in modules() else _known(base)


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """``{module: modules of the package it imports}`` (self-imports left out)."""
    graph = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found = {t for node in _import_nodes(tree) for t in _targets(name, node)}
        graph[name] = frozenset(t for t in found if t is not None and t != name)
    return graph


def import_cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components, key=lambda c: (-len(c), c))


def path_to(graph: dict[str, frozenset[str]], start: str, goal) -> list[str] | None:
    """The shortest import chain from ``start`` to a module for which ``goal(name)`` holds (breadth first)."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node != start and goal(node):
            chain = [node]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])
            return chain[::-1]
        for nxt in sorted(graph[node]):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def _in(name: str, *prefixes: str) -> bool:
    return any(name == f"{PACKAGE}.{p}" or name.startswith(f"{PACKAGE}.{p}.") for p in prefixes)


def _chains(starts: list[str], forbidden: tuple[str, ...]) -> list[str]:
    graph = import_graph()
    chains = (path_to(graph, start, lambda n: _in(n, *forbidden)) for start in starts)
    return [" -> ".join(chain) for chain in chains if chain]


# ------------------------------------------------------------------------------------------------ tests
def test_the_walk_sees_deferred_relative_and_guarded_imports():
    source = (
        "from typing import TYPE_CHECKING\nimport os\nfrom . import a\nfrom .b import c\n"
        "def f():\n    from ..d import e\n    return importlib.import_module('sugar_hf.x')\n"
        "if TYPE_CHECKING:\n    from .z import q\nelse:\n    from .y import w\n"
    )
    found = [ast.unparse(n) for n in _import_nodes(ast.parse(source))]
    assert found == ["from typing import TYPE_CHECKING", "import os", "from . import a", "from .b import c",
                     "from ..d import e", "importlib.import_module('sugar_hf.x')", "from .y import w"]  # fmt: skip
    graph = import_graph()
    readers = "sugar_hf.skeleton.readers"
    assert (
        f"{readers}.ntu" in graph[readers] and f"{readers}.dispatch" in graph[readers]
    )  # from .x import ...
    assert "sugar_hf.skeleton_layouts" in graph[f"{readers}.dispatch"]  # from ...skeleton_layouts import ...
    assert f"{readers}._ntu_fast" in extensions() and readers not in graph[f"{readers}.ntu"]  # from . import
    assert import_cycles(
        {"a": frozenset("b"), "b": frozenset("ca"), "c": frozenset(), "d": frozenset("d")}
    ) == [["a", "b"]]


def test_no_import_cycle():
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles (each a strongly connected component):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_model_modules_import_no_processor_pipeline_or_hub():
    starts = [
        name
        for name in modules()
        if name.count(".") == 1
        and (name.endswith(".configuration_sugar") or name.split(".")[1].startswith("modeling_"))
    ]
    assert f"{PACKAGE}.modeling_sugar" in starts and f"{PACKAGE}.configuration_sugar" in starts
    chains = _chains(starts, MODEL_MODULES_FORBIDDEN)
    assert not chains, "model modules reach the processor / pipeline / hub layers:\n" + "\n".join(chains)


def test_data_layers_never_import_the_hub():
    starts = [name for name in modules() if _in(name, *DATA_LAYERS)]
    assert f"{PACKAGE}.data.builders" in starts
    chains = _chains(starts, ("hub",))
    assert not chains, "the data layer reaches sugar_hf.hub:\n" + "\n".join(chains)
