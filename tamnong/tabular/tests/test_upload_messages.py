"""An upload says it was received (issue 11, also seen: no 'saved' message after uploading): the
poverty and OCOP uploads on their preview page, the confirmation and the funding import on the
job page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tamnong.testing.poverty import row, write_csv


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_FILES_DIR = tmp_path / "jobs"
    return tmp_path


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_poverty_upload_says_it_was_received_and_nothing_is_written_yet(
    client, personas, geo, media
):
    client.force_login(personas.alice)
    data = write_csv(media / "ra-soat.csv", [row("H1")]).read_bytes()
    response = client.post(
        reverse("poverty:import"),
        {"file": SimpleUploadedFile("ra-soat.csv", data, "text/csv")},
        follow=True,
    )
    said = _messages(response)
    assert any("Đã tải lên tệp «ra-soat.csv»" in m and "chưa ghi dòng nào" in m for m in said), said


def test_an_ocop_upload_says_it_was_received(client, personas, geo, media):
    client.force_login(personas.admin)
    response = client.post(
        reverse("ocop:import"),
        {"file": SimpleUploadedFile("danh-sach.csv", b"ten,chu the\n", "text/csv")},
        follow=True,
    )
    assert any("Đã tải lên tệp «danh-sach.csv»" in m for m in _messages(response))


def test_a_funding_upload_says_it_was_received(client, personas, geo, media):
    client.force_login(personas.alice)
    response = client.post(
        reverse("reports:funding_import"),
        {"file": SimpleUploadedFile("von.csv", b"don vi,nam\n", "text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    said = _messages(response)
    assert any("Đã tải lên tệp «von.csv»; đang kiểm tra và nhập" in m for m in said), said
