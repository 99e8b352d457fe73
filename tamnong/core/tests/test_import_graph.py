"""The import graph of `tamnong`, read from the source (top-level imports, `ast`): the floors of
the house hold.

- No module imports itself back through others (an import circle breaks on the first change of
  import order, and is what pushed imports into function bodies).
- Between apps, the domain layer (models, services and their helpers) has no circle, not even
  through imports inside functions (tools/import_graph.py keeps them apart): the ground
  floor is `access` (scope, roles, actors: it imports no other app), then `core`, `divisions`,
  `audit`, `accounts`; `access.lookups` (the gate that logs refusals and resolves units) sits above
  `audit` and `divisions`. In particular accounts, audit and divisions never tie each other.

The surfaces (views, API, URLs, forms, admin, middleware, context processors, tasks, commands,
app configs) sit on top of every app and are left out of the app-level check: a page of
`divisions` may well record a refusal with `audit`.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # tamnong/


@functools.cache
def _tool():
    """tools/import_graph.py: the same graph with function-level imports kept apart, and the
    surfaces as rooms of their own (--layer split)."""
    import importlib.util

    path = PACKAGE.parent / "tools" / "import_graph.py"
    spec = importlib.util.spec_from_file_location("tn_import_graph", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SURFACE = _tool().SURFACE  # one list of what counts as a surface (views*, API, URLs, forms…)
FOUNDATION = ("accounts", "audit", "divisions")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if {"tests", "migrations", "testing"} & set(rel.parts):
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _top_level_imports(name: str, path: Path, modules) -> set[str]:
    """The tamnong modules `name` imports when it is loaded (not inside functions, not under
    `if TYPE_CHECKING`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def target(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(body):
        for node in body:
            if isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = target(node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in modules else base)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {m for m in found if m in modules and m != name}


def module_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _top_level_imports(name, path, modules) for name, path in modules.items()}


def _room(module: str) -> str | None:
    """The app a module belongs to for the app-level check (None: a surface, or the project's
    own top-level modules such as settings and urls)."""
    parts = module.split(".")
    if len(parts) < 3 or any(p in SURFACE or p.startswith("views") for p in parts[2:]):
        return None
    if parts[1] == "access" and parts[2] == "lookups":
        return "access.lookups"
    return parts[1]


def app_graph() -> dict[str, set[str]]:
    rooms: dict[str, set[str]] = {}
    for module, imports in module_graph().items():
        room = _room(module)
        if room is None:
            continue
        rooms.setdefault(room, set())
        for other in imports:
            there = _room(other) or other.split(".")[1]
            if there != room:
                rooms[room].add(there)
    return rooms


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node, each sorted (the tool's Tarjan: the
    test reads the graph itself, and checks below that the tool reads the same one)."""
    return _tool().cycles(graph)


def test_the_graph_reader_finds_a_circle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_the_known_floors():
    graph = app_graph()
    assert "audit" in graph["accounts"] and "access" in graph["audit"]
    assert "audit" in graph["access.lookups"] and "divisions" in graph["access.lookups"]


def test_no_module_imports_itself_back():
    assert cycles(module_graph()) == []


def test_the_ground_floor_of_access_imports_no_other_app():
    graph = app_graph()
    assert {r for r in graph["access"] if r != "access.lookups"} == set()


def test_accounts_audit_and_divisions_do_not_tie_each_other():
    for part in cycles(app_graph()):
        tied = [app for app in FOUNDATION if app in part]
        assert len(tied) < 2, f"{tied} are tied by the circle {part}"


def test_no_circle_between_apps_in_the_domain_layer():
    assert cycles(app_graph()) == []


def test_the_tool_reads_the_same_module_level_graph():
    top, _ = _tool().app_graphs("domain")
    assert {k: v for k, v in top.items() if v} == {k: v for k, v in app_graph().items() if v}


def test_no_circle_between_apps_even_through_imports_inside_functions():
    """A deferred import (inside a function) hides a circle from the loader, not from the
    design: the domain layer has none, with function-level imports counted too."""
    tool = _tool()
    top, inner = tool.app_graphs("domain")
    assert tool.cycles(inner) == []
    assert tool.cycles(tool.merged(top, inner)) == []


def test_with_the_surfaces_as_rooms_of_their_own_accounts_audit_divisions_stay_untied():
    """The pages of an app are a room above its domain: counted apart, no circle at module
    level, and none ties two of accounts, audit and divisions even with deferred imports."""
    tool = _tool()
    top, inner = tool.app_graphs("split")
    assert tool.cycles(top) == []
    for part in tool.cycles(tool.merged(top, inner)):
        tied = [app for app in FOUNDATION if app in part]
        assert len(tied) < 2, f"{tied} are tied by the circle {part}"
