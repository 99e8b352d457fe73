"""The report pages look like the others (issue 11, look and feel): breadcrumbs, one title/action
bar, the year shown, sortable tables and counts."""

import re

from django.urls import reverse


def _crumbs(page: str) -> list[str]:
    nav = re.search(r'(?s)<nav class="crumbs".*?</nav>', page)
    assert nav, "no breadcrumbs"
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"(?s)<li.*?</li>", nav[0])]


def test_the_reports_index_has_a_title_bar_and_counts_every_kind_of_record(client, personas, geo):
    from tamnong.reports.models import FundingRecord

    client.force_login(personas.admin)
    page = client.get(reverse("reports:index")).content.decode()
    assert _crumbs(page) == ["Trang chủ", "Báo cáo"]
    assert re.search(r'(?s)<div class="page-head"><h1>Báo cáo tổng kết</h1>.*?action-bar', page)
    table = re.search(r'(?s)<table class="sortable" id="report-kinds">.*?</table>', page)[0]
    n = FundingRecord.objects.count()
    assert re.search(rf'Nguồn vốn</a></td><td class="num">{n}</td>', table), table
    # every field of the form has a label
    for field in ("report-division", "report-period", "report-format"):
        assert f'<label for="{field}">' in page


def test_the_dashboard_and_the_summary_have_breadcrumbs_and_a_title_bar(client, personas, geo):
    client.force_login(personas.leader)
    for url, here in (
        (f"{reverse('reports:dashboard')}?division={geo.province.pk}&year=2025", "Bảng điều khiển"),
        (
            f"{reverse('reports:summary')}?division={geo.province.pk}&period=2025",
            "Báo cáo tổng kết",
        ),
    ):
        page = client.get(url).content.decode()
        assert _crumbs(page) == ["Trang chủ", "Báo cáo", here], url
        head = re.search(
            r'(?s)<div class="page-head">.*?<p class="sub" id="year-shown">(.*?)</p>', page
        )
        assert head and "2025" in head[1], url
        assert "In trang" in head[0]
    assert 'class="toc"' in page and 'class="figures sortable"' in page


def test_the_poverty_page_has_its_actions_in_the_title_bar(client, personas, geo):
    client.force_login(personas.alice)
    page = client.get(reverse("poverty:index")).content.decode()
    assert _crumbs(page) == ["Trang chủ", "Giảm nghèo"]
    bar = re.search(r'(?s)<div class="page-head">.*?</div>', page)[0]
    assert "Danh sách hộ" in bar and "Kỳ rà soát" in bar
