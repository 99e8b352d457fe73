"""A decision's attachment is served only through the decision's scope (issue 14, item 3)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tamnong.decisions.services import record_decision


def test_the_attachment_is_private_and_keeps_its_name(client, geo, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_HEADER = ""
    d = record_decision(
        None,
        number="12/QĐ-UBND",
        signed_on=dt.date(2025, 12, 1),
        issuer="UBND xã An Bình",
        division=geo.commune_a,
        kind="ntm_recognition",
        subject="Công nhận",
    )
    d.attachment = SimpleUploadedFile("quyet-dinh-12.pdf", b"%PDF-1.4 decision")
    d.save(_allow_update=True)  # attaching the scanned document to a recorded decision
    assert "quyet-dinh" not in d.attachment.name and d.attachment_name == "quyet-dinh-12.pdf"
    url = reverse("decisions:attachment", args=[d.pk])
    assert client.get(url).status_code == 302
    client.force_login(personas.bob)
    assert client.get(url).status_code == 404
    client.force_login(personas.alice)
    response = client.get(url)
    assert response.status_code == 200 and "quyet-dinh-12.pdf" in response["Content-Disposition"]
