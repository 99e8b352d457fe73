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


def test_the_latest_year_is_read_once_until_the_data_change(
    demo, settings, django_assert_num_queries
):
    """The screens that open on the latest year ask for it on every view: it is kept per scope
    until a programme's data change, not read again from every programme's records."""
    from tamnong.core import datacache
    from tamnong.reports.scopeyears import latest_year

    settings.DATA_CACHE_SECONDS = 600
    datacache._pending().clear()  # the demo's writes, as if committed before
    user = demo.users["dieuphoi"]
    first = latest_year(user)
    with django_assert_num_queries(1):  # the programmes' versions only
        assert latest_year(user) == first
    datacache.changed("ntm")
    datacache._publish()  # a change to NTM committed: every programme's records are read again
    with django_assert_num_queries(5):
        assert latest_year(user) == first
