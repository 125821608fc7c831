"""The package's layout reads as its architecture: dependencies point down, nothing imports itself back.

Every `import` counts, including those inside functions and under `TYPE_CHECKING`: a module that needs
another only for a type still depends on it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "interviewer"

# Higher layers may import lower ones, never the reverse; one layer may import itself when no cycle forms.
LAYERS: dict[str, int] = {
    "cli": 7,
    "testing": 7,
    "web": 6,
    "interview": 5,
    "grading": 4,
    "notes": 4,
    "voice": 3,
    "llm": 2,
    "store": 2,
    "content": 1,
    "diagrams": 1,
    "logs": 1,
    "phases": 0,
    "config": 0,
    "errors": 0,
    "models": 0,
    "__init__": 0,
}
MAX_LINES = 500
MAX_TOP_LEVEL_FILES = 12


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The project modules `path` imports (a package import counts as its `__init__`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name in modules:
                yield name


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imports(path, modules)) - {name} for name, path in modules.items()}


def _group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph()
    cycles = []
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
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
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_dependencies_point_down_the_layers() -> None:
    upward = [
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if LAYERS[_group(target)] > LAYERS[_group(module)]
    ]
    assert upward == []


def test_every_group_has_a_layer() -> None:
    assert {_group(m) for m in _modules()} <= set(LAYERS)


def test_the_package_root_holds_at_most_a_dozen_files_beside_its_subpackages() -> None:
    files = [p.name for p in PACKAGE.iterdir() if p.is_file() and p.suffix == ".py"]
    assert len(files) <= MAX_TOP_LEVEL_FILES, files


@pytest.mark.parametrize("name", sorted(_modules()))
def test_each_module_is_small_enough_to_read_in_one_sitting(name: str) -> None:
    lines = len(_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_only_the_openai_adapter_imports_openai() -> None:
    importers = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            if any(m == "openai" or m.startswith("openai.") for m in mods):
                importers.append(name)
    assert sorted(set(importers)) == ["interviewer.llm.openai_client"]
