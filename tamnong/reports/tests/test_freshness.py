"""Cached report pages say when their figures were computed and how long ago, in words a leader
relates to freshness (issue 11, "Lập lúc")."""

import re

from django.urls import reverse


def _freshness(page: str) -> str:
    return re.sub(
        r"<[^>]+>",
        "",
        re.search(r'(?s)<p class="freshness[^"]*" id="freshness">.*?</p>', page).group(0),
    )


def test_the_summary_and_the_dashboard_say_how_fresh_their_figures_are(client, personas, geo):
    client.force_login(personas.leader)
    for url in (
        f"{reverse('reports:summary')}?division={geo.province.pk}&period=2025",
        f"{reverse('reports:dashboard')}?division={geo.province.pk}&year=2025",
    ):
        text = _freshness(client.get(url).content.decode())
        assert re.search(r"Số liệu lập lúc \d\d:\d\d \d\d/\d\d/\d{4} \(vừa xong\)", text), text
        assert "tự lập lại khi có số liệu mới" in text
