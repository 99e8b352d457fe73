#!/usr/bin/env python3
"""The app-level import graph of `tamnong`, read from the source with `ast`, and its circles.

    python tools/import_graph.py [--layer domain|all] [--json]

Two graphs, kept apart:
- module level: the imports run when a module is loaded (top level, in `if`/`try` blocks, not
  under `if TYPE_CHECKING`); a circle here can break the import of the program;
- function level: the imports inside function and method bodies (run when the function is
  called: deferred imports, often the sign of a circle that was pushed down).
An app is `tamnong.<app>`; `access.lookups` counts as its own room (it sits above audit and
divisions, see tamnong/core/tests/test_import_graph.py). With --layer domain (the default) the
surfaces (views, API, URLs, forms, admin, middleware, context processors, tasks, management
commands, app configs, template tags) are left out, as in the test; --layer split keeps each
app's surfaces as a room of their own ("ocop:surface"); --layer all counts them in their app.
Prints each graph's edges and its strongly connected parts of more than one app (the circles).
"""

from __future__ import annotations

import argparse
import ast
import json
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tamnong"
SURFACE = {  # and every module whose name starts with "views" (views_import, views_national…)
    "views",
    "api",
    "urls",
    "forms",
    "admin",
    "middleware",
    "context_processors",
    "tasks",
    "management",
    "apps",
    "templatetags",
}
SKIP = {"tests", "migrations", "testing"}


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        rel = path.relative_to(package.parent).with_suffix("")
        if SKIP & set(rel.parts):
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known) -> tuple[set[str], set[str]]:
    """(module-level, function-level) tamnong modules imported by module `name`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top: set[str] = set()
    inner: set[str] = set()

    def target(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        return ".".join(base + ([node.module] if node.module else []))

    def add(node, into: set[str]) -> None:
        if isinstance(node, ast.Import):
            into.update(a.name for a in node.names)
        else:
            base = target(node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                into.add(sub if sub in known else base)

    def visit(body, into: set[str]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for sub in ast.walk(node):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        add(sub, inner)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, into)  # a class body runs at load time; its methods do not
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body, into)
                visit(node.orelse, into)
            elif isinstance(node, (ast.Try, ast.With)):
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, []), into)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, into)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                add(node, into)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, top)

    def keep(found: set[str]) -> set[str]:
        out = set()
        for m in found:
            while m and m not in known:  # "from tamnong.x.y import name": the module x.y
                m = m.rpartition(".")[0]
            if m and m != name:
                out.add(m)
        return out

    return keep(top), keep(inner)


def room(module: str, layer: str = "domain") -> str | None:
    """The app of a module (None: a surface with --layer domain, or a top-level module such
    as tamnong.settings)."""
    parts = module.split(".")
    if len(parts) < 3:
        return None
    if any(p in SURFACE or p.startswith("views") for p in parts[2:]):
        if layer == "domain":
            return None
        if layer == "split":
            return f"{parts[1]}:surface"
    if parts[1] == "access" and parts[2] == "lookups":
        return "access.lookups"
    return parts[1]


def app_graphs(layer: str = "domain") -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level, function-level) app graphs: app → the apps it imports."""
    known = modules()
    top: dict[str, set[str]] = {}
    inner: dict[str, set[str]] = {}
    for name, path in known.items():
        here = room(name, layer)
        if here is None:
            continue
        found_top, found_inner = imports(name, path, known)
        for graph, found in ((top, found_top), (inner, found_inner)):
            graph.setdefault(here, set())
            for other in found:
                there = room(other, "split" if layer == "split" else "all") or (
                    other.split(".") + [""]
                )[1]
                if there and there != here:
                    graph[here].add(there)
    return top, inner


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def merged(a: dict[str, set[str]], b: dict[str, set[str]]) -> dict[str, set[str]]:
    return {k: a.get(k, set()) | b.get(k, set()) for k in a.keys() | b.keys()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layer", choices=["domain", "split", "all"], default="domain")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    top, inner = app_graphs(args.layer)
    result = {
        "layer": args.layer,
        "module_level_cycles": cycles(top),
        "function_level_cycles": cycles(inner),
        "both_cycles": cycles(merged(top, inner)),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for title, graph in (("module level", top), ("function level", inner)):
        print(f"== {title} ({args.layer})")
        for app in sorted(graph):
            print(f"  {app} -> {', '.join(sorted(graph[app])) or '-'}")
    for key in ("module_level_cycles", "function_level_cycles", "both_cycles"):
        print(f"{key}: {result[key] or 'none'}")


if __name__ == "__main__":
    main()
