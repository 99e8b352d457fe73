"""The national roll-up: each province's row is its own summary report's figures, and the
country's totals are their sums, with two provinces loaded through the modules' own paths
(household import, the NTM demo step, OCOP certificates)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tamnong.access.actors import SYSTEM
from tamnong.accounts.models import Role
from tamnong.reports.national import build_national
from tamnong.reports.sections.poverty import _rate
from tamnong.reports.summary import Figure, Period, build_summary
from tamnong.testing.poverty import row, write_xlsx  # noqa: F401
from tamnong.testing.reports import YEAR, national


def report_figures(user, division) -> dict:
    """The headline figures as the province's own summary report states them."""
    report = build_summary(user, division, Period(YEAR, YEAR))
    sections = {s.key: s for s in report.sections}

    def figures(key: str, paragraph: int = 0) -> list:
        return [p.value for p in sections[key].paragraphs[paragraph] if isinstance(p, Figure)]

    households, poor, poor_rate, near, near_rate = figures("poverty")[:5]
    valid, *by_stars = figures("ocop")
    ntm = next(
        para
        for para in sections["ntm"].paragraphs
        if str(para[0]).startswith(f"Đến hết năm {YEAR}, ")
    )
    recognised, communes = [p.value for p in ntm if isinstance(p, Figure)][:2]
    return {
        "households": households,
        "poor": poor,
        "poor_rate": poor_rate,
        "near_poor": near,
        "near_poor_rate": near_rate,
        "ocop_valid": valid,
        "ocop_stars_total": sum(by_stars[: len(by_stars) - 1]),  # the last is the producers
        "ntm_communes": recognised,
        "communes": communes,
    }


def test_national_totals_are_the_sum_of_each_provinces_report(country, personas):
    leader = national("lanhdaotw", Role.NATIONAL_LEADER)
    data = build_national(leader, Period(YEAR, YEAR))
    rows = {p.division.code: p for p in data.provinces}
    assert set(rows) >= {"01", "09"}
    reports = {
        "01": report_figures(personas.coordinator, country.province),
        "09": report_figures(personas.outsider, country.other_province),
    }
    for code, fig in reports.items():
        r = rows[code]
        assert (r.households, r.poor, r.near_poor) == (
            fig["households"],
            fig["poor"],
            fig["near_poor"],
        )
        assert r.poor_rate == fig["poor_rate"] and r.near_poor_rate == fig["near_poor_rate"]
        assert r.ocop_valid == fig["ocop_valid"] == sum(r.ocop_by_stars.values())
        assert (r.ntm_communes, r.communes) == (fig["ntm_communes"], fig["communes"])
    assert reports["01"]["households"] == 5 and reports["09"]["households"] == 3
    assert rows["01"].ocop_by_stars == {3: 1, 4: 2, 5: 0}
    assert rows["09"].ocop_by_stars == {3: 1, 4: 0, 5: 1}

    total = data.total
    assert total.households == sum(f["households"] for f in reports.values()) == 8
    assert total.poor == sum(f["poor"] for f in reports.values())
    assert total.near_poor == sum(f["near_poor"] for f in reports.values())
    assert total.poor_rate == _rate(total.poor, total.households)
    assert isinstance(total.poor_rate, Decimal)
    assert total.ocop_valid == sum(f["ocop_valid"] for f in reports.values()) == 5
    assert total.ocop_by_stars == {5: 1, 4: 2, 3: 2}
    assert total.ntm_communes == sum(f["ntm_communes"] for f in reports.values())
    assert total.communes == sum(f["communes"] for f in reports.values())
    assert total.poor > 0 and total.ntm_communes == 2  # figures that can differ, not zeros
    assert total.ntm_share == Decimal("66.67")


@pytest.mark.parametrize("persona", ["coordinator", "leader", "outsider", "alice"])
def test_a_provincial_member_cannot_read_the_national_report(persona, personas, client):
    user = getattr(personas, persona)
    with pytest.raises(PermissionDenied):
        build_national(user, Period(YEAR, YEAR))
    client.force_login(user)
    for name in ("reports:national_dashboard", "reports:national_summary"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", [Role.NATIONAL_LEADER, Role.NATIONAL_COORDINATOR])
def test_the_national_pages_rank_provinces_in_vietnamese(role, country, client):
    client.force_login(national("tw", role))
    home = client.get(reverse("core:home"))  # the membership without a division on the home page
    assert (
        home.status_code == 200 and reverse("reports:national_dashboard") in home.content.decode()
    )
    page = client.get(reverse("reports:national_summary"), {"period": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tỉnh Mới" in html and "Tỉnh Khác" in html and "Toàn quốc" in html
    assert "<script>" not in html and "style=" not in html  # strict CSP
    dash = client.get(reverse("reports:national_dashboard"), {"year": YEAR})
    assert dash.status_code == 200
    body = dash.content.decode()
    assert 'id="chart-national-poverty"' in body and 'id="chart-national-ocop"' in body
    assert "<script>" not in body and "style=" not in body
    data = client.get(
        reverse("reports:national_summary"), {"period": YEAR, "format": "json"}
    ).json()
    assert data["total"]["poverty"]["households"] == 8
    assert data["total"]["ocop"]["by_stars"] == {"5": 1, "4": 2, "3": 2}
    csv = client.get(
        reverse("reports:national_dashboard"), {"year": YEAR, "download": "national-ocop"}
    )
    assert csv.status_code == 200 and "Tỉnh Khác" in csv.content.decode()


def test_figures_are_written_the_vietnamese_way(country):
    from tamnong.reports.national import comparison_table

    data = build_national(SYSTEM, Period(YEAR, YEAR))
    texts = [c.text for c in comparison_table(data).rows[-1] if isinstance(c, Figure)]
    assert texts[0] == "Toàn quốc" and texts[1] == "8"
    assert all("." not in t or "," not in t for t in texts)
    assert texts[3].endswith("%") and "," in texts[3]


def test_the_central_decisions_page_lists_what_waits_for_the_central_level(geo, personas, client):
    from tamnong.ntm.models import Dossier as NtmDossier

    waiting = NtmDossier.objects.create(
        division=geo.old_province_1,
        kind="province_completed",
        year=2024,
        state="appraisal",
        self_assessed_on=dt.date(2024, 9, 1),
    )
    own = NtmDossier.objects.create(
        division=geo.commune_a,
        kind="commune_ntm",
        year=2025,
        state="appraisal",
        self_assessed_on=dt.date(2025, 9, 1),
    )
    client.force_login(national("vpdptw", Role.NATIONAL_COORDINATOR))
    page = client.get(reverse("reports:national_decisions"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("ntm:dossier", args=[waiting.pk]) in html  # the Prime Minister's decision
    assert reverse("ntm:dossier", args=[own.pk]) not in html  # the province's own
    assert (
        "Ghi quyết định" in html
        and reverse("ntm:recognitions", args=[geo.other_province.pk]) in html
    )
    index = client.get(reverse("reports:index")).content.decode()
    assert 'id="national-dashboard"' in index
    client.force_login(personas.coordinator)
    assert client.get(reverse("reports:national_decisions")).status_code == 403
    assert 'id="national-dashboard"' not in client.get(reverse("reports:index")).content.decode()


def test_the_one_pass_roll_up_equals_each_provinces_own_figures(
    country, personas, django_assert_max_num_queries
):
    """`build_national` reads every province together (a few grouped queries, one NTM standing of
    every xã); each row is still what `province_figures` — the province's own report helpers —
    states, over one year, a five-year period and the next year."""
    from tamnong.ocop.models import Certificate, public_id
    from tamnong.reports.national import province_figures, provinces

    leader = national("lanhdaotw", Role.NATIONAL_LEADER)

    def both(period):
        with django_assert_max_num_queries(20):  # whatever the number of provinces
            fast = {p.division.pk: p.as_dict() for p in build_national(leader, period).provinces}
        slow = {d.pk: province_figures(leader, d, period).as_dict() for d in provinces()}
        return fast, slow

    from tamnong.ntm.services.recognition import record_historical

    # an old commune recognised before the 2025 map: the commune it became keeps the level
    record_historical(
        personas.coordinator,
        country.old_commune_chau,
        "commune_ntm",
        2023,
        number="3/QĐ-UBND",
        signed_on=dt.date(2023, 12, 1),
        issuer="UBND huyện",
    )
    for period in (
        Period(YEAR, YEAR),
        Period(2021, 2025),
        Period(2023, 2024),  # the old map's communes at the end of 2024
        Period(YEAR + 1, YEAR + 1),
    ):
        fast, slow = both(period)
        assert fast == slow, period
    assert fast[country.province.pk]["ntm"]["communes_recognised"] == 2
    fast, _slow = both(Period(YEAR, YEAR))
    here, there = fast[country.province.pk], fast[country.other_province.pk]
    assert here["poverty"]["households"] == 5 and there["poverty"]["households"] == 3
    assert here["ocop"]["by_stars"] == {"3": 1, "4": 2, "5": 0}
    assert here["ntm"]["communes_recognised"] == 2 and there["ntm"]["communes_recognised"] == 1
    assert here["ntm"]["communes"] + there["ntm"]["communes"] == 3
    fast, _slow = both(Period(2024, 2024))
    assert fast[country.province.pk]["ntm"]["communes_recognised"] == 1  # the old commune

    # a product in force under two star ranks at once (two certificates, neither replacing the
    # other): the province is read as `figures` reads it, one product counted once
    cert = Certificate.objects.filter(division__path__startswith=country.other_province.path)[0]
    cert.pk, cert.number, cert.public_id, cert.stars = None, "C-dup", public_id(), 4
    cert.save()
    fast, slow = both(Period(YEAR, YEAR))
    assert fast == slow
    assert fast[country.other_province.pk]["ocop"]["valid_products"] == 2


def test_the_stored_ntm_counts_are_rebuilt_when_a_recognition_commits(
    country, personas, django_capture_on_commit_callbacks
):
    """`refresh()` stores each province's NTM counts per year (`ntm.rollup`); the roll-up reads
    them, and a recognition recorded later rebuilds its province's rows once it commits (until
    then its own transaction reads the counts computed afresh)."""
    from tamnong.ntm import rollup
    from tamnong.ntm.models import StandingCount
    from tamnong.ntm.services.recognition import record_historical
    from tamnong.reports.national import province_figures, provinces, refresh

    leader = national("lanhdaotw", Role.NATIONAL_LEADER)
    rollup._pending().clear()  # the fixture's writes count as committed before
    refresh()
    assert StandingCount.objects.filter(year=YEAR).count() == len(provinces())
    assert rollup.stored(YEAR, provinces()) is not None

    def check(period) -> dict:
        fast = {p.division.pk: p.as_dict() for p in build_national(leader, period).provinces}
        slow = {d.pk: province_figures(leader, d, period).as_dict() for d in provinces()}
        assert fast == slow, period
        return fast[country.province.pk]["ntm"]

    assert check(Period(YEAR, YEAR))["communes_recognised"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        record_historical(
            personas.coordinator,
            country.commune_c,
            "commune_ntm",
            YEAR,
            number="15/QĐ-UBND",
            signed_on=dt.date(2025, 12, 2),
            issuer="UBND tỉnh",
        )
        assert rollup.stored(YEAR, provinces()) is None  # this transaction's own change
        assert check(Period(YEAR, YEAR))["communes_recognised"] == 2
    assert rollup.stored(YEAR, provinces()) is not None
    assert StandingCount.objects.get(division=country.province, year=YEAR).recognised == 2
    assert check(Period(YEAR, YEAR))["communes_recognised"] == 2
    assert check(Period(YEAR + 1, YEAR + 1))["communes_recognised"] == 2


def test_migrate_stores_the_ntm_counts_by_the_content_of_the_levels_data(country):
    """A new deployment (`migrate` on a database whose rows were counted by other levels data, or
    with none) stores every province's rows at once; the rows are marked by the manifest's
    content, so a new checkout of the same data (another file time) keeps them."""
    import os

    from tamnong.ntm import rollup
    from tamnong.ntm.levels import manifest_path
    from tamnong.ntm.models import StandingCount
    from tamnong.reports.national import provinces

    StandingCount.objects.all().delete()
    rollup.after_migrate(None)
    assert rollup.stored(YEAR, provinces()) is not None
    mark = rollup.stamp()
    path = manifest_path()
    st = path.stat()
    try:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        assert rollup.stamp() == mark
    finally:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    StandingCount.objects.update(stamp="other levels data")
    assert rollup.stored(YEAR, provinces()) is None
    rollup.after_migrate(None)
    assert rollup.stored(YEAR, provinces()) is not None
