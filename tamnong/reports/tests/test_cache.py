"""Reports and dashboards are cached per data version: served again without recomputing, and
recomputed after any committed change, whichever way the change was made."""

import re
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tamnong.core import datacache
from tamnong.jobs.services import run_now
from tamnong.reports.models import FundingRecord
from tamnong.reports.tests.test_funding import fund


def _as_committed():
    """What the fixtures wrote counts as committed data (their on-commit hooks are dropped)."""
    connection.run_on_commit[:] = [
        c for c in connection.run_on_commit if c[1] is not datacache._bump_now
    ]


@contextmanager
def committed():
    """The block behaves as a committed transaction: its on-commit hooks run, then are gone
    (inside a test everything stays in one transaction that is never committed)."""
    start = len(connection.run_on_commit)
    yield
    hooks = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _sids, hook, _robust in hooks:
        hook()


def _get(client, url):
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200
    page = re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())  # per-request CSRF token
    return page, len(q.captured_queries)


def test_a_report_is_served_from_the_cache_until_the_data_change(client, personas, geo, catalog):
    _as_committed()
    with committed():
        fund(geo.commune_a, 2024, "ntm", "nstw", "1000", "800", catalog)
    client.force_login(personas.coordinator)
    url = f"{reverse('reports:summary')}?division={geo.province.pk}&period=2021-2025"
    first, cold = _get(client, url)
    again, warm = _get(client, url)
    assert "1.000" in first and again == first and warm < cold / 2

    # a change through the entry form (a write request) ...
    client.force_login(personas.alice)
    data = {"division": geo.commune_a.pk, "year": 2025, "allocated": "234",  "disbursed": "5",
            "component": catalog["component"]["ntm"].pk, "source": catalog["source"]["nstw"].pk}  # fmt: skip
    with committed():
        assert client.post(reverse("reports:create", args=["funding"]), data).status_code == 302
    client.force_login(personas.coordinator)
    assert "1.234" in _get(client, url)[0]

    # ... an update that sends no model signal, inside a job (imports run as jobs) ...
    with committed():
        FundingRecord.objects.filter(allocated=Decimal(234)).update(allocated=Decimal(1234))
    assert "1.234" in _get(client, url)[0]  # (no signal, no job yet: still the cached report)
    with committed():
        run_now("reports.import_funding", path="/nonexistent.csv", user_id=personas.alice.pk)
    assert "2.234" in _get(client, url)[0]

    # ... and an ORM save outside any request
    with committed():
        fund(geo.commune_a, 2023, "ntm", "nstw", "100", "0", catalog)
    assert "2.334" in _get(client, url)[0]

    # a transaction that changed data reads its own changes, never a cached report
    fund(geo.commune_a, 2022, "ntm", "nstw", "1", "0", catalog)
    assert "2.335" in _get(client, url)[0]


def test_the_version_rises_once_per_transaction_and_the_cache_is_per_scope(
    client, personas, geo, catalog
):
    _as_committed()
    before = datacache.version()
    with committed():
        with transaction.atomic():
            fund(geo.commune_a, 2024, "ntm", "nstw", "10", "1", catalog)
            fund(geo.commune_a, 2025, "ntm", "nstw", "10", "1", catalog)
        assert [h[1] for h in connection.run_on_commit].count(datacache._bump_now) == 1
    assert datacache.version() == before + 1
    assert datacache.scope_key(personas.alice) != datacache.scope_key(personas.coordinator)
    client.force_login(personas.alice)
    mine = client.get(reverse("reports:dashboard")).content.decode()
    client.force_login(personas.coordinator)
    theirs = client.get(reverse("reports:dashboard")).content.decode()
    assert mine != theirs
