"""Single-record edits keep figures and transitions current; scoping of pages and API."""

import datetime as dt
import json

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.conftest import PASSWORD
from tamnong.demo.registry import DemoContext
from tamnong.poverty import figures, services
from tamnong.poverty.demo import households as demo_households
from tamnong.poverty.importing import import_file
from tamnong.poverty.models import (
    Household,
    PovertyFigure,
    ReviewRecord,
    SponsorTarget,
    SponsorUnit,
)
from tamnong.poverty.models import Transition as T
from tamnong.testing.poverty import row, write_xlsx


@pytest.fixture
def loaded(geo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    rows = [
        row("A-1", year=2024, deprived="1,2,3"),
        row("A-1", year=2025, deprived="1,2,3"),
        row("A-2", year=2025, income=3_000_000),
        row("C-1", year=2025, commune="10003", deprived="4,5,6,7"),
    ]
    assert import_file(write_xlsx(tmp_path / "x.xlsx", rows), user=SYSTEM).ok
    return geo


def test_an_edit_updates_the_figures_and_the_transition(loaded, personas):
    before = services.commune_poverty_rate(loaded.commune_a, 2025)
    assert before["poor"] == 1
    hh = Household.objects.get(code="A-1")
    services.save_review(personas.alice, hh, 2025, services.ReviewInput(3_000_000, 4, set()))
    after = services.commune_poverty_rate(loaded.commune_a, 2025)
    assert after["poor"] == 0 and after["households"] == 2
    assert ReviewRecord.objects.get(household=hh, year=2025).transition == T.ESCAPED
    kept = sorted(PovertyFigure.objects.values_list("division", "year", "area", "households",
                                                    "poor", "near_poor", "poor_deprived",
                                                    "transitions"))  # fmt: skip
    figures.rebuild([2024, 2025])
    rebuilt = sorted(PovertyFigure.objects.values_list("division", "year", "area", "households",
                                                       "poor", "near_poor", "poor_deprived",
                                                       "transitions"))  # fmt: skip
    assert kept == rebuilt


def test_an_edit_of_an_earlier_year_moves_the_next_years_transition(loaded, personas):
    hh = Household.objects.get(code="A-1")
    services.save_review(personas.alice, hh, 2024, services.ReviewInput(3_000_000, 4, set()))
    assert ReviewRecord.objects.get(household=hh, year=2025).transition == T.NEW_POOR
    fig = services.report(personas.alice, loaded.commune_a, 2025)["figures"]
    assert fig["transitions"].get(T.NEW_POOR) == 1 and T.STAY_POOR not in fig["transitions"]


def test_changes_after_recognition_are_recorded_as_arising(loaded, personas):
    rnd = services.get_round(loaded.commune_a, 2025)
    for i, step in enumerate(("listed", "surveyed", "meeting", "posted", "recognised")):
        services.advance_round(personas.alice, rnd, step, dt.date(2025, 10, 1 + i), "15/QĐ")
    hh = Household.objects.get(code="A-2")
    with pytest.raises(services.ReviewError):
        services.save_review(personas.alice, hh, 2025, services.ReviewInput(900_000, 4, {1}))
    services.save_review(
        personas.alice, hh, 2025, services.ReviewInput(900_000, 4, {1}, arising_reason="ốm nặng")
    )
    rec = ReviewRecord.objects.get(household=hh, year=2025)
    assert rec.arising and rec.arising_reason == "ốm nặng" and rec.classification == "near_poor"


def test_round_steps_go_in_order(loaded, personas):
    rnd = services.get_round(loaded.commune_a, 2025)
    with pytest.raises(services.ReviewError):
        services.advance_round(personas.alice, rnd, "posted", dt.date(2025, 10, 1))
    with pytest.raises(services.PermissionDenied):
        services.advance_round(personas.bob, rnd, "listed", dt.date(2025, 10, 1))


def test_a_commune_officer_cannot_edit_another_communes_household(loaded, personas):
    hh = Household.objects.get(code="C-1")
    with pytest.raises(services.PermissionDenied):
        services.save_review(personas.alice, hh, 2025, services.ReviewInput(1, 1, set()))


def test_pages_and_api_are_scoped(loaded, personas, client):
    client.login(username="alice", password=PASSWORD)
    assert client.get("/poverty/ho/A-1/").status_code == 200
    assert client.get("/poverty/ho/C-1/").status_code == 404
    assert client.get("/api/v1/poverty/households/C-1").status_code == 404
    listed = client.get("/api/v1/poverty/households").json()
    assert {h["code"] for h in listed["items"]} == {"A-1", "A-2"}
    assert client.get("/api/v1/poverty/figures?year=2025&division=10003").status_code == 403
    r = client.put(
        "/api/v1/poverty/households/C-1/reviews/2025",
        data=json.dumps({"income": 1, "members": 1}),
        content_type="application/json",
    )
    assert r.status_code == 404  # a household outside the scope is hidden (access.lookups)
    r = client.get("/api/v1/poverty/figures?year=2025&division=10001")
    assert r.status_code == 200
    body = r.json()
    assert body["figures"]["poor"] == 1 and body["figures"]["poor_rate_text"] == "50,00%"
    page = client.get("/poverty/?division=10001&year=2025")
    assert page.status_code == 200 and "50,00%" in page.content.decode()


def test_the_api_edit_validates_and_updates(loaded, personas, client):
    client.login(username="alice", password=PASSWORD)
    url = "/api/v1/poverty/households/A-2/reviews/2025"
    bad = client.put(url, data=json.dumps({"income": -1, "members": 1}),
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    ok = client.put(url, data=json.dumps({"income": 1_000_000, "members": 4, "deprived": [1, 2, 3]}),
                    content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["classification"] == "poor"
    assert services.commune_poverty_rate(loaded.commune_a, 2025)["poor"] == 2


def test_the_contract_function_covers_old_units_and_reports_none_without_records(loaded):
    assert services.commune_poverty_rate(loaded.commune_a, 2030) is None
    prov = services.commune_poverty_rate(loaded.province, 2025)
    assert prov == {
        "households": 3, "poor": 2, "near_poor": 0,
        "poor_rate": prov["poor_rate"], "standard": "07/2021/NĐ-CP",
    }  # fmt: skip
    assert str(prov["poor_rate"]) == "66.67"


def test_the_figures_changed_signal_is_sent_on_an_edit(
    loaded, personas, django_capture_on_commit_callbacks
):
    from tamnong.core.signals import figures_changed

    seen = []

    def listener(sender, source, division, year, **kw):
        seen.append((source, division.code, year))

    figures_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.save_review(
                personas.alice, Household.objects.get(code="A-2"), 2025,
                services.ReviewInput(900_000, 4, set()),
            )  # fmt: skip
    finally:
        figures_changed.disconnect(listener)
    assert ("poverty", "10001", 2025) in seen


def test_support_sponsorship_and_sustainable_escape(loaded, personas, tmp_path):
    hh = Household.objects.get(code="A-1")
    services.add_support(personas.alice, hh, year=2025, kind="house_repair", amount=40_000_000,
                         funding_source="Quỹ Vì người nghèo")  # fmt: skip
    unit = SponsorUnit.objects.create(name="Sở Tài chính", division=loaded.province)
    SponsorTarget.objects.create(unit=unit, year=2025, households_to_escape=3)
    services.assign_sponsor(personas.coordinator, unit, hh, 2024)
    services.save_review(personas.alice, hh, 2025, services.ReviewInput(3_000_000, 4, set()))
    totals = services.support_totals(personas.alice, loaded.commune_a, 2025)
    assert totals["support"]["house_repair"]["count"] == 1
    assert totals["support_amount"] == 40_000_000
    assert totals["sponsors"] == [
        {"name": "Sở Tài chính", "households": 1, "escaped": 1, "target": 3}
    ]
    assert totals["escaped_sustainably"]["escaped"] == 1
    # poor again in 2026: no longer a sustainable escape
    services.save_review(personas.alice, hh, 2026, services.ReviewInput(1_000_000, 4, {1, 2, 3}))
    esc = services.escaped_sustainably(loaded.commune_a, 2025)
    assert esc == {"escaped": 1, "sustained": 0, "observed_years": [2026]}
    assert ReviewRecord.objects.get(household=hh, year=2026).transition == T.RE_POOR


def test_the_demo_step_builds_households_with_four_years(geo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    ctx = DemoContext(province=geo.province, seed=7, households=60, say=lambda m: None, users={})
    demo_households(ctx)
    assert Household.objects.count() == 60
    assert ReviewRecord.objects.count() == 240
    years = set(ReviewRecord.objects.values_list("year", flat=True))
    assert years == {2022, 2023, 2024, 2025}
    assert ReviewRecord.objects.exclude(transition=T.FIRST).filter(year=2022).count() == 0
    assert ReviewRecord.objects.exclude(transition=T.FIRST).count() == 180
    first = sorted(ReviewRecord.objects.values_list("household__code", "year", "income"))
    Household.objects.all().delete()
    demo_households(ctx)
    assert sorted(ReviewRecord.objects.values_list("household__code", "year", "income")) == first


def test_the_rounds_page_and_the_commune_year_link_answer(loaded, personas, client):
    """Issue 11, defect 1: vn_date got a string and /poverty/ra-soat/ answered 500."""
    rnd = services.get_round(loaded.commune_a, 2025)
    services.advance_round(personas.alice, rnd, "listed", dt.date(2025, 10, 1))
    client.login(username="alice", password=PASSWORD)
    assert client.get("/poverty/ra-soat/").status_code == 200
    assert client.get("/poverty/ra-soat/?division=10001&year=2026").status_code == 200
    assert client.get("/poverty/?division=10001&year=2026").status_code == 200
