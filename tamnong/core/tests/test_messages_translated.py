"""Every message the OCOP and poverty code gives a user is translatable (STYLE §5): a Vietnamese
literal raised, failed with, or appended to a list of errors or rows is wrapped in gettext.

Read from the source (`ast`): a string with Vietnamese letters at a message site (a `raise`, or a
call of `fail`, `ValidationError`, `PermissionDenied`, `CommandError`, the rules' error classes,
`add_error` or `append`) that is not inside `_()`. Demo data (names of villages) is no message.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
APPS = ("ocop", "poverty")
VIETNAMESE = re.compile(
    r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I
)
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext"}
SITES = {
    "fail",
    "ValidationError",
    "PermissionDenied",
    "CommandError",
    "CriteriaError",
    "StandardDataError",
    "add_error",
    "append",
}


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def untranslated(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    exempt: set[int] = set()
    for node in ast.walk(tree):
        wrapped = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT
        )
        if wrapped or isinstance(node, ast.Compare):  # `"…" in text` compares, it tells nothing
            exempt.update(id(n) for n in ast.walk(node))
    found = []

    def look(node) -> None:
        text = _text(node)
        if text is not None:
            if VIETNAMESE.search(text) and id(node) not in exempt:
                found.append((node.lineno, text[:60]))
            return
        for child in ast.iter_child_nodes(node):
            look(child)

    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            look(node.exc)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in SITES:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    look(arg)
    return sorted(set(found))


def test_the_reader_finds_an_unwrapped_message_and_passes_a_wrapped_one():
    source = (
        "def f(x):\n"
        "    if x:\n"
        '        raise ValueError(f"Không có tệp {x}.")\n'
        '    fail("stars", _("Hạng sao không hợp lệ."))\n'
        '    errors.append("Thiếu số quyết định.")\n'
        '    return [d for d in x if "chưa đầy đủ" in d]\n'
    )
    assert [line for line, _text in untranslated(source)] == [3, 5]


def test_ocop_and_poverty_messages_are_wrapped_in_gettext():
    left = {}
    for app in APPS:
        for path in sorted((PACKAGE / app).rglob("*.py")):
            rel = path.relative_to(PACKAGE)
            if {"tests", "migrations"} & set(rel.parts) or path.name == "demo.py":
                continue
            if found := untranslated(path.read_text(encoding="utf-8")):
                left[str(rel)] = found
    assert left == {}
