"""Issue 10: fixtures and builders live in `tamnong/testing` (or a conftest), never in a test
module that another test module imports (pytest would collect the imported tests twice and a
fixture's home would depend on import order)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_test_module_imports_another_test_module():
    found = []
    for path in sorted(ROOT.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                last = node.module.rsplit(".", 1)[-1]
                if last.startswith("test_"):
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.rsplit(".", 1)[-1].startswith("test_"):
                        found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {alias.name}")
    assert found == []
