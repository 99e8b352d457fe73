"""Forms appear only for those who may submit them (issue 14, item 11): the page asks the same
service predicate (`ntm.services.dossier_permissions`) that the step itself enforces."""

import datetime as dt

import pytest
from django.urls import reverse

from tamnong.ntm import services
from tamnong.ntm.models import RecognitionKind
from tamnong.testing.ntm import decide, meeting_assessment

REVOKE = 'name="step" value="revoke"'
STEP = 'id="step-form"'


@pytest.fixture
def recognised(personas, region_set, no_sources, geo):
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 10, 1)
    )
    services.record_consultation(personas.alice, dossier, dt.date(2025, 10, 2), 95)
    services.record_appraisal(personas.coordinator, dossier, dt.date(2025, 10, 3), True)
    decide(personas.coordinator, dossier)
    return dossier


@pytest.fixture
def consulted(personas, region_set, no_sources, geo):
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 10, 1)
    )
    services.record_consultation(personas.alice, dossier, dt.date(2025, 10, 2), 95)
    return dossier


def page(client, user, dossier):
    client.force_login(user)
    response = client.get(reverse("ntm:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["leader", "alice", "council", "secretary"])
def test_the_revoke_form_is_not_shown_to_a_role_that_may_not_revoke(
    client, personas, recognised, who
):
    assert REVOKE not in page(client, getattr(personas, who), recognised)


@pytest.mark.parametrize("who", ["coordinator", "department", "admin"])
def test_the_revoke_form_is_shown_to_a_province_role(client, personas, recognised, who):
    assert REVOKE in page(client, getattr(personas, who), recognised)


def test_the_appraisal_form_is_shown_to_the_province_and_not_to_the_commune_or_the_leader(
    client, personas, consulted
):
    assert STEP in page(client, personas.coordinator, consulted)
    assert STEP not in page(client, personas.alice, consulted)
    assert STEP not in page(client, personas.leader, consulted)


def test_the_leader_posting_the_revoke_form_anyway_is_refused(client, personas, recognised):
    client.force_login(personas.leader)
    response = client.post(
        reverse("ntm:dossier", args=[recognised.pk]),
        {
            "step": "revoke",
            "number": "9/QĐ",
            "signed_on": "2026-03-01",
            "issuer": "UBND tỉnh Mới",
            "reason": "Không còn đạt",
        },
    )
    assert response.status_code == 403
    recognised.recognition.refresh_from_db()
    assert recognised.recognition.state == "active"
