"""The shape of the code (issue 16): the import graph, read with `ast` from the source files.

Every import counts, also those inside functions or under TYPE_CHECKING: a cycle there is still a
cycle for a reader. The core never imports streamlit, pages never import each other, and each
subpackage of conflict_monitor depends only on the ones below it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = "conflict_monitor"
# What each subpackage may import from the others (the direction of dependencies in the
# README's code map). cli may use everything but the benchmarks, which only its bench command
# loads, when it runs.
ALLOWED = {
    "model": set(),
    "geo": set(),
    "access": set(),
    "exporters": {"model"},
    "extract": {"model", "geo"},
    "store": {"model", "geo", "extract", "access"},
    "importers": {"model", "geo", "store"},
    "metrics": {"model", "store"},
    "figures": {"model", "metrics"},
    "maps": {"model", "geo", "exporters", "metrics"},
    "control": {"model", "geo", "store", "metrics", "exporters"},
    "monitor": {"model", "geo", "extract", "store", "metrics"},
    "cli": {"model", "geo", "exporters", "extract", "store", "importers", "metrics", "figures", "maps",
            "control", "monitor", "access"},
    "bench": {"model", "geo", "exporters", "extract", "store", "importers", "metrics", "figures", "maps",
              "control", "cli", "monitor", "access"},
}
CLI_MAY_LOAD_BENCH = {"conflict_monitor.cli.bench"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def compute_import_graph(files: list[Path]) -> dict[str, set[str]]:
    """{module: modules it imports}, absolute imports only (the project uses no relative ones)."""
    names = {_module_name(p) for p in files}
    graph: dict[str, set[str]] = defaultdict(set)
    for path in files:
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    graph[module].add(full if full in names else node.module)
            elif isinstance(node, ast.Import):
                graph[module].update(alias.name for alias in node.names)
    return graph


def compute_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph and child not in index:
                    continue  # outside the graph (a third-party module)
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return cycles


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    files = [*(REPO / CORE).rglob("*.py"), *(REPO / "ui").rglob("*.py"), *(REPO / "pages").glob("*.py"),
             REPO / "dashboard.py"]
    return compute_import_graph(files)


def test_cycle_finder_finds_a_cycle_and_no_false_one():
    assert compute_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert compute_cycles({"a": {"b", "os"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles(graph):
    assert compute_cycles(graph) == []


def test_the_core_never_imports_streamlit(graph):
    offenders = sorted(m for m, deps in graph.items() if m.startswith(CORE)
                       and any(d == "streamlit" or d.startswith("streamlit.") for d in deps))
    assert not offenders, f"the core imports streamlit: {offenders}"


def test_pages_never_import_each_other(graph):
    offenders = sorted((m, d) for m, deps in graph.items() if m.startswith("pages.")
                       for d in deps if d.startswith("pages"))
    assert not offenders, offenders


def test_subpackages_depend_only_on_the_ones_below(graph):
    wrong = []
    for module, deps in graph.items():
        parts = module.split(".")
        if parts[0] != CORE or len(parts) < 3:
            continue
        package = parts[1]
        for dep in deps:
            dep_parts = dep.split(".")
            if dep_parts[0] != CORE or len(dep_parts) < 2 or dep_parts[1] == package:
                continue
            target = dep_parts[1]
            if target == "bench" and module in CLI_MAY_LOAD_BENCH:
                continue
            if target not in ALLOWED.get(package, set()):
                wrong.append(f"{module} imports {dep}")
    assert not wrong, "\n".join(sorted(wrong))


def test_every_subpackage_has_its_rule(graph):
    packages = {p.name for p in (REPO / CORE).iterdir() if (p / "__init__.py").exists()}
    assert packages <= set(ALLOWED), f"add a rule for {sorted(packages - set(ALLOWED))}"
