"""Poverty files (round documents, import error reports) are private (issue 14, item 3)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tamnong.poverty.importing import import_file
from tamnong.poverty.models import ImportBatch, ReviewRound
from tamnong.testing.poverty import row, write_csv


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_HEADER = ""
    return settings.MEDIA_ROOT


def test_a_round_document_is_served_to_the_scope_only(client, geo, personas):
    r = ReviewRound.objects.create(commune=geo.commune_a, year=2025)
    r.document = SimpleUploadedFile("bien-ban-binh-xet.pdf", b"%PDF-1.4 round")
    r.save()
    r.refresh_from_db()
    assert "bien-ban" not in r.document.name and r.document_name == "bien-ban-binh-xet.pdf"
    url = reverse("poverty:round_document", args=[geo.commune_a.pk, 2025])
    assert client.get(url).status_code == 302
    client.force_login(personas.bob)
    assert client.get(url).status_code == 404
    client.force_login(personas.alice)
    response = client.get(url)
    assert (
        response.status_code == 200 and "bien-ban-binh-xet.pdf" in response["Content-Disposition"]
    )


def test_an_import_error_report_has_an_unguessable_name_and_is_served_to_its_owner(
    client, geo, personas, media
):
    media.mkdir(parents=True, exist_ok=True)
    result = import_file(
        write_csv(media / "ho.csv", [row("H1", income="nhiều")]), user=personas.alice
    )
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.error_report and f"loi-nhap-ho-{batch.pk}" not in batch.error_report
    url = reverse("poverty:import_errors", args=[batch.pk])
    client.force_login(personas.bob)
    assert client.get(url).status_code == 404
    client.force_login(personas.alice)
    response = client.get(url)
    assert response.status_code == 200
    assert f"loi-nhap-ho-{batch.pk}.csv" in response["Content-Disposition"]
