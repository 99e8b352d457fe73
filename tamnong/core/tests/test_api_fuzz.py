"""A bounded property-based walk over every API operation (schemathesis): a few generated
requests per operation, as a province officer and as a commune officer; no answer may be a
server error, and every answer must be one the schema documents, in the documented shape.

Deterministic (derandomized, no example database) and small, so it runs with the suite on
both engines; `API_FUZZ_EXAMPLES` raises the number of examples for a longer local run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tamnong.accounts.models import ApiToken
from tamnong.api import api
from tamnong.wsgi import application

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
# The coverage phase sends dozens of boundary cases per operation: too many for every run.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes the database connection when a request ends; the test's transaction
    lives on it. Django's test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["coordinator", "alice"])
def auth(request, personas):
    """A province officer (coordinator of the province) and a commune officer (alice)."""
    _token, raw = ApiToken.issue(getattr(personas, request.param), "fuzz")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_keeps_its_schema(case, auth):
    case.call_and_validate(headers=auth, checks=CHECKS)
