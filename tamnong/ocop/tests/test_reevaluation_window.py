"""Re-evaluation under 26/2026 (regime `reevaluation`, Điều 7.6): filed no earlier than 180 days
before expiry (earlier: refused, with the window's dates), decided within 45 days of the complete
dossier, and the producer reminded when the window opens (daily job)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tamnong.jobs.services import run_now
from tamnong.ocop import services
from tamnong.ocop.models import Dossier, Notification
from tamnong.testing.ocop import install_synthetic_both, producer_and_product, quick_certificate

from . import regime26

ISSUED = dt.date(2024, 3, 1)  # expires 01/03/2027: window 02/09/2026 – 01/11/2026
EXPIRES = dt.date(2027, 3, 1)


@pytest.fixture
def cert(geo, personas, monkeypatch):
    regime26.load(monkeypatch)
    install_synthetic_both()
    _producer, product = producer_and_product(geo, personas)
    return quick_certificate(product, ISSUED)


def test_the_window_is_180_to_120_days_before_expiry(cert):
    window = services.reevaluation_window(cert, on=dt.date(2026, 9, 2))
    assert (window.opens, window.closes) == (dt.date(2026, 9, 2), dt.date(2026, 11, 1))
    assert window.article == "Điều 7.6.a"


def test_filing_before_the_window_is_refused_with_its_dates(cert, personas):
    with pytest.raises(ValidationError) as exc:
        services.open_dossier(
            personas.producer,
            cert.product,
            kind=Dossier.Kind.RENEWAL,
            registered_on=dt.date(2026, 9, 1),
        )
    message = str(exc.value)
    assert "02/09/2026" in message and "01/11/2026" in message and "Điều 7.6.a" in message
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("day", "late"),
    [(dt.date(2026, 9, 2), False), (dt.date(2026, 11, 1), False), (dt.date(2026, 11, 2), True)],
)
def test_filing_in_the_window_or_late_is_accepted_and_late_is_said(cert, personas, day, late):
    dossier = services.open_dossier(
        personas.producer, cert.product, kind=Dossier.Kind.RENEWAL, registered_on=day
    )
    window = services.reevaluation_window(cert, on=day)
    assert window.late is late
    assert services.dossier_deadlines(dossier).reevaluation_late is late


def test_no_window_under_a_regime_without_one(geo, personas):
    install_synthetic_both()
    _producer, product = producer_and_product(geo, personas)
    old = quick_certificate(product, dt.date(2023, 1, 10))  # expires 10/01/2026
    dossier = services.open_dossier(
        personas.producer, product, kind=Dossier.Kind.RENEWAL, registered_on=dt.date(2025, 3, 1)
    )
    assert dossier.previous_certificate == old
    assert services.reevaluation_window(old, on=dt.date(2025, 3, 1)) is None


def test_the_decision_is_due_45_days_after_the_complete_dossier(cert, personas):
    dossier = services.open_dossier(
        personas.producer,
        cert.product,
        kind=Dossier.Kind.RENEWAL,
        registered_on=dt.date(2026, 9, 10),
    )
    dossier.commune_on = dt.date(2026, 10, 1)
    dossier.state = Dossier.State.FORWARDED
    dossier.save()
    deadlines = services.dossier_deadlines(dossier, today=dt.date(2026, 11, 15))
    assert deadlines.decision_due == dt.date(2026, 11, 15)  # day 45 counted from 02/10
    assert deadlines.decision_article == "Điều 7.6.g"
    assert not deadlines.decision_late
    late = services.dossier_deadlines(dossier, today=dt.date(2026, 11, 16))
    assert late.decision_late and late.decision_days_late == 1


def test_the_producer_is_reminded_once_when_the_window_opens(cert, personas):
    assert services.send_reevaluation_notices(dt.date(2026, 9, 1))["certificates"] == 0
    result = services.send_reevaluation_notices(dt.date(2026, 9, 2))
    assert result["certificates"] == 1
    [notice] = Notification.objects.filter(user=personas.producer, key=f"reevaluation:{cert.pk}")
    assert "02/09/2026" in notice.body and "01/11/2026" in notice.body
    assert "Điều 7.6.a" in notice.body
    assert services.send_reevaluation_notices(dt.date(2026, 9, 3))["certificates"] == 0


def test_the_reminder_runs_in_the_daily_job(cert, personas):
    job = run_now("ocop.reevaluation_notices", day="2026-09-20")
    assert job.result["certificates"] == 1
    assert Notification.objects.filter(key=f"reevaluation:{cert.pk}").exists()


def test_no_reminder_once_a_renewal_is_filed(cert, personas):
    services.open_dossier(
        personas.producer,
        cert.product,
        kind=Dossier.Kind.RENEWAL,
        registered_on=dt.date(2026, 9, 2),
    )
    assert services.send_reevaluation_notices(dt.date(2026, 9, 3))["certificates"] == 0
