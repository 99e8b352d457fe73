"""Decision 26/2026/QĐ-TTg in force, with its transition (Điều 4, 11, 12): the regime chosen by
filing date, 148 dossiers finished within 60/30 days, the late re-evaluation's 180-day extension,
no certificate below 3★. Fixed dates throughout."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tamnong.ocop import rules, services, transition
from tamnong.ocop.models import Certificate, CriteriaSet, Dossier, Regime
from tamnong.rules import load as load_rules
from tamnong.testing.ocop import (
    answers,
    council,
    forwarded_dossier,
    install_synthetic,
    producer_and_product,
    quick_certificate,
)

D26 = "26/2026/QĐ-TTg"
IN_FORCE = dt.date(2026, 5, 22)


@pytest.fixture
def product(geo, personas):
    install_synthetic()  # the 148 version of the synthetic set…
    install_synthetic(decision=D26, decision_date="2026-05-22")  # …and its 26/2026 version
    _producer, product = producer_and_product(geo, personas)
    return product


def scored(geo, personas, dossier, held_on, c=20, prefix="m"):
    session, members = council(geo, personas, n=1, day=held_on, prefix=prefix)
    services.add_to_session(personas.coordinator, session, [dossier])
    services.submit_sheet(members[0], session, dossier, answers(c=c))
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    return dossier


def recognise(personas, dossier, signed_on):
    return services.recognise(
        personas.coordinator,
        [dossier],
        number=f"{signed_on:%d%m}/QĐ-UBND",
        signed_on=signed_on,
        issuer="UBND tỉnh Tỉnh Mới",
    )


# -- 1. the regime and its sets are loaded -----------------------------------------------------
def test_the_26_2026_regime_and_sets_load_through_the_rules_pipeline(db):
    regime = Regime.objects.get(key="qd26-2026")
    assert regime.valid_from == IN_FORCE and regime.valid_to is None
    assert Regime.objects.get(key="qd148-1489").valid_to == dt.date(2026, 5, 21)
    assert regime.recognising_level(3) == regime.recognising_level(4) == "province"
    assert regime.recognising_level(5) == "central"
    assert rules.decisions()[D26]["regime"] == "qd26-2026"
    sets = CriteriaSet.objects.filter(decision=D26)
    assert sets.count() == 26
    assert sorted(sets.filter(complete=False).values_list("set_no", flat=True)) == [4, 7, 10, 11]
    assert set(sets.values_list("source_name", flat=True)) == {
        f"data/ocop/26-2026/{p.name}" for p in (rules.DATA_DIR / "26-2026").glob(rules.SET_FILES)
    }
    report = load_rules("ocop")  # loading again is a no-op
    assert report.created == 0


def test_an_incomplete_26_2026_set_refuses_a_new_dossier_in_vietnamese(geo, personas):
    _producer, honey = producer_and_product(geo, personas, set_no=4)
    with pytest.raises(ValidationError) as exc:
        services.open_dossier(personas.producer, honey, registered_on=dt.date(2026, 6, 1))
    message = " ".join(exc.value.messages)
    assert "chưa đầy đủ" in message and D26 in message and "Quản trị viên" in message
    assert not Dossier.objects.exists()
    # Filed the day before, the same product is judged under 148, whose set 4 is complete.
    d = services.open_dossier(personas.producer, honey, registered_on=dt.date(2026, 5, 21))
    assert d.regime.key == "qd148-1489" and d.criteria_set.decision == "148/QĐ-TTg"


# -- 2. regime by filing date; the 60/30-day transition ------------------------------------------
def test_a_dossier_filed_on_21_05_2026_is_judged_under_148_and_on_22_05_under_26_2026(
    product, personas
):
    before = services.open_dossier(personas.producer, product, registered_on=dt.date(2026, 5, 21))
    assert before.regime.key == "qd148-1489" and before.criteria_set.decision == "148/QĐ-TTg"
    before.state = Dossier.State.NOT_RECOGNISED
    before.save(update_fields=["state"])
    after = services.open_dossier(personas.producer, product, registered_on=IN_FORCE)
    assert after.regime.key == "qd26-2026" and after.criteria_set.decision == D26


def test_the_transition_deadlines_are_day_60_and_day_30_counted_from_the_day_after(db):
    data = rules.rules_data()
    entry = next(r for r in data["regimes"] if r["key"] == "qd26-2026")
    pending = entry["transition"]["pending_dossiers"]
    for kind, key in transition.KIND_KEYS.items():
        d = Dossier(regime=Regime.objects.get(key="qd148-1489"), kind=kind)
        d.registered_on = dt.date(2026, 5, 1)
        assert transition.finish_by(d).isoformat() == pending["last_day"][key]
    assert pending["after_last_day"] == "refile_under_new_regime"


def test_a_148_dossier_finished_on_day_60_is_recognised(product, geo, personas):
    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 5, 10))
    d = scored(geo, personas, d, dt.date(2026, 7, 21))
    assert d.state == Dossier.State.SCORED and d.regime.key == "qd148-1489"
    _decision, [cert] = recognise(personas, d, dt.date(2026, 7, 21))
    d.refresh_from_db()
    assert d.state == Dossier.State.RECOGNISED and cert.regime.key == "qd148-1489"


def test_a_148_dossier_not_finished_on_day_61_lapses_and_is_filed_again_under_26_2026(
    product, geo, personas
):
    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 5, 10))
    session, _members = council(geo, personas, n=1, day=dt.date(2026, 7, 22), prefix="late")
    with pytest.raises(ValidationError) as exc:
        services.add_to_session(personas.coordinator, session, [d])
    assert "21/07/2026" in " ".join(exc.value.messages)
    assert "nộp lại" in " ".join(exc.value.messages)
    again = services.open_dossier(personas.producer, product, registered_on=dt.date(2026, 7, 22))
    d.refresh_from_db()
    assert d.state == Dossier.State.LAPSED
    assert again.regime.key == "qd26-2026" and again.criteria_set.decision == D26


def test_a_148_dossier_scored_on_day_60_cannot_be_recognised_on_day_61(product, geo, personas):
    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 5, 10))
    d = scored(geo, personas, d, dt.date(2026, 7, 21))
    with pytest.raises(ValidationError) as exc:
        recognise(personas, d, dt.date(2026, 7, 22))
    assert "21/07/2026" in " ".join(exc.value.messages)
    assert not Certificate.objects.exists()
    assert transition.lapse_overdue(dt.date(2026, 7, 22)) == [d]


def test_a_148_re_evaluation_has_30_days(product, geo, personas):
    quick_certificate(product, dt.date(2023, 7, 1), stars=3, regime_key="qd148")
    d = services.open_dossier(
        personas.producer, product, kind=Dossier.Kind.RENEWAL, registered_on=dt.date(2026, 5, 20)
    )
    assert transition.finish_by(d) == dt.date(2026, 6, 21)
    assert not transition.past_deadline(d, dt.date(2026, 6, 21))
    assert transition.past_deadline(d, dt.date(2026, 6, 22))


# -- 3. validity: certificates before stay valid; the late re-evaluation's extension ------------
@pytest.fixture
def late(product, personas):
    """A 148 certificate expiring 01/09/2026 (last day 31/08/2026), re-evaluation filed 15/07/2026:
    later than 120 days before expiry (Điều 7.6.a)."""
    cert = quick_certificate(product, dt.date(2023, 9, 1), stars=3, regime_key="qd148")
    assert cert.expires_on == dt.date(2026, 9, 1)
    dossier = services.open_dossier(
        personas.producer, product, kind=Dossier.Kind.RENEWAL, registered_on=dt.date(2026, 7, 15)
    )
    assert dossier.regime.key == "qd26-2026"
    cert.refresh_from_db()
    return cert, dossier


def test_a_certificate_issued_under_148_stays_valid_until_its_expiry(product):
    cert = quick_certificate(product, dt.date(2024, 3, 1), stars=4, regime_key="qd148")
    assert cert.status_on(dt.date(2026, 12, 1))[0] == Certificate.Status.VALID
    assert Certificate.objects.valid_on(dt.date(2027, 2, 28)).filter(pk=cert.pk).exists()
    assert cert.status_on(dt.date(2027, 3, 1))[0] == Certificate.Status.EXPIRED


def test_a_late_re_evaluation_keeps_the_certificate_180_days_after_expiry_not_181(late):
    cert, _dossier = late
    day_180 = dt.date(2026, 8, 31) + dt.timedelta(days=180)
    assert day_180 == dt.date(2027, 2, 27)
    assert cert.status_on(dt.date(2026, 8, 31))[0] == Certificate.Status.VALID
    assert cert.status_on(dt.date(2026, 9, 1))[0] == Certificate.Status.EXTENDED
    assert cert.status_on(day_180)[0] == Certificate.Status.EXTENDED
    assert cert.status_on(day_180 + dt.timedelta(days=1)) == (
        Certificate.Status.EXPIRED,
        day_180 + dt.timedelta(days=1),
    )
    valid = Certificate.objects.valid_on
    assert valid(day_180).filter(pk=cert.pk).exists()
    assert not valid(day_180 + dt.timedelta(days=1)).filter(pk=cert.pk).exists()


@pytest.mark.parametrize("days, label", [(180, "còn hiệu lực (gia hạn)"), (181, "hết hiệu lực")])
def test_the_verification_page_reads_the_extension(late, client, monkeypatch, days, label):
    cert, _dossier = late
    day = dt.date(2026, 8, 31) + dt.timedelta(days=days)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    page = client.get(f"/ocop/xac-minh/{cert.public_id}/").content.decode()
    status = page.split('id="status"')[1].split("</strong>")[0].lower()
    assert label in status
    if days == 181:
        assert "gia hạn" not in status


def test_a_re_evaluation_filed_in_the_window_gets_no_extension(product, personas):
    # expires 10/01/2027 (last day 09/01/2027): the window is 13/07/2026 – 11/09/2026
    cert = quick_certificate(product, dt.date(2024, 1, 10), stars=3, regime_key="qd148")
    services.open_dossier(
        personas.producer, product, kind=Dossier.Kind.RENEWAL, registered_on=dt.date(2026, 9, 11)
    )
    cert.refresh_from_db()
    assert cert.status_on(dt.date(2027, 1, 10))[0] == Certificate.Status.EXPIRED


def test_the_extension_ends_with_the_result_of_the_re_evaluation(late, geo, personas):
    cert, dossier = late
    services.save_self_assessment(personas.producer, dossier, answers())
    from tamnong.testing.ocop import registration_file

    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, dossier)
    services.commune_assess(personas.alice, dossier, answers={"1.b": 10}, report="Đủ.")
    dossier = scored(geo, personas, dossier, dt.date(2026, 10, 5), c=0)  # 35 points: 2★
    assert dossier.state == Dossier.State.NOT_RECOGNISED
    cert.refresh_from_db()
    assert cert.status_on(dt.date(2026, 10, 4))[0] == Certificate.Status.EXTENDED
    assert cert.status_on(dt.date(2026, 10, 5)) == (
        Certificate.Status.EXPIRED,
        dt.date(2026, 10, 5),
    )


def test_a_2_star_result_under_26_2026_gets_no_decision_and_no_certificate(product, geo, personas):
    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 8, 1))
    d = scored(geo, personas, d, dt.date(2026, 9, 1), c=0)  # 10 + 10 + 15 + 0 = 35
    assert d.regime.key == "qd26-2026" and d.stars == 2
    assert d.state == Dossier.State.NOT_RECOGNISED
    with pytest.raises(ValidationError):
        recognise(personas, d, dt.date(2026, 9, 10))
    with pytest.raises(ValidationError):
        quick_certificate(product, dt.date(2026, 9, 10), stars=2, regime_key="qd26-2026")
    assert not Certificate.objects.exists()


def test_a_product_scoring_90_is_sent_to_the_ministry_under_26_2026(product, geo, personas):
    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 8, 1), commune_b=20)
    session, members = council(geo, personas, n=1, day=dt.date(2026, 9, 1), prefix="top")
    services.add_to_session(personas.coordinator, session, [d])
    services.submit_sheet(members[0], session, d, answers(a=20, b=20, m=25, c=35))
    services.close_session(personas.secretary, session)
    d.refresh_from_db()
    assert d.regime.key == "qd26-2026" and d.regime.forwards_to_central(d.mean_score, d.stars)
    assert d.mean_score >= 90 and d.state == Dossier.State.FORWARDED_CENTRAL


def test_the_daily_job_lapses_the_148_dossiers_past_their_deadline(product, geo, personas):
    from tamnong.jobs.services import run_now

    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 5, 10))
    run_now("ocop.transition_lapse", day="2026-07-21")
    d.refresh_from_db()
    assert d.state == Dossier.State.FORWARDED  # day 60: still in time
    run_now("ocop.transition_lapse", day="2026-07-22")
    d.refresh_from_db()
    assert d.state == Dossier.State.LAPSED


def test_a_certificate_in_its_extension_is_listed_as_in_force_not_expired(
    late, client, personas, geo
):
    from django.urls import reverse

    cert, _dossier = late
    client.force_login(personas.coordinator)

    def numbers(state, on):
        page = client.get(
            reverse("reports:records", args=["ocop-certificates"]),
            {"division": geo.province.pk, "state": state, "on": on},
        )
        assert page.status_code == 200
        return [row[0] for row in page.context["rows"]]

    assert numbers("valid", "2027-02-27") == [cert.number]
    assert numbers("expired", "2027-02-27") == []
    assert numbers("expired", "2027-02-28") == [cert.number]


def test_the_dossier_page_shows_the_transition_deadline(product, geo, personas, client):
    d = forwarded_dossier(geo, personas, product, day=dt.date(2026, 5, 10))
    client.force_login(personas.coordinator)
    page = client.get(f"/ocop/ho-so/{d.pk}/").content.decode()
    assert 'id="finish-by"' in page and "21/07/2026" in page
    later = services.open_dossier(personas.producer, product, registered_on=dt.date(2026, 7, 22))
    page = client.get(f"/ocop/ho-so/{later.pk}/").content.decode()
    assert 'id="finish-by"' not in page


def test_an_administrator_completes_an_incomplete_26_2026_set_and_it_opens_dossiers(geo, personas):
    import yaml

    from tamnong.ocop import criteria as crit

    path = next((rules.DATA_DIR / "26-2026").glob("04-*.yaml"))
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    # The administrator reads the blank and the impossible score in the PDF (here: 0 and 3).
    for part in raw["parts"]:
        for c in part["criteria"]:
            for o in c["options"]:
                if o.get("points") is None:
                    o["points"] = 0 if "Không" in o["text"] else 3
                    o.pop("points_as_written", None)
    checked = crit.normalise(raw, rules.decisions())
    assert checked.ok and checked.complete, checked.errors
    fixed, created = rules.install(checked, user=personas.admin, source_name="04-sua.yaml")
    assert created and fixed.version == 2 and fixed.complete
    _producer, honey = producer_and_product(geo, personas, set_no=4)
    d = services.open_dossier(personas.producer, honey, registered_on=dt.date(2026, 6, 1))
    assert d.criteria_set == fixed and d.regime.key == "qd26-2026"
