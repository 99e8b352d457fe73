"""The one out-of-scope policy, pinned for every persona on HTML pages and API endpoints together.

- a record the user may not see answers 404 (its existence is not revealed);
- a unit (division) outside the scope, given as a filter, answers 403;
- anonymous: pages redirect to the login (302), the API answers 401.
Every refusal of a logged-in user is written to the audit trail (DENIED).
"""

from __future__ import annotations

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.audit.models import AuditEvent
from tamnong.conftest import PASSWORD, PERSONA_NAMES
from tamnong.poverty.importing import import_file
from tamnong.testing.ocop import forwarded_dossier, install_synthetic, producer_and_product
from tamnong.testing.poverty import row, write_xlsx

PERSONAS = [*PERSONA_NAMES, None]
# who sees what is under Xã An Bình (commune_a): the province staff, alice, and the producer for
# its own records; bob (another commune), outsider (another province) and nobody do not.
PROVINCE = {"admin", "coordinator", "department", "council", "secretary", "leader"}
SEES_OCOP = PROVINCE | {"alice", "producer"}
SEES_COMMUNE_A = PROVINCE | {"alice"}


def _expected(who, sees: set[str], *, api: bool, unit_filter: bool = False) -> int:
    if who is None:
        return 401 if api else 302
    if who in sees:
        return 200
    return 403 if unit_filter else 404


def _login(client, personas, who):
    client.logout()
    if who is not None:
        assert client.login(username=getattr(personas, who).username, password=PASSWORD)


def _check(client, personas, who, url, expected):
    _login(client, personas, who)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()
    r = client.get(url)
    assert r.status_code == expected, (who, url, r.status_code)
    if expected in (403, 404):
        after = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()
        assert after == before + 1, (who, url, "denial not logged")


@pytest.fixture
def ocop(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    return product, dossier


@pytest.mark.parametrize("who", PERSONAS)
def test_ocop_product_and_dossier(client, personas, ocop, who):
    product, dossier = ocop
    for url, api in (
        (f"/ocop/san-pham/{product.pk}/", False),
        (f"/api/v1/ocop/products/{product.pk}", True),
        (f"/ocop/ho-so/{dossier.pk}/", False),
        (f"/api/v1/ocop/dossiers/{dossier.pk}", True),
    ):
        _check(client, personas, who, url, _expected(who, SEES_OCOP, api=api))


@pytest.mark.parametrize("who", PERSONAS)
def test_ocop_unknown_record_is_404_for_everyone_logged_in(client, personas, ocop, who):
    _login(client, personas, who)
    for url, api in (("/ocop/san-pham/999999/", False), ("/api/v1/ocop/products/999999", True)):
        expected = (401 if api else 302) if who is None else 404
        assert client.get(url).status_code == expected, (who, url)


@pytest.fixture
def households(geo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    rows = [row("A-1", year=2025, deprived="1,2,3"), row("A-2", year=2025, income=3_000_000)]
    assert import_file(write_xlsx(tmp_path / "x.xlsx", rows), user=SYSTEM).ok
    return geo


@pytest.mark.parametrize("who", PERSONAS)
def test_poverty_household_and_commune_pages(client, personas, households, who):
    for url, api, unit_filter in (
        ("/poverty/ho/A-1/", False, False),
        ("/api/v1/poverty/households/A-1", True, False),
        ("/poverty/?division=10001&year=2025", False, True),
        ("/api/v1/poverty/figures?year=2025&division=10001", True, True),
    ):
        expected = _expected(who, SEES_COMMUNE_A, api=api, unit_filter=unit_filter)
        _check(client, personas, who, url, expected)


@pytest.mark.parametrize("who", PERSONAS)
def test_reports_summary_and_ntm_commune_page(client, personas, geo, who):
    pk = geo.commune_a.pk
    for url, api in (
        (f"/reports/summary/?division={pk}&period=2025", False),
        (f"/api/v1/reports/summary?division={pk}&period=2025", True),
        (f"/ntm/divisions/{pk}/", False),
    ):
        _check(
            client, personas, who, url, _expected(who, SEES_COMMUNE_A, api=api, unit_filter=True)
        )
