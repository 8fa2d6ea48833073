"""The dependency direction, enforced: config ← counties ← indicators ← training, funding, inspections.

Walks every module of every app with ``ast`` (no import side effects) and fails on

* an upward import (a lower app importing a higher one);
* an import cycle between apps (siblings at the top may use each other's public modules, never both ways);
* an import of a project module hidden inside a function (the usual way to dodge a cycle) — except in
  ``apps.py`` (``ready()`` connects receivers, Django's documented place).

``config/urls.py`` is the composition root (it mounts every app's URLs) and is exempt from the direction rule.
Upward effects go through the registries (``config.registry``) and the signals lower apps define.
Run it alone with ``python -m tests.test_architecture`` (``make lint`` does).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"config": 0, "counties": 1, "indicators": 2, "training": 3, "funding": 3, "inspections": 3}
COMPOSITION_ROOTS = {"config/urls.py"}
NESTED_IMPORTS_ALLOWED = {"apps.py"}


def _modules():
    for app in LAYERS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts or ".venv" in path.parts:
                continue
            yield app, path


def _imported(path: Path, node) -> list[str]:
    """The absolute dotted names an import statement refers to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    package = list(path.relative_to(ROOT).with_suffix("").parts)
    package = package[: len(package) - node.level]
    return [".".join([*package, *([node.module] if node.module else [])])]


def _walk(tree):
    """(import node, inside a function) for every import of the module."""
    found = []

    def visit(node, nested):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, nested))
            visit(child, nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(tree, False)
    return found


def collect_imports():
    """``(app, path, line, imported app, dotted name, nested)`` for every import of a project app."""
    rows = []
    for app, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, nested in _walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            for name in _imported(path, node):
                target = name.split(".")[0]
                if target in LAYERS:
                    rows.append((app, path.relative_to(ROOT).as_posix(), node.lineno, target, name, nested))
    return rows


def violations() -> list[str]:
    problems = []
    graph: dict[str, set[str]] = defaultdict(set)
    for app, path, line, target, name, nested in collect_imports():
        where = f"{path}:{line}"
        if nested and Path(path).name not in NESTED_IMPORTS_ALLOWED:
            problems.append(f"{where}: import of {name} inside a function (import at module level)")
        if target == app or path in COMPOSITION_ROOTS:
            continue
        graph[app].add(target)
        if LAYERS[target] > LAYERS[app]:
            problems.append(
                f"{where}: {app} imports {name}, which is above it (use a registry or a signal {app} defines)"
            )
    problems.extend(f"import cycle between apps: {' → '.join(cycle)}" for cycle in _cycles(graph))
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, seen = [], set()

    def visit(node, stack):
        for nxt in sorted(graph.get(node, ())):
            if nxt in stack:
                cycle = [*stack[stack.index(nxt) :], nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle)
            else:
                visit(nxt, [*stack, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return cycles


def test_apps_depend_downward_only_without_cycles_or_hidden_imports():
    assert violations() == []


def test_the_walker_sees_upward_imports_cycles_and_hidden_imports():
    graph = {"counties": {"indicators"}, "indicators": {"counties"}}
    assert _cycles(graph) == [["counties", "indicators", "counties"]]
    tree = ast.parse("import os\ndef f():\n    from indicators import services\n")
    assert [(type(n).__name__, nested) for n, nested in _walk(tree)] == [
        ("Import", False),
        ("ImportFrom", True),
    ]
    rows = collect_imports()
    assert any(app == "indicators" and target == "counties" for app, _p, _l, target, _n, _x in rows)


if __name__ == "__main__":
    found = violations()
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
