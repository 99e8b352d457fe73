"""The page checks of the crawl test (core/tests/test_crawl.py), kept apart so that their own tests
(core/tests/test_crawl_checks.py) can show they fail where they should."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


def visible_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", body)
    body = re.sub(r"(?is)<!--.*?-->", " ", body)
    # an administrator's collapsed technical notes (ghi chú kỹ thuật) may keep developer wording
    body = re.sub(
        r'(?is)<(details|small)\b[^>]*class="[^"]*technical[^"]*"[^>]*>.*?</\1>', " ", body
    )
    body = re.sub(r"(?is)<(head)\b.*?</head>", " ", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def table_cells(body: str) -> list[str]:
    cells = re.findall(r"(?is)<t[dh]\b[^>]*>(.*?)</t[dh]>", body)
    return [html.unescape(re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


class _Markup(HTMLParser):
    """The ids of a page and whether each text field has a name a screen reader reads out."""

    FIELDS = {"text", "search", "date", "number", "email", "tel", "password", "file", "url"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.fields: list[tuple[str, bool]] = []  # (description, named)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            if tag == "input" and kind not in self.FIELDS:
                return
            named = bool(self.open_labels or a.get("aria-label") or a.get("aria-labelledby"))
            self.fields.append((f"<{tag} name={a.get('name')!r} id={a.get('id')!r}>", named))
            if not named and a.get("id"):
                self.fields[-1] = (self.fields[-1][0], "#" + a["id"])

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def markup_problems(body: str) -> list[str]:
    """Duplicate element ids, and form fields without a label (placeholder-only search boxes)."""
    parser = _Markup()
    parser.feed(body)
    out = []
    seen: set[str] = set()
    for i in parser.ids:
        if i in seen:
            out.append(f"id trùng «{i}»")
            break
        seen.add(i)
    for what, named in parser.fields:
        if named is True or (isinstance(named, str) and named[1:] in parser.label_for):
            continue
        out.append(f"ô nhập không có nhãn {what}")
        break
    return out


def refusal_problems(body: str) -> list[str]:
    """A 403/404 answer is a Vietnamese page in the site layout, never Django's bare or debug
    page (no English, no list of the site's URL patterns)."""
    out = []
    if 'lang="vi"' not in body or 'class="site"' not in body:
        out.append("trang lỗi không theo bố cục của hệ thống")
    text = visible_text(body)
    for word in ("Forbidden", "Not Found", "URLconf", "Using the URLconf", "Page not found"):
        if word in text:
            out.append(f"trang lỗi tiếng Anh «{word}»")
            break
    return out
