"""The OCOP product code (T)-(X)-(STT)-(năm) of 26/2026 (regime `product_code`): given once when
a product is first recognised, sequence per commune and year, on the certificate and in the
public verification search."""

import datetime as dt

import pytest
from django.db import connection

from tamnong.ocop import pdf, services
from tamnong.ocop.services import codes
from tamnong.testing.ocop import (
    SYNTHETIC_SET_NO,
    install_synthetic,
    producer_and_product,
    quick_certificate,
)

from . import regime26

DAY = dt.date(2026, 8, 3)


@pytest.fixture
def r26(db, monkeypatch):
    return regime26.load(monkeypatch)


def _product(geo, personas, name, division=None):
    producer = services.create_producer(
        personas.alice if division is None else personas.coordinator,
        division=division or geo.commune_a,
        name=f"HTX {name}",
        kind="cooperative",
        code=f"P-{name}",
    )
    return services.create_product(
        personas.coordinator, producer, name=name, set_no=SYNTHETIC_SET_NO
    )


@pytest.fixture
def setup(geo, personas, r26):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    return product


def test_first_recognition_gives_the_code_on_the_decision_19_2025_codes(setup, r26):
    cert = quick_certificate(setup, DAY, regime_key="qd26-2026")
    setup.refresh_from_db()
    assert setup.ocop_code == "01-10001-1-2026"
    assert cert.product.ocop_code == "01-10001-1-2026"


def test_the_sequence_counts_per_commune_and_year_and_a_product_keeps_its_code(
    setup, geo, personas, r26
):
    quick_certificate(setup, DAY, regime_key="qd26-2026")
    second = _product(geo, personas, "Mật ong")
    elsewhere = _product(geo, personas, "Gạo", division=geo.commune_c)
    quick_certificate(second, DAY, regime_key="qd26-2026")
    quick_certificate(elsewhere, DAY, regime_key="qd26-2026")
    next_year = _product(geo, personas, "Miến")
    quick_certificate(next_year, dt.date(2027, 3, 1), regime_key="qd26-2026")
    # re-evaluated three years later: the same code (idempotent)
    quick_certificate(setup, dt.date(2029, 7, 1), regime_key="qd26-2026")
    for p in (setup, second, elsewhere, next_year):
        p.refresh_from_db()
    assert setup.ocop_code == "01-10001-1-2026"
    assert second.ocop_code == "01-10001-2-2026"
    assert elsewhere.ocop_code == "01-10003-1-2026"
    assert next_year.ocop_code == "01-10001-1-2027"


def test_no_code_under_a_regime_without_one(setup):
    quick_certificate(setup, dt.date(2025, 8, 1))
    setup.refresh_from_db()
    assert setup.ocop_code == ""


def test_a_number_taken_meanwhile_makes_the_assignment_retry(
    setup, geo, personas, r26, monkeypatch
):
    """The unique constraint, not the read of the highest number, decides: a stale read that
    proposes a taken number is refused by the database and the next number is tried."""
    quick_certificate(setup, DAY, regime_key="qd26-2026")
    second = _product(geo, personas, "Mật ong")
    real = codes.next_sequence
    proposals = iter([1, 1])  # stale: the number the first product already has

    def stale(commune, year):
        return next(proposals, None) or real(commune, year)

    monkeypatch.setattr(codes, "next_sequence", stale)
    code = codes.assign_product_code(second, year=2026, regime=r26)
    assert code == "01-10001-2-2026"
    second.refresh_from_db()
    assert (second.ocop_seq, second.ocop_code) == (2, "01-10001-2-2026")


def test_the_code_is_printed_on_the_certificate_and_found_by_the_verification_search(
    setup, r26, client
):
    cert = quick_certificate(setup, DAY, regime_key="qd26-2026")
    cert.refresh_from_db()
    assert "Mã số sản phẩm: 01-10001-1-2026" in pdf.certificate_lines(cert)
    assert b"01-10001-1-2026" in pdf.certificate_pdf(cert)
    r = client.get("/ocop/xac-minh/", {"q": "01-10001-1-2026"})
    assert r.status_code == 302 and r["Location"].endswith(f"/ocop/xac-minh/{cert.public_id}/")
    page = client.get(r["Location"]).content.decode()
    assert "01-10001-1-2026" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent writers)"
)
def test_products_recognised_at_the_same_moment_get_distinct_numbers(geo, personas, monkeypatch):
    from tamnong.testing.threads import race as _race

    r26 = regime26.load(monkeypatch)
    install_synthetic()
    products = [_product(geo, personas, f"Sản phẩm {i}") for i in range(6)]
    calls = [
        (lambda p=p: codes.assign_product_code(p, year=2026, regime=r26)) for p in products
    ] + [(lambda: codes.assign_product_code(products[0], year=2026, regime=r26))]
    results, errors = _race(calls)
    assert errors == []
    assert sorted(set(results)) == sorted(f"01-10001-{n}-2026" for n in range(1, 7))
    for p in products:
        p.refresh_from_db()
    assert sorted(p.ocop_seq for p in products) == [1, 2, 3, 4, 5, 6]
