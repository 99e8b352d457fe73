"""NTM evidence files are served only through the assessment's scope (issue 14, item 3)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tamnong.ntm import services
from tamnong.testing.ntm import meeting_assessment


@pytest.fixture
def evidence(personas, region_set, no_sources, geo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_HEADER = ""
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    upload = SimpleUploadedFile("bien-ban-hop-dan.pdf", b"%PDF-1.4 evidence")
    return services.add_evidence(personas.alice, a, "1.1", upload, "Biên bản")


def test_the_evidence_is_stored_under_an_unguessable_name(evidence):
    assert "bien-ban" not in evidence.file.name and evidence.name == "bien-ban-hop-dan.pdf"


def test_the_evidence_is_served_to_the_scope_only(client, personas, evidence):
    url = reverse("ntm:evidence", args=[evidence.value.assessment_id, evidence.pk])
    assert client.get(url).status_code == 302
    client.force_login(personas.bob)
    assert client.get(url).status_code == 404
    client.force_login(personas.leader)
    response = client.get(url)
    assert response.status_code == 200
    assert "bien-ban-hop-dan.pdf" in response["Content-Disposition"]
    client.force_login(personas.alice)
    page = client.get(reverse("ntm:assessment", args=[evidence.value.assessment_id]))
    assert url in page.content.decode()
