"""Every message the OCOP and poverty services raise or return to a user is translatable: an AST
scan of tamnong/ocop/services/ and tamnong/poverty/ (services, importing) for string literals
given to `fail()`, `raise …Error(…)`/`PermissionDenied(…)`, a faults `add(…)` or an `errors[…]`
entry, which must sit inside `_()` (gettext) with a plain literal (no f-string: named
placeholders `%(name)s` instead). Audit notes and SQL are not messages and are not scanned."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "tamnong"
FILES = [
    *sorted((ROOT / "ocop" / "services").glob("*.py")),
    ROOT / "poverty" / "services.py",
    *sorted((ROOT / "poverty" / "importing").glob("*.py")),
]
CARRIERS = {"fail", "add", "PermissionDenied", "ValidationError", "ReviewError", "CellError"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext"}


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _is_text(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return False
    return any(ch.isalpha() for ch in text) and (" " in text.strip() or not text.isascii())


def _messages(node):
    """The message expressions a carrier call or an `errors[…] =` assignment holds."""
    if isinstance(node, ast.Call) and _name(node.func) in CARRIERS:
        args = node.args[1:] if _name(node.func) == "fail" else node.args
        if _name(node.func) == "add":
            args = node.args[2:3] or [k.value for k in node.keywords if k.arg == "reason"]
        for arg in args:
            yield from _unpack(arg)
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Subscript) and _name(t.value) == "errors" for t in node.targets
    ):
        yield from _unpack(node.value)


def _unpack(expr):
    if isinstance(expr, ast.Dict):
        for v in expr.values:
            yield from _unpack(v)
    elif isinstance(expr, (ast.List, ast.Tuple)):
        for v in expr.elts:
            yield from _unpack(v)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        yield from _unpack(expr.left)  # _("…%(x)s") % {...}
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        yield from _unpack(expr.left)
        yield from _unpack(expr.right)
    else:
        yield expr


def scan():
    wrapped, bare = 0, []
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for msg in _messages(node):
                where = f"{path.relative_to(ROOT.parent)}:{msg.lineno}"
                if isinstance(msg, ast.Call) and _name(msg.func) in GETTEXT:
                    if msg.args and isinstance(msg.args[0], ast.JoinedStr):
                        bare.append(f"{where}: f-string inside _()")
                    else:
                        wrapped += 1
                elif _is_text(msg):
                    bare.append(f"{where}: {ast.unparse(msg)[:80]}")
    return wrapped, bare


def test_every_service_message_is_wrapped_in_gettext():
    wrapped, bare = scan()
    assert bare == [], "\n".join(bare)
    assert wrapped >= 95, wrapped  # 0 of 90 (OCOP) and 0 of 62 (poverty) before issue 10


def test_the_english_catalogue_translates_them(settings):
    from django.utils import translation

    from tamnong.ocop.services.council import _  # the services' gettext

    with translation.override("en"):
        assert _("Phiên họp đã kết thúc.") != "Phiên họp đã kết thúc."
        assert "%(required)s" in _(
            "Chưa đủ số phiếu để kết thúc phiên: mỗi sản phẩm cần ít nhất %(required)s/%(seats)s "
            "phiếu của thành viên chấm điểm. Còn thiếu: %(products)s."
        )
