"""Cached report pages say when they were made, how long ago, and up to when their figures go, in
words a leader relates to freshness (issue 11, "Lập lúc")."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from tamnong.core import formatting


def _freshness(page: str) -> str:
    return re.sub(
        r"<[^>]+>",
        "",
        re.search(r'(?s)<p class="freshness[^"]*" id="freshness">.*?</p>', page).group(0),
    )


def test_the_summary_and_the_dashboard_say_how_fresh_their_figures_are(client, personas, geo):
    from tamnong.core.models import DataVersion

    client.force_login(personas.leader)
    # the last change to the data: 08:30 this morning (local time)
    today = timezone.localdate()
    at = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 30)))
    DataVersion.objects.update_or_create(topic="ocop", defaults={"n": 7, "changed_at": at})
    DataVersion.objects.filter(changed_at__gt=at).update(changed_at=at)
    for url in (
        f"{reverse('reports:summary')}?division={geo.province.pk}&period=2025",
        f"{reverse('reports:dashboard')}?division={geo.province.pk}&year=2025",
    ):
        text = _freshness(client.get(url).content.decode())
        assert re.search(r"Lập lúc \d\d:\d\d hôm nay \(vừa xong\)", text), text
        assert "gồm số liệu nhập đến 08:30 hôm nay" in text, text
        assert "tự lập lại khi có số liệu mới" in text


def test_a_committed_change_records_when_the_data_changed(db, django_capture_on_commit_callbacks):
    from tamnong.core import datacache
    from tamnong.core.models import DataVersion

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        datacache.changed("poverty")
    row = DataVersion.objects.get(topic="poverty")
    assert row.changed_at is not None and row.changed_at >= before
    # the reports read every programme, the OCOP pages only divisions and OCOP
    assert datacache.last_changed("reports") == row.changed_at
    assert datacache.last_changed("ocop") != row.changed_at


def test_a_moment_reads_as_today_yesterday_or_a_date():
    now = timezone.make_aware(dt.datetime(2026, 12, 3, 14, 5))
    assert formatting.moment(now, now) == "14:05 hôm nay"
    assert formatting.moment(now - dt.timedelta(days=1, hours=5), now) == "09:05 hôm qua"
    assert formatting.moment(now - dt.timedelta(days=2), now) == "14:05 01/12/2026"
    assert formatting.moment(None) == "–"
