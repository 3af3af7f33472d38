"""The policy pack's modules import one another without a circle: every import between them (at
module level or inside a function) forms a graph with no cycle, and each module imports first, on
its own, in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.support.common import ROOT

PACK = ROOT / "policies"
MODULES = sorted(p.stem for p in PACK.glob("*.py") if p.stem not in ("__init__", "__main__"))


def imported_pack_modules(path: Path) -> set[str]:
    """The pack modules a file imports anywhere in it: ``from .x import``, ``from . import x``,
    ``import policies.x``, ``from policies.x import``, ``from policies import x``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            relative = node.level == 1
            absolute = node.level == 0 and (node.module or "").split(".")[0] == "policies"
            if not (relative or absolute):
                continue
            rest = (node.module or "").removeprefix("policies").lstrip(".") if absolute else (node.module or "")
            if rest:
                found.add(rest.split(".")[0])
            else:
                found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("policies.")}
    return found & set(MODULES)


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return []

    for node in graph:
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_the_import_graph_has_no_cycle():
    graph = {m: imported_pack_modules(PACK / f"{m}.py") for m in MODULES}
    assert graph["rules"] >= {"aws_types", "gcp_types"}, "the graph is read"
    assert find_cycle(graph) == []


def test_the_finder_finds_a_circle():
    """The circle issue 22 found: rules -> the per-cloud type modules -> type_coverage -> rules."""
    graph = {"rules": {"aws_types"}, "aws_types": {"type_coverage"}, "type_coverage": {"rules"}}
    assert find_cycle(graph) == ["rules", "aws_types", "type_coverage", "rules"]


def test_each_module_imports_first_on_its_own():
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'policies' or m.startswith('policies.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module('policies.' + name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
