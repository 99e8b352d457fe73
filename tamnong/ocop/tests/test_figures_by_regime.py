"""OCOP figures split by regime when the period spans two (QĐ 26/2026 from 22/05/2026): each
result is counted under the regime it was judged by, in `figures`, `tamnong report ocop`, the
figures page and the summary report."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from tamnong.ocop import figures, services
from tamnong.reports.summary import Period, build_summary
from tamnong.testing.ocop import install_synthetic, quick_certificate


@pytest.fixture
def results(geo, personas):
    """One result per regime, and a 148 result certified after 22/05/2026 (transition)."""
    install_synthetic()
    producer = services.create_producer(
        personas.alice, division=geo.commune_a, name="HTX Chè", kind="cooperative", code="P-1"
    )
    made = {}
    for name, day, stars, regime in [
        ("1048", dt.date(2022, 3, 1), 3, "qd1048"),
        ("148", dt.date(2024, 3, 1), 4, "qd148"),
        ("1489", dt.date(2025, 9, 1), 3, "qd148-1489"),
        ("1489-transition", dt.date(2026, 7, 1), 4, "qd148-1489"),
        ("26a", dt.date(2026, 9, 1), 3, "qd26-2026"),
        ("26b", dt.date(2026, 10, 1), 4, "qd26-2026"),
    ]:
        product = services.create_product(personas.producer, producer, name=name, set_no=1)
        made[name] = quick_certificate(product, day, stars=stars, number=name, regime_key=regime)
    return made


def rows(data) -> dict:
    return {r["key"]: r for r in data["by_regime"]}


def test_a_period_across_two_regimes_counts_each_result_under_its_own(results, geo):
    data = figures.figures(
        None, division=geo.province, on=dt.date(2026, 12, 1), since=dt.date(2025, 7, 6)
    )
    assert data["split_by_regime"] is True
    by = rows(data)
    assert list(by) == ["qd148-1489", "qd26-2026"]
    # the transition result certified on 01/07/2026 stays under 148/1489
    assert by["qd148-1489"]["newly_certified"] == {"total": 2, "by_stars": {"3": 1, "4": 1}}
    assert by["qd26-2026"]["newly_certified"] == {"total": 2, "by_stars": {"3": 1, "4": 1}}
    assert by["qd26-2026"]["decisions"] == "26/2026/QĐ-TTg"
    assert data["newly_certified"]["total"] == 4


def test_a_period_within_one_regime_is_not_split(results, geo):
    data = figures.figures(
        None, division=geo.province, on=dt.date(2026, 12, 1), since=dt.date(2026, 8, 1)
    )
    assert data["split_by_regime"] is False
    assert [r["key"] for r in data["by_regime"]] == ["qd26-2026"]
    # from 01/06/2026 the 148 transition result of 01/07/2026 makes a second row
    data = figures.figures(
        None, division=geo.province, on=dt.date(2026, 12, 1), since=dt.date(2026, 6, 1)
    )
    assert rows(data)["qd148-1489"]["newly_certified"]["total"] == 1


def test_2021_to_2026_counts_each_result_under_its_own_regime(results, geo):
    data = figures.figures(
        None, division=geo.province, on=dt.date(2026, 12, 31), since=dt.date(2021, 1, 1)
    )
    totals = {k: r["newly_certified"]["total"] for k, r in rows(data).items()}
    assert totals == {"qd1048": 1, "qd148": 1, "qd148-1489": 2, "qd26-2026": 2}


def test_the_cli_reports_the_split(results, geo, capsys):
    call_command(
        "report_ocop",
        "--division",
        geo.province.code,
        "--date",
        "2026-12-01",
        "--since",
        "2025-07-06",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["split_by_regime"] is True
    assert {r["key"]: r["newly_certified"]["total"] for r in data["by_regime"]} == {
        "qd148-1489": 2,
        "qd26-2026": 2,
    }


def test_the_figures_page_shows_the_split(results, geo, personas, client):
    client.force_login(personas.coordinator)
    page = client.get(
        "/ocop/so-lieu/",
        {"division": geo.province.code, "since": "2025-07-06", "date": "2026-12-01"},
    ).content.decode()
    table = page.split('id="by-regime"')[1].split("</table>")[0]
    assert 'data-regime="qd148-1489"' in table and 'data-regime="qd26-2026"' in table
    assert "26/2026/QĐ-TTg" in table


def test_a_bad_start_of_period_is_a_vietnamese_error(results, geo, personas, client):
    client.force_login(personas.coordinator)
    page = client.get("/ocop/so-lieu/", {"division": geo.province.code, "since": "2026-13-01"})
    assert page.status_code == 400 and "Ngày đầu kỳ không hợp lệ" in page.content.decode()


def test_the_summary_report_splits_the_ocop_results_by_regime(results, geo, personas, monkeypatch):
    monkeypatch.setattr("tamnong.reports.sections.ocop._today", lambda: dt.date(2026, 12, 31))
    report = build_summary(personas.coordinator, geo.province, Period.parse("2025-2026"))
    section = next(s for s in report.sections if s.key == "ocop")
    table = next(t for t in section.tables if "chế độ đánh giá" in t.title)
    cells = {row[0]: [getattr(c, "text", c) for c in row[1:]] for row in table.rows}
    assert "26/2026/QĐ-TTg" in cells and "148/QĐ-TTg, 1489/QĐ-TTg" in cells
    assert str(cells["26/2026/QĐ-TTg"][0]) == "2"
    assert str(cells["148/QĐ-TTg, 1489/QĐ-TTg"][0]) == "2"
