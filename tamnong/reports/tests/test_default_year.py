"""Issue 11, defect 8: screens open on the latest year that has records in the user's scope and
say which year is shown."""

import pytest


@pytest.mark.parametrize(
    "url",
    ["/reports/dashboard/", "/reports/summary/", "/poverty/"],
    ids=["dashboard", "summary", "poverty"],
)
def test_a_screen_opens_on_the_latest_year_with_records(demo, client, url):  # noqa: F811
    from tamnong.poverty.models import ReviewRecord
    from tamnong.reports.scopeyears import latest_year

    user = demo.users["dieuphoi"]
    client.force_login(user)
    latest = latest_year(user)
    assert latest == 2026  # NTM assessments of 2026 in the demo
    if url == "/poverty/":
        years = list(ReviewRecord.objects.values_list("year", flat=True))
        latest = latest_year(user, ("poverty",))
        assert latest == (max(years) if years else 2026)
    body = client.get(url).content.decode()
    assert f"năm gần nhất có số liệu: {latest}" in body, url
