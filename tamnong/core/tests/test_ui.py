"""The site's frame (issue 11, look and feel and "also seen"): date pickers wherever a date is typed,
the header with the user's province and the page's programme, breadcrumbs, vendored icons and print
styles, no inline script handlers (a strict CSP allows only static/js), and freshness in words."""

import datetime as dt
import importlib
import inspect
import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.utils import timezone

from tamnong.core import formatting

ROOT = Path(__file__).resolve().parents[2]


def _date_fields():
    for app in apps.get_app_configs():
        if not app.name.startswith("tamnong."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                for field_name, field in cls.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield f"{module.__name__}.{name}.{field_name}", field


def test_every_date_typed_in_a_form_uses_the_browser_date_picker():
    fields = dict(_date_fields())
    assert len(fields) >= 10
    assert [name for name, f in fields.items() if f.widget.input_type != "date"] == []


def test_a_date_picker_sends_iso_and_a_date_typed_by_hand_is_still_read():
    from tamnong.ocop.forms import DecisionForm

    html = DecisionForm(initial={"signed_on": dt.date(2023, 2, 24)})["signed_on"].as_widget()
    assert 'type="date"' in html and 'value="2023-02-24"' in html
    for typed in ("2023-02-24", "24/02/2023"):
        form = DecisionForm({"number": "1/QĐ", "signed_on": typed, "issuer": "UBND"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["signed_on"] == dt.date(2023, 2, 24)


def test_templates_have_no_inline_event_handlers_or_inline_scripts():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<[a-z][^>]*\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)[:60]}")
        for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert offenders == []


def test_freshness_reads_in_words():
    now = timezone.now()
    assert formatting.age(now, now) == "vừa xong"
    assert formatting.age(now - dt.timedelta(minutes=5, seconds=10), now) == "5 phút trước"
    assert formatting.age(now - dt.timedelta(hours=2, minutes=1), now) == "2 giờ trước"
    assert formatting.age(now - dt.timedelta(days=3), now) == "3 ngày trước"
    assert formatting.age(None) == "–"


def test_the_header_shows_the_province_and_the_programme_of_the_page(client, personas, geo):
    client.force_login(personas.alice)
    page = client.get("/ocop/").content.decode()
    header = re.search(r'(?s)<header class="site">.*?</header>', page).group(0)
    assert "Tỉnh Mới" in header and "Chương trình OCOP" in header
    assert re.search(r'href="/ocop/"\s+aria-current="page"', header)
    assert 'class="menu-toggle"' in header and 'aria-controls="site-menu"' in header
    home = client.get("/").content.decode()
    assert "Chương trình mục tiêu quốc gia" in home
    client.force_login(personas.admin)
    assert "Toàn quốc" in client.get("/").content.decode()


def test_pages_use_the_vendored_icons_and_a_print_stylesheet(client, geo):
    page = client.get("/ocop/danh-muc/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page
    assert 'href="/static/icons/sprite.svg#i-search"' in page
    sprite = (ROOT / "static" / "icons" / "sprite.svg").read_text(encoding="utf-8")
    used = set(re.findall(r"sprite\.svg#i-([a-z-]+)", page))
    assert used <= set(re.findall(r'<symbol id="i-([a-z-]+)"', sprite))
    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert ".site-menu" in css and "width: 100%" in css


def test_a_detail_page_shows_where_it_sits(client, geo):
    from tamnong.ocop.models import Certificate  # noqa: F401  (a public page needs no data)

    page = client.get("/ocop/xac-minh/").content.decode()
    crumbs = re.search(r'(?s)<nav class="crumbs".*?</nav>', page).group(0)
    assert [t for t in re.findall(r">([^<>]+)<", crumbs) if t.strip()] == [
        "Trang chủ",
        "Sản phẩm OCOP",
        "Xác minh giấy chứng nhận",
    ]
