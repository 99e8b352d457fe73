import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tamnong.accounts.models import Role
from tamnong.ocop import services
from tamnong.ocop.models import Certificate, Dossier, Notification, Regime, expiry_date
from tamnong.ocop.pdf import certificate_pdf, verification_url
from tamnong.testing.ocop import (
    answers,
    forwarded_dossier,
    install_synthetic,
    producer_and_product,
    through_council,
    user_with,
)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (dt.date(2023, 2, 24), dt.date(2026, 2, 24)),
        (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),  # no 29/02/2027: last day of February
        (dt.date(2025, 2, 28), dt.date(2028, 2, 28)),  # lands on a leap year: stays the 28th
        (dt.date(2023, 8, 31), dt.date(2026, 8, 31)),
        (dt.date(2022, 12, 31), dt.date(2025, 12, 31)),
    ],
)
def test_expiry_is_issue_plus_36_months(issued, expires):
    assert expiry_date(issued, 36) == expires


@pytest.fixture
def certified(geo, personas):
    """A 3★ certificate issued 29/02/2024 through the full workflow."""
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product, day=dt.date(2024, 1, 10))
    through_council(geo, personas, dossier, answers(), day=dt.date(2024, 2, 20))
    _d, [cert] = services.recognise(
        personas.coordinator,
        [dossier],
        number="55/QĐ-UBND",
        signed_on=dt.date(2024, 2, 29),
        issuer="UBND tỉnh Tỉnh Mới",
    )
    return cert


def test_a_certificate_issued_on_29_february_expires_on_28_february(certified):
    assert certified.expires_on == dt.date(2027, 2, 28)
    assert certified.regime == Regime.objects.get(
        key="qd148"
    )  # 29/02/2024: 148 with district councils
    assert certified.status_on(dt.date(2027, 2, 27))[0] == Certificate.Status.VALID
    assert certified.status_on(dt.date(2027, 2, 28)) == (
        Certificate.Status.EXPIRED,
        dt.date(2027, 2, 28),
    )


def test_the_notice_goes_out_30_days_before_expiry_once(certified, personas, geo):
    carol = user_with("carol", geo.commune_a, Role.COMMUNE_OFFICER, email="carol@xa.vn")
    assert services.send_expiry_notices(dt.date(2027, 1, 28))["certificates"] == 0  # 31 days left
    assert not Notification.objects.exists()
    result = services.send_expiry_notices(dt.date(2027, 1, 29))  # 30 days left
    assert result["certificates"] == 1
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {"producer", "alice", "carol"}
    assert len(mail.outbox) == 1 and set(mail.outbox[0].to) == {"htx@example.org", "carol@xa.vn"}
    assert "28/02/2027" in mail.outbox[0].subject
    assert services.send_expiry_notices(dt.date(2027, 1, 30))["certificates"] == 0
    assert Notification.objects.count() == 3 and len(mail.outbox) == 1
    del carol


def test_the_daily_job_sends_the_notices(certified):
    from tamnong.jobs.services import run_now

    job = run_now("ocop.expiry_notices", day="2027-02-01")
    assert job.status == "done" and job.result["certificates"] == 1


def test_revocation_with_reason_and_decision_keeps_the_record(certified, personas):
    rev = services.revoke(
        personas.coordinator,
        certified,
        reason="Không duy trì tiêu chí bắt buộc",
        number="77/QĐ-UBND",
        signed_on=dt.date(2025, 3, 1),
        issuer="UBND tỉnh Tỉnh Mới",
    )
    certified.refresh_from_db()
    assert certified.status_on(dt.date(2025, 3, 1)) == (
        Certificate.Status.REVOKED,
        dt.date(2025, 3, 1),
    )
    assert certified.status_on(dt.date(2025, 2, 28))[0] == Certificate.Status.VALID
    assert rev.decision.kind == "ocop_revocation"
    assert Certificate.objects.filter(pk=certified.pk).exists()
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        _revoke(personas.coordinator, certified, "78", dt.date(2025, 3, 2))


def _revoke(user, cert, number, day):
    return services.revoke(user, cert, reason="x", number=number, signed_on=day, issuer="UBND")


def test_a_commune_officer_cannot_revoke(certified, personas):
    with pytest.raises(PermissionDenied):
        _revoke(personas.alice, certified, "1", dt.date(2025, 3, 1))


def test_valid_products_counts_by_date_stars_and_division_with_lineage(certified, geo, personas):
    assert services.valid_products(geo.province, dt.date(2024, 2, 28)) == 0
    assert services.valid_products(geo.province, dt.date(2024, 2, 29)) == 1
    assert services.valid_products(geo.commune_a, dt.date(2026, 1, 1)) == 1
    assert services.valid_products(geo.commune_c, dt.date(2026, 1, 1)) == 0
    assert services.valid_products(geo.province, dt.date(2026, 1, 1), min_stars=4) == 0
    assert services.valid_products(geo.province, dt.date(2027, 2, 28)) == 0
    assert services.valid_products(geo.other_province, dt.date(2026, 1, 1)) == 0


def test_a_certificate_changes_fire_figures_changed(
    geo, personas, django_capture_on_commit_callbacks
):
    from tamnong.core.signals import figures_changed

    calls = []

    def listener(sender, **kw):
        calls.append(kw)

    figures_changed.connect(listener)
    try:
        install_synthetic()
        _p, product = producer_and_product(geo, personas)
        dossier = forwarded_dossier(geo, personas, product)
        through_council(geo, personas, dossier, answers())
        with django_capture_on_commit_callbacks(execute=True):
            services.recognise(
                personas.coordinator,
                [dossier],
                number="9",
                signed_on=dt.date(2025, 11, 1),
                issuer="UBND",
            )
    finally:
        figures_changed.disconnect(listener)
    assert calls == [
        {"source": "ocop", "division": geo.commune_a, "year": 2025, "signal": figures_changed}
    ]


def test_the_pdf_embeds_the_font_and_links_the_qr_to_the_verification_page(certified):
    data = certificate_pdf(certified)
    assert data.startswith(b"%PDF")
    assert b"+DejaVuSans" in data and b"FontFile2" in data  # TrueType subset embedded
    assert verification_url(certified).encode() in data
    assert f"/ocop/xac-minh/{certified.public_id}/" in verification_url(certified)


def test_dossier_states_are_recorded_with_the_certificate(certified):
    assert certified.dossier.state == Dossier.State.RECOGNISED
    assert certified.decision.number == "55/QĐ-UBND"
