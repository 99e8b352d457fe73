"""accounts, audit and divisions do not import each other in a circle (issue 10).

The graph is built from every `import tamnong.…` / `from tamnong.… import` in the source (tests and
migrations left out, imports inside functions included). Nodes are packages, except the two
ground-floor toolboxes, `access` and `core`, whose modules are nodes of their own (`access.scope`
imports nothing of the project; `access.lookups` sits above audit and divisions)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPLIT = ("access", "core")


def _node(parts: list[str]) -> str:
    return ".".join(parts[:2]) if parts[0] in SPLIT and len(parts) > 1 else parts[0]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for f in ROOT.rglob("*.py"):
        rel = f.relative_to(ROOT).parts
        if "tests" in rel or "migrations" in rel or len(rel) < 2:
            continue
        src = _node([rel[0], Path(rel[1]).stem])
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.ImportFrom) and node.level == 1 and len(rel) == 2:
                names = [f"tamnong.{rel[0]}.{node.module}"] if node.module else []
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] != "tamnong" or len(parts) < 2:
                    continue
                dst = _node(parts[1:])
                if dst != src:
                    edges.setdefault(src, set()).add(dst)
    return edges


def _reach(edges, start) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for d in edges.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def test_no_cycle_between_accounts_audit_and_divisions():
    edges = graph()
    assert edges, "no imports found"
    for a, b in itertools.combinations(["accounts", "audit", "divisions", "access.scope"], 2):
        assert not (b in _reach(edges, a) and a in _reach(edges, b)), (a, b)


def test_the_scope_rule_is_the_ground_floor():
    edges = graph()
    for module in ("access.scope", "access.roles", "access.actors"):
        assert edges.get(module, set()) <= {"access.scope", "access.roles"}, module
