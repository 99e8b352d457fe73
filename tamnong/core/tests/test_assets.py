"""No asset is fetched from the internet at run time."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# src="http…", href="http…" on script/link/img, url(http…) and @import "http…" in CSS.
ASSET_URL = re.compile(
    r"""(?:<(?:script|link|img|source|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?(?:https?:)?//)|(?:@import\s+(?:url\()?["']?(?:https?:)?//)""",
    re.IGNORECASE,
)


def _files(*patterns):
    for pattern in patterns:
        yield from ROOT.glob(pattern)


def test_templates_and_stylesheets_reference_no_remote_asset():
    offenders = []
    for path in _files("**/templates/**/*.html", "**/static/**/*.css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in ASSET_URL.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert offenders == []


def test_the_pattern_catches_remote_assets():
    assert ASSET_URL.search('<script src="https://cdn.example/htmx.js"></script>')
    assert ASSET_URL.search("a { background: url(http://x/y.png) }")
    assert ASSET_URL.search('<link rel="stylesheet" href="//fonts.example/css">')
    assert not ASSET_URL.search('<a href="https://thuvienphapluat.vn">nguồn</a>')
    assert not ASSET_URL.search(
        "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'\")"
    )


def test_api_docs_are_served_locally(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
