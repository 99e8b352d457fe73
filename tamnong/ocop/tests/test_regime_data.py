"""The OCOP programme constants come from the regime data (data/ocop/regimes.yaml), not from code:
validity, notice period, the stars that get a certificate."""

import datetime as dt

import pytest
from django.utils import timezone

from tamnong.ocop import rules
from tamnong.ocop.models import Certificate, Regime
from tamnong.rules import RuleError
from tamnong.testing.ocop import install_synthetic, producer_and_product, quick_certificate


def _set_rule(key: str, **values) -> None:
    regime = Regime.objects.get(key=key)
    regime.rules = {**regime.rules, **values}
    regime.save(update_fields=["rules"])


@pytest.fixture
def expiring_in_100_days(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    today = timezone.localdate()
    cert = quick_certificate(product, today - dt.timedelta(days=30), stars=4)
    Certificate.objects.filter(pk=cert.pk).update(expires_on=today + dt.timedelta(days=100))
    return cert


def _home(client, user):
    client.force_login(user)
    return client.get("/ocop/")


def test_the_home_expiring_counter_uses_the_notice_period_of_the_regime(
    client, personas, expiring_in_100_days
):
    assert _home(client, personas.coordinator).context["expiring"] == 0  # 30 days: not yet
    _set_rule(expiring_in_100_days.regime.key, notice_days=180)
    page = _home(client, personas.coordinator)
    assert page.context["expiring"] == 1
    assert "180 ngày" in page.content.decode()


def test_a_regime_without_its_validity_or_notice_period_is_refused(db):
    spec = {**rules.rules_data()["regimes"][-1]}
    del spec["notice_days"]
    with pytest.raises(RuleError) as exc:
        rules.check_regime(spec)
    assert exc.value.problems[0]["field"].endswith("notice_days")


def test_a_regime_certifying_stars_outside_its_bands_is_refused(db):
    spec = {**rules.rules_data()["regimes"][-1], "certified_stars": [3, 4, 5, 6]}
    with pytest.raises(RuleError):
        rules.check_regime(spec)


def test_validity_comes_from_the_regime(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    _set_rule("qd148-1489", certificate_months=24)
    cert = quick_certificate(product, dt.date(2025, 9, 1), stars=3)
    assert cert.expires_on == dt.date(2027, 9, 1)


def test_the_stars_that_get_a_certificate_come_from_the_regime(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    _set_rule("qd148-1489", certified_stars=[2, 3, 4, 5])
    cert = quick_certificate(product, dt.date(2025, 9, 1), stars=2)
    assert cert.stars == 2


def _regimes_file(tmp_path, monkeypatch, change):
    import yaml

    data = yaml.safe_load(rules.REGIMES_FILE.read_text(encoding="utf-8"))
    change(next(r for r in data["regimes"] if r.get("key") == "qd148-1489"))
    path = tmp_path / "regimes.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(rules, "REGIMES_FILE", path)


def test_a_regime_is_never_changed_in_place(db, tmp_path, monkeypatch):
    _regimes_file(tmp_path, monkeypatch, lambda r: r.update(certificate_months=24))
    with pytest.raises(RuleError) as exc:
        rules.load_regimes()
    assert "mã mới" in exc.value.problems[0]["message"]
    assert Regime.objects.get(key="qd148-1489").certificate_months == 36


def test_the_end_of_a_regime_may_be_set_when_a_later_decision_takes_over(db, tmp_path, monkeypatch):
    # Loaded on migrate with the end QĐ 26/2026 gave it; an end moved again is taken as well.
    assert Regime.objects.get(key="qd148-1489").valid_to == dt.date(2026, 5, 21)
    _regimes_file(tmp_path, monkeypatch, lambda r: r.update(valid_to="2026-05-20"))
    assert rules.load_regimes() == 1
    assert Regime.objects.get(key="qd148-1489").valid_to == dt.date(2026, 5, 20)
    assert rules.load_regimes() == 0
