"""Reports, dashboards and module pages are cached per programme version: served again without
recomputing, recomputed after a committed change to a programme they read, whichever way the
change was made, and left alone by changes to anything else."""

import datetime as dt
import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tamnong.access.roles import Role
from tamnong.access.scope import Scope
from tamnong.core import datacache
from tamnong.jobs.services import run_now
from tamnong.ocop.models import Notification
from tamnong.reports.models import FundingRecord
from tamnong.testing.reports import fund


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """What the fixtures wrote counts as data that was there before; `committed()` makes a block
    behave as a committed transaction: its on-commit hooks run at its end (inside a test
    everything stays in one transaction that is never committed)."""
    datacache.forget_uncommitted()

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture
def computed(monkeypatch):
    """The kinds of the entries computed (and stored) since the last call."""
    store = caches["data"]
    made: list[str] = []
    real_set = store.set

    def spy(key, value, *args, **kwargs):
        made.append(key.split(":")[1])
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(store, "set", spy)

    def since_last() -> set[str]:
        kinds = set(made)
        made.clear()
        return kinds

    return since_last


def _get(client, url):
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200
    page = re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())  # per-request CSRF token
    return page, len(q.captured_queries)


def test_a_report_is_served_from_the_cache_until_the_data_change(
    client, personas, geo, catalog, committed
):
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
    client, personas, geo, catalog, committed, computed
):
    before = datacache.versions()
    with committed(), transaction.atomic():
        fund(geo.commune_a, 2024, "ntm", "nstw", "10", "1", catalog)
        fund(geo.commune_a, 2025, "ntm", "nstw", "10", "1", catalog)
    after = datacache.versions()
    assert after["reports"] == before["reports"] + 1
    assert {t: n for t, n in after.items() if t != "reports"} == {
        t: n for t, n in before.items() if t != "reports"
    }
    with committed(), transaction.atomic():
        fund(geo.commune_a, 2021, "ntm", "nstw", "10", "1", catalog)
        transaction.set_rollback(True)
    assert datacache.versions() == after  # a transaction that rolled back raises nothing
    datacache.forget_uncommitted()  # (what it noted: the test's own transaction stays open)

    assert Scope.of(personas.alice).cache_key() != Scope.of(personas.coordinator).cache_key()
    twin = type(personas.coordinator).objects.create_user("twin", password="x", full_name="Twin")
    twin.memberships.create(division=geo.province, role=Role.COORDINATOR)
    url = f"{reverse('reports:dashboard')}?division={geo.commune_a.pk}"
    for user, made in [
        (personas.coordinator, True),
        (personas.alice, True),  # the same unit and year, another scope: another entry
        (twin, False),  # the same grants as the coordinator: the coordinator's entry
    ]:
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert ("reports.dashboard" in computed()) is made, user


def test_marking_a_notification_read_leaves_the_summary_report_cached(
    client, personas, geo, catalog, committed, computed
):
    note = Notification.objects.create(user=personas.coordinator, key="k", title="Hồ sơ mới")
    client.force_login(personas.coordinator)
    url = f"{reverse('reports:summary')}?division={geo.province.pk}&period=2021-2025"
    client.get(url)
    assert "reports.summary-html" in computed()
    with committed():
        response = client.post(reverse("ocop:notification_read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    client.get(url)
    assert computed() == set()


def test_an_ocop_change_recomputes_the_catalog_and_the_summary_but_not_the_poverty_index(
    client, personas, geo, committed, computed
):
    from tamnong.ocop import services

    client.force_login(personas.coordinator)
    pages = {
        "ocop.catalog": reverse("ocop:catalog"),
        "reports.summary-html": f"{reverse('reports:summary')}?division={geo.province.pk}",
        "poverty.index": reverse("poverty:index"),
    }
    for url in pages.values():
        assert client.get(url).status_code == 200
    assert set(pages) <= computed()
    for url in pages.values():
        client.get(url)
    assert computed() == set()
    with committed():
        services.create_producer(
            personas.alice, division=geo.commune_a, name="HTX Mới", kind="cooperative", code="P-9"
        )
    for url in pages.values():
        client.get(url)
    assert computed() & set(pages) == {"ocop.catalog", "reports.summary-html"}


def test_bulk_writes_of_the_services_and_jobs_raise_their_programme_only(personas, geo, committed):
    from tamnong.poverty import figures

    before = datacache.versions()
    with committed():
        figures.rebuild([dt.date.today().year])  # raw SQL and bulk_create: no model signal
    assert datacache.versions()["poverty"] == before["poverty"] + 1
    with committed():
        run_now("poverty.import", path="/nonexistent.csv", user_id=personas.alice.pk)
    after = datacache.versions()
    assert after["poverty"] == before["poverty"] + 2
    assert after["ocop"] == before["ocop"] and after["ntm"] == before["ntm"]


def test_a_public_entry_refuses_visitor_text():
    with pytest.raises(TypeError, match="never by text"):
        datacache.cached_public("ocop.catalog", "rau", compute=lambda: "")
    with pytest.raises(ValueError, match="area"):
        datacache.cached_for(None, "summary", compute=lambda: "")
