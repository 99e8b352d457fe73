"""The English catalogue compiles: every message once (two branches translating the same message
merge into a duplicate that msgfmt refuses, and the committed .mo then lags the .po), no fuzzy
merge left, and the committed .mo holds what the .po says."""

import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"


def _entries(text: str) -> list[tuple[str, str, bool, str]]:
    """(msgctxt, msgid, fuzzy, msgstr) of each entry, the strings joined."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if not ln.startswith("#~")]
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines)
        parts: dict[str, list[str]] = {}
        key = None
        for ln in lines:
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$', ln)
            if m:
                key = m.group(1)
                parts[key] = [m.group(2)]
            elif ln.startswith('"') and key:
                parts[key].append(ln[1:-1])
        if "msgid" in parts:
            ctxt, msgid = "".join(parts.get("msgctxt", [])), "".join(parts["msgid"])
            out.append((ctxt, msgid, fuzzy, "".join(parts.get("msgstr", []))))
    return out


def test_every_message_is_in_the_catalogue_once_and_none_is_fuzzy():
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e[1]]
    seen, twice = set(), []
    for ctxt, msgid, _fuzzy, _str in entries:
        if (ctxt, msgid) in seen:
            twice.append(msgid[:60])
        seen.add((ctxt, msgid))
    assert twice == []
    assert [m[:60] for _c, m, fuzzy, _s in entries if fuzzy] == []


def test_the_compiled_catalogue_holds_every_message_of_the_po():
    with PO.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    missing = [
        msgid[:60]
        for ctxt, msgid, _f, msgstr in _entries(PO.read_text(encoding="utf-8"))
        if msgid
        and msgstr
        and msgstr != msgid
        and not ctxt
        and "\\" not in msgid + msgstr
        and compiled.gettext(msgid) != msgstr
    ]
    assert missing == []
