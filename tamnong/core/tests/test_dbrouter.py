"""Reads on the replica, writes on the primary (issue 15): which requests may read from the
replica, read-your-writes inside a request that wrote and just after it, transactions, and no
replica at all. The router is exercised through its middleware as the handler calls it."""

import time

import pytest
from django.db import connections
from django.test import RequestFactory, override_settings
from django.urls import resolve

from tamnong.core import dbrouter
from tamnong.poverty.models import Household

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
router = dbrouter.PrimaryReplicaRouter()
TWO = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    "replica": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
}


def serve(method: str, path: str, *, write_first=False, cookies=None):
    """What the router answers for a read during a request (and after a write, if asked), and
    the response the middleware gives back."""
    seen = {}
    request = getattr(RequestFactory(), method.lower())(path)
    request.COOKIES.update(cookies or {})
    request.resolver_match = resolve(path)

    def view(req):
        mw.process_view(req, None, (), {})
        seen["first"] = router.db_for_read(Household)
        if write_first:
            seen["write"] = router.db_for_write(Household)
            seen["after"] = router.db_for_read(Household)
        from django.http import HttpResponse

        return HttpResponse("ok")

    mw = dbrouter.ReplicaReadMiddleware(view)
    response = mw(request)
    return seen, response


@override_settings(DATABASES=TWO)
@pytest.mark.parametrize(
    "path", ["/reports/summary/", "/reports/dashboard/", "/ocop/danh-muc/", "/api/v1/openapi.json"]
)
def test_reports_the_public_catalog_and_api_gets_read_from_the_replica(path):
    seen, _ = serve("GET", path)
    assert seen["first"] == "replica"


@override_settings(DATABASES=TWO)
@pytest.mark.parametrize("path", ["/ocop/ho-so/", "/poverty/", "/accounts/login/", "/jobs/"])
def test_other_pages_read_from_the_primary(path):
    assert serve("GET", path)[0]["first"] == "default"


@override_settings(DATABASES=TWO)
def test_writes_go_to_the_primary_and_the_request_then_reads_its_own_writes():
    seen, response = serve("POST", "/reports/summary/", write_first=True)
    assert seen == {"first": "default", "write": "default", "after": "default"}
    seen, response = serve("GET", "/reports/summary/", write_first=True)
    assert seen == {"first": "replica", "write": "default", "after": "default"}
    assert int(response.cookies[dbrouter.COOKIE].value) > time.time()


@override_settings(DATABASES=TWO)
def test_a_client_that_just_wrote_reads_from_the_primary_until_the_cookie_ends():
    soon = str(int(time.time()) + 5)
    assert serve("GET", "/reports/summary/", cookies={dbrouter.COOKIE: soon})[0]["first"] == (
        "default"
    )
    past = str(int(time.time()) - 1)
    assert serve("GET", "/reports/summary/", cookies={dbrouter.COOKIE: past})[0]["first"] == (
        "replica"
    )
    assert serve("GET", "/reports/summary/", cookies={dbrouter.COOKIE: "x"})[0]["first"] == (
        "replica"
    )


@override_settings(DATABASES=TWO)
def test_reads_inside_a_transaction_stay_on_the_primary(monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert serve("GET", "/reports/summary/")[0]["first"] == "default"


@override_settings(DATABASES=TWO)
def test_outside_a_request_everything_is_on_the_primary():
    # the command line, the job worker: no request, no replica
    assert router.db_for_read(Household) == "default"
    assert router.db_for_write(Household) == "default"
    assert router.allow_migrate("replica", "poverty") is False


def test_without_a_replica_the_router_always_answers_the_primary():
    seen, response = serve("GET", "/reports/summary/", write_first=True)
    assert seen == {"first": "default", "write": "default", "after": "default"}
    assert dbrouter.COOKIE not in response.cookies
