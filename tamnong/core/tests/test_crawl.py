"""The crawl test (issue 11): every demo persona, every page it can reach.

The demo province is built on the test suite's mini map (`tamnong.demo.services.build`, about
4 s). For each persona (every demo role, plus anonymous) the test follows every same-host link
from the home page and the menus (breadth first, bounded), plus every named URL that takes no
argument and one instance of each detail URL from the demo data. It asserts:

* no 5xx answer;
* 403/404 only where `FORBIDDEN` (the permission matrix, as data) says so;
* no English UI word that once leaked (`ENGLISH_WORDS`) on a Vietnamese page;
* no raw internal code (`INTERNAL_CODES`);
* numbers in tables in Vietnamese format: no `7.00`-style decimals, no grouped years `2.025`;
* a 403/404 is a Vietnamese page in the site layout, and no menu entry leads to one;
* no element id used twice on a page, and every text field, select or file field has a label
  (a placeholder is not one) or an aria-label;
* every answer (pages, redirects, refusals, downloads) sends the Content-Security-Policy, strict
  for scripts, and no page has an inline script, an event-handler attribute or an inline style
  (issue 14, item 4).

Checks that still fail only because of defects owned by other work are listed in
`KNOWN_OWNED_ELSEWHERE` (url name → reason); the lead removes entries at merge.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

from tamnong.testing.crawl import markup_problems, refusal_problems, table_cells, visible_text

PERSONAS = [
    "quantri",
    "dieuphoi",
    "songanh",
    "canboxa",
    "canboxa2",
    "hoidong",
    "thuky",
    "chuthe",
    "lanhdao",
    "trunguong",
    "lanhdaotw",
    "anonymous",
]
STAFF = {"quantri", "dieuphoi", "songanh", "canboxa", "canboxa2", "lanhdao"}
EVERYONE_SIGNED_IN = set(PERSONAS) - {"anonymous"}

# The permission matrix: url name → personas that get 403 (or 404, for records outside scope).
# Anonymous users are redirected to the login page on every page not public (no 403 for them).
FORBIDDEN: dict[str, set[str]] = {
    "audit:list": EVERYONE_SIGNED_IN - {"quantri", "dieuphoi"},
    "accounts:members": EVERYONE_SIGNED_IN - {"quantri", "dieuphoi"},
    "ocop:criteria_upload": EVERYONE_SIGNED_IN - {"quantri"},
    # the central level's pages: administrators and the national roles only
    **{
        name: EVERYONE_SIGNED_IN - {"quantri", "trunguong", "lanhdaotw"}
        for name in (
            "reports:national_dashboard",
            "reports:national_summary",
            "reports:national_decisions",
        )
    },
    # one instance of each detail URL is the demo's first record, outside the scope of the
    # second commune's officer and of the producer (whose records are its own)
    **{
        name: {"canboxa2", "chuthe"}
        for name in (
            "ocop:producer",
            "ocop:product",
            "ocop:dossier",
            "ocop:certificate",
            "ntm:commune",
            "ntm:recognitions",
            "ntm:targets",
            "ntm:assessment",
            "ntm:dossier",
        )
    },
    "ocop:session": {"canboxa", "canboxa2", "chuthe", "lanhdao", "songanh"},
    # entering NTM results in bulk: the editing roles only (no link shown to the others)
    **{
        name: {"lanhdao", "trunguong", "lanhdaotw"}
        for name in ("ntm:import_results", "ntm:import_profiles")
    },
    # the demo's first NTM dossier is now a unit found through the lineage (Division.within),
    # outside the first commune officer's commune too
    "ntm:dossier": {"canboxa", "canboxa2", "chuthe"},
}
# A persona may see 403/404 on any page of these namespaces outside its role.
FORBIDDEN_NAMESPACES: dict[str, set[str]] = {
    "poverty": {"hoidong", "thuky", "chuthe"},
    "reports": {"hoidong", "thuky", "chuthe"},
    "ntm": {"hoidong", "thuky", "chuthe"},
}
# Pages a persona may be refused on although in its namespace: editing pages.
EDITING = {
    "ocop:producer_new",
    "ocop:session_new",
    "ocop:criteria_upload",
    "ocop:import",
    "poverty:import",
    "reports:funding_import",
    "reports:create",
    "ntm:target",
    "divisions:changes",
    "ocop:criteria",
    "ntm:sets",
    "ocop:figures",
    "ocop:sessions",
    "ocop:dossiers",
    "ocop:certificates",
    "accounts:token_create",
}

ENGLISH_WORDS = [
    "Division",
    "Product",
    "Producer",
    "Household",
    "Set key",
    "Status",
    "valid",
    "expired",
    "revoked",
    "superseded",
    "partial",
    "max_points",
    "CSV line",
    "EMPTY FRAME",
    "Forbidden",
    "Not Found",
    "created_at",
    "updated_at",
]
INTERNAL_CODES = [
    re.compile(r"nhom_\d"),
    re.compile(r"\btdmnpb\b"),
    re.compile(r"\bdemo-[a-z0-9-]+"),
    re.compile(r"\{\}"),
    re.compile(r"\.ya?ml\b"),
    re.compile(r"<th[^>]*>\s*chung\s*</th>", re.I),
]
INLINE_SCRIPT = re.compile(r"(?is)<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER_ATTRIBUTE = re.compile(r"(?i)<[a-z][^>]*\s(on[a-z]+)\s*=")
INLINE_STYLE = re.compile(r"(?i)<style\b|<[a-z][^>]*\sstyle\s*=")
DOT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{2}(?![\d.])")
GROUPED_YEAR = re.compile(r"(?<![\d.,])2\.0[0-3]\d(?![\d.,])")

# Checks that fail only because of defects owned by other helpers of issue 11
# (1: vn_date, 2: SITE_URL, 3: error pages/menus, 4: import results, 7: council, 9: phone).
# url name → reason. The lead removes entries at merge.
KNOWN_OWNED_ELSEWHERE: dict[str, str] = {}

MAX_PAGES = 400
PER_NAME = 4  # instances of one URL name followed from links (lists, pages of a list)
SKIP_PREFIXES = ("/i18n/", "/accounts/logout", "/api/", "/static/", "/media/", "/admin/")
# Downloads and actions: fetched for status only, not read as pages.
BINARY = re.compile(r"\.(xlsx|csv|pdf|zip|png|svg|js|css)$|/pdf/$|/excel/$")


def _name(path: str) -> str:
    try:
        m = resolve(path)
    except Resolver404:
        return ""
    return m.view_name


def _no_arg_names() -> list[str]:
    out = []

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}:{p.namespace}".strip(":") if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{ns}:{p.name}" if ns else p.name
                with contextlib.suppress(NoReverseMatch):
                    out.append(reverse(name))

    walk(get_resolver().url_patterns, "")
    return [u for u in out if not u.startswith(SKIP_PREFIXES) and "logout" not in u]


def _detail_urls() -> list[str]:
    from tamnong.divisions.models import Division, Level
    from tamnong.ntm import models as ntm
    from tamnong.ocop import models as ocop
    from tamnong.poverty.models import Household
    from tamnong.reports.views import KINDS

    urls = []
    commune = Division.objects.filter(level=Level.COMMUNE, map__key="new").order_by("code")
    pairs = [
        ("divisions:detail", commune.first()),
        ("ocop:producer", ocop.Producer.objects.order_by("pk").first()),
        ("ocop:product", ocop.Product.objects.order_by("pk").first()),
        ("ocop:dossier", ocop.Dossier.objects.order_by("pk").first()),
        ("ocop:session", ocop.CouncilSession.objects.order_by("pk").first()),
        ("ocop:certificate", ocop.Certificate.objects.order_by("pk").first()),
        ("ocop:criteria_detail", ocop.CriteriaSet.objects.order_by("pk").first()),
        ("ntm:set", ntm.CriteriaSet.objects.order_by("pk").first()),
        ("ntm:commune", commune.first()),
        ("ntm:targets", commune.first()),
        ("ntm:recognitions", commune.first()),
        ("ntm:assessment", ntm.Assessment.objects.order_by("pk").first()),
        ("ntm:dossier", ntm.Dossier.objects.order_by("pk").first()),
    ]
    for name, obj in pairs:
        if obj is not None:
            urls.append(reverse(name, args=[obj.pk]))
    cert = ocop.Certificate.objects.order_by("pk").first()
    if cert:
        urls.append(reverse("ocop:verify", args=[cert.public_id]))
    hh = Household.objects.order_by("pk").first()
    if hh:
        urls.append(reverse("poverty:household", args=[hh.code]))
    urls += [reverse("reports:records", args=[k]) for k in KINDS]
    return urls


def _links(body: str) -> list[str]:
    return re.findall(r"""(?i)\b(?:href|hx-get)\s*=\s*["']([^"'#][^"']*)["']""", body)


def csp_problems(response) -> list[str]:
    """What of the answer's Content-Security-Policy is missing or loose."""
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["không có Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in (x.strip() for x in policy.split(";")) if d}
    out = []
    for name in ("default-src", "script-src", "style-src", "object-src", "frame-ancestors"):
        if name not in directives:
            out.append(f"CSP thiếu {name}")
    for name in ("script-src", "style-src"):
        loose = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
        if loose & set(directives.get(name, [])):
            out.append(f"CSP {name} lỏng: {' '.join(directives[name])}")
    return out


def inline_code(body: str) -> list[str]:
    out = []
    for pattern, what in (
        (INLINE_SCRIPT, "script nội tuyến"),
        (HANDLER_ATTRIBUTE, "thuộc tính sự kiện"),
        (INLINE_STYLE, "style nội tuyến"),
    ):
        m = pattern.search(body)
        if m:
            out.append(f"{what} «{m.group(0)[:60]}»")
    return out


def _problems(url: str, name: str, body: str) -> list[str]:
    out = inline_code(body) + markup_problems(body)
    text = visible_text(body)
    for word in ENGLISH_WORDS:
        if re.search(rf"(?<![\w/.-]){re.escape(word)}(?![\w/-])", text):
            out.append(f"tiếng Anh «{word}»")
    for pattern in INTERNAL_CODES:
        target = body if pattern.pattern.startswith("<th") else text
        m = pattern.search(target)
        if m:
            out.append(f"mã nội bộ «{m.group(0)[:40]}»")
    for cell in table_cells(body):
        m = DOT_DECIMAL.search(cell)
        if m:
            out.append(f"số không theo kiểu Việt Nam «{m.group(0)}» trong «{cell[:40]}»")
            break
    # grouped years (2.025): only in a column headed "năm" (money such as 2.008 triệu is grouped)
    for table in re.findall(r"(?is)<table\b.*?</table>", body):
        heads = [c.lower() for c in table_cells("".join(re.findall(r"(?is)<th\b.*?</th>", table)))]
        years = {i for i, h in enumerate(heads) if h.startswith("năm")}
        for row in re.findall(r"(?is)<tr\b.*?</tr>", table):
            cells = [
                html.unescape(re.sub(r"<[^>]+>", " ", c)).strip()
                for c in re.findall(r"(?is)<td\b[^>]*>(.*?)</td>", row)
            ]
            bad = [c for i, c in enumerate(cells) if i in years and GROUPED_YEAR.search(c)]
            if bad:
                out.append(f"năm bị nhóm chữ số «{bad[0]}»")
                break
    return out


def _allowed_refusal(who: str, name: str) -> bool:
    if who in FORBIDDEN.get(name, set()):
        return True
    ns = name.split(":")[0]
    if who in FORBIDDEN_NAMESPACES.get(ns, set()):
        return True
    return bool(name in EDITING and who not in {"quantri", "dieuphoi"})


MENU = re.compile(r'(?is)<nav id="site-menu"[^>]*>(.*?)</nav>')


def crawl(client, who: str, extra: list[str]) -> tuple[list[str], int]:
    failures, seen, per_name = [], set(), {}
    menu: set[str] = set()  # the paths the site menu offers this persona
    queue = deque(["/"] + extra)
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver",):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not parts.path.startswith("/") or path in seen:
            continue
        if parts.path.startswith(SKIP_PREFIXES) or "logout" in parts.path:
            continue
        seen.add(path)
        name = _name(parts.path)
        per_name[name] = per_name.get(name, 0) + 1
        if per_name[name] > PER_NAME and path not in extra:
            continue
        resp = client.get(path)
        code = resp.status_code
        where = f"[{who}] {path} ({name})"
        failures += [f"{where}: {p}" for p in csp_problems(resp)]
        if code >= 500:
            failures.append(f"{where}: {code}")
            continue
        if code in (403, 404):
            if not _allowed_refusal(who, name):
                failures.append(f"{where}: {code} ngoài ma trận quyền")
            if parts.path in menu:
                failures.append(f"{where}: menu dẫn đến trang bị từ chối ({code})")
            if "html" in resp.get("Content-Type", ""):
                body = resp.content.decode("utf-8", "replace")
                failures += [f"{where}: {p}" for p in refusal_problems(body)]
            continue
        if code in (301, 302):
            queue.append(resp["Location"])
            continue
        ctype = resp.get("Content-Type", "")
        if "html" not in ctype or BINARY.search(parts.path):
            continue
        body = resp.content.decode("utf-8", "replace")
        if not menu and (nav := MENU.search(body)):
            menu = {urlsplit(html.unescape(u)).path for u in _links(nav.group(1))}
        if 'lang="vi"' in body or "<html" not in body:  # full Vietnamese pages and htmx fragments
            for problem in _problems(path, name, body):
                failures.append(f"{where}: {problem}")
        for link in _links(body):
            link = html.unescape(link)
            if link.startswith(("mailto:", "tel:", "javascript:")):
                continue
            if not link.startswith(("/", "http")):
                link = (
                    parts.path.rsplit("/", 1)[0] + "/" + link
                    if not link.startswith("?")
                    else parts.path + link
                )
            queue.append(link)
    return failures, len(seen)


@pytest.fixture
def demo(geo, settings):
    from tamnong.demo.services import build

    settings.DEBUG = False
    return build(province_code=geo.province.code, households=0, say=lambda _m: None)


def test_every_persona_crawls_without_a_defect(demo):
    from django.test import Client

    client = Client(raise_request_exception=False)
    extra = _no_arg_names() + _detail_urls()
    failures, counted = [], {}
    for who in PERSONAS:
        client.logout()
        if who != "anonymous":
            client.force_login(demo.users[who])
        found, n = crawl(client, who, extra)
        counted[who] = n
        failures += [f for f in found if not any(f"({k})" in f for k in KNOWN_OWNED_ELSEWHERE)]
    assert min(counted.values()) >= 5, counted
    report = "\n".join(failures)
    if os.environ.get("CRAWL_REPORT"):
        Path(os.environ["CRAWL_REPORT"]).write_text(report + "\n", encoding="utf-8")
    assert not failures, f"{len(failures)} lỗi:\n" + "\n".join(failures[:300])
