"""Evaluation rounds of 26/2026 (regime `rounds`, Điều 5): records created for a year from the
data, dossiers filed into a round, and what is late (a deadline passed with dossiers not proposed
or not decided) on the OCOP home page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from tamnong.ocop import services
from tamnong.ocop.models import Dossier, EvaluationRound
from tamnong.testing.ocop import (
    answers,
    install_synthetic_both,
    login,
    producer_and_product,
    registration_file,
)

from . import regime26

D = dt.date


@pytest.fixture
def r26(db, monkeypatch):
    return regime26.load(monkeypatch)


def _rows(rounds):
    return [
        (r.level, r.number, r.proposals_before, r.decided_before, r.article)
        for r in sorted(rounds, key=lambda r: (r.level != "province", r.number))
    ]


def test_the_rounds_of_a_year_come_from_the_data(geo, personas, r26):
    created = services.create_rounds(personas.coordinator, geo.province, 2027)
    assert _rows(created) == [
        ("province", 1, D(2027, 4, 30), D(2027, 6, 30), "Điều 5.1"),
        ("province", 2, D(2027, 10, 30), D(2027, 12, 30), "Điều 5.1"),
        ("central", 1, D(2027, 7, 30), D(2027, 9, 30), "Điều 5.2"),
        ("central", 2, D(2028, 1, 30), D(2028, 3, 30), "Điều 5.2"),
    ]
    assert all(r.regime == r26 and r.division == geo.province for r in created)
    assert services.create_rounds(personas.coordinator, geo.province, 2027) == []
    assert EvaluationRound.objects.count() == 4


def test_no_rounds_under_a_regime_without_them(geo, personas, r26):
    with pytest.raises(ValidationError) as exc:
        services.create_rounds(personas.coordinator, geo.province, 2024)
    assert "đợt đánh giá" in str(exc.value)
    assert not EvaluationRound.objects.exists()


def test_only_province_staff_create_rounds(geo, personas, r26):
    for user in (personas.alice, personas.outsider, personas.producer):
        with pytest.raises(PermissionDenied):
            services.create_rounds(user, geo.province, 2027)


@pytest.fixture
def filed(geo, personas, r26):
    install_synthetic_both()
    _p, product = producer_and_product(geo, personas)
    dossier = services.open_dossier(personas.producer, product, registered_on=D(2027, 3, 1))
    services.save_self_assessment(personas.producer, dossier, answers())
    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, dossier, on=D(2027, 3, 2))
    rounds = {
        (r.level, r.number): r
        for r in services.create_rounds(personas.coordinator, geo.province, 2027)
    }
    services.file_into_round(personas.coordinator, dossier, rounds[("province", 1)])
    dossier.refresh_from_db()
    return dossier, rounds


def test_a_dossier_is_filed_into_a_round_of_its_province(filed, geo, personas):
    dossier, rounds = filed
    assert dossier.round == rounds[("province", 1)]
    other = services.create_rounds(personas.outsider, geo.other_province, 2027)
    with pytest.raises(ValidationError):
        services.file_into_round(personas.admin, dossier, other[0])
    with pytest.raises(PermissionDenied):
        services.file_into_round(personas.alice, dossier, rounds[("province", 2)])


def test_a_round_is_late_when_its_proposal_deadline_passed_with_dossiers_not_proposed(
    filed, personas
):
    dossier, rounds = filed
    assert services.late_rounds(personas.coordinator, today=D(2027, 4, 29)) == []
    [late] = services.late_rounds(personas.coordinator, today=D(2027, 4, 30))
    assert late.round == rounds[("province", 1)]
    assert late.not_proposed == [dossier] and late.not_decided == []
    # the commune proposes it: not late until the decision deadline
    services.commune_assess(
        personas.alice, dossier, answers={"1.b": 10}, report="Đạt.", on=D(2027, 4, 29)
    )
    assert services.late_rounds(personas.coordinator, today=D(2027, 6, 29)) == []
    [late] = services.late_rounds(personas.coordinator, today=D(2027, 6, 30))
    assert late.not_proposed == [] and late.not_decided == [dossier]
    Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.RECOGNISED)
    assert services.late_rounds(personas.coordinator, today=D(2027, 7, 1)) == []


def test_a_central_round_is_late_while_the_ministry_has_not_decided(filed, personas):
    dossier, rounds = filed
    Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.FORWARDED_CENTRAL, stars=5)
    dossier.refresh_from_db()
    services.file_into_round(personas.coordinator, dossier, rounds[("central", 1)])
    dossier.refresh_from_db()
    assert dossier.central_round == rounds[("central", 1)]
    late = services.late_rounds(personas.coordinator, today=D(2027, 9, 30))
    assert [(x.round, x.not_decided) for x in late] == [(rounds[("central", 1)], [dossier])]
    assert services.late_rounds(personas.outsider, today=D(2027, 9, 30)) == []


def test_the_command_creates_the_rounds_of_a_year(geo, r26, capsys):
    call_command("ocop_rounds", "--province", "01", "--year", "2027")
    assert EvaluationRound.objects.filter(division=geo.province, year=2027).count() == 4
    call_command("ocop_rounds", "--province", "01", "--year", "2027")
    assert "0" in capsys.readouterr().out.splitlines()[-1]


def test_the_page_creates_rounds_and_the_home_page_shows_what_is_late(
    filed, geo, personas, client, monkeypatch
):
    from django.utils import timezone

    dossier, rounds = filed
    c = login(client, personas.coordinator)
    r = c.post("/ocop/dot-danh-gia/", {"year": "2028", "province": geo.province.pk})
    assert r.status_code == 302
    assert EvaluationRound.objects.filter(year=2028).count() == 4
    bad = c.post("/ocop/dot-danh-gia/", {"year": "hai nghìn", "province": geo.province.pk})
    assert bad.status_code == 400 and "Năm" in bad.content.decode()
    page = c.get("/ocop/dot-danh-gia/").content.decode()
    assert "30/04/2027" in page and "Điều 5.1" in page
    monkeypatch.setattr(timezone, "localdate", lambda *a: D(2027, 5, 2))
    home = c.get("/ocop/").content.decode()
    assert 'class="late"' in home and "chưa được đề nghị" in home
    detail = c.get(f"/ocop/dot-danh-gia/{rounds[('province', 1)].pk}/").content.decode()
    assert str(dossier.product) in detail
    assert "Đợt 1/2027" in c.get(f"/ocop/ho-so/{dossier.pk}/").content.decode()
    denied = login(client, personas.alice).post(
        "/ocop/dot-danh-gia/", {"year": "2029", "province": geo.province.pk}
    )
    assert denied.status_code == 403


def test_the_api_lists_the_rounds_in_scope_with_what_is_late(filed, personas, client):
    c = login(client, personas.coordinator)
    data = c.get("/api/v1/ocop/rounds", {"today": "2027-05-02"}).json()["items"]
    assert len(data) == 4
    first = next(r for r in data if r["level"] == "province" and r["number"] == 1)
    assert first["proposals_before"] == "2027-04-30" and first["late"] is True
    assert first["not_proposed"] == [filed[0].pk]
    assert login(client, personas.outsider).get("/api/v1/ocop/rounds").json()["items"] == []
