"""Stored files are private (issue 14, item 3): unguessable names on disk, served only through a
view that checks the record's scope; the catalog photo is public on purpose."""

import datetime as dt
import hashlib
import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tamnong.ocop import services
from tamnong.ocop.models import DossierFile, Product
from tamnong.testing.ocop import (
    answers,
    install_synthetic,
    producer_and_product,
    quick_certificate,
    registration_file,
)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_HEADER = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def stored(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = services.open_dossier(personas.producer, product, registered_on=dt.date(2025, 9, 1))
    services.save_self_assessment(personas.producer, dossier, answers())
    f = services.add_file(
        personas.producer, dossier, kind="registration", upload=registration_file()
    )
    return f


def url(f: DossierFile) -> str:
    return reverse("ocop:dossier_file", args=[f.dossier_id, f.pk])


def test_an_anonymous_visitor_is_sent_to_the_login(client, stored):
    response = client.get(url(stored))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["bob", "outsider", "nobody"])
def test_a_user_outside_the_scope_gets_404(client, personas, stored, who):
    client.force_login(getattr(personas, who))
    assert client.get(url(stored)).status_code == 404


@pytest.mark.parametrize("who", ["producer", "alice", "coordinator"])
def test_the_owner_and_the_officers_in_scope_get_the_file_with_its_original_name(
    client, personas, stored, who
):
    client.force_login(getattr(personas, who))
    response = client.get(url(stored))
    assert response.status_code == 200
    assert "phieu-dang-ky.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_the_dossier_page_links_to_the_checked_view(client, personas, stored):
    client.force_login(personas.producer)
    page = client.get(reverse("ocop:dossier", args=[stored.dossier_id])).content.decode()
    assert url(stored) in page and "/media/" not in page


def test_the_stored_name_is_not_guessable(stored, personas):
    assert "phieu-dang-ky" not in stored.file.name and stored.name == "phieu-dang-ky.pdf"
    again = services.add_file(
        personas.producer, stored.dossier, kind="other", upload=registration_file()
    )
    assert again.file.name != stored.file.name
    token = stored.file.name.rsplit("/", 1)[-1].split(".")[0]
    assert len(token) >= 22  # ≥ 128 random bits


def test_the_hash_and_size_of_a_dossier_document_are_kept(stored):
    content = b"%PDF-1.4 " + b"x" * 100
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content) and stored.uploaded_by_id and stored.uploaded_at


def test_in_production_nginx_sends_the_file(client, personas, stored, settings):
    settings.SENDFILE_HEADER = "X-Accel-Redirect"
    settings.SENDFILE_URL = "/protected/"
    client.force_login(personas.producer)
    response = client.get(url(stored))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected/" + stored.file.name
    assert "phieu-dang-ky.pdf" in response["Content-Disposition"]


def test_apache_or_lighttpd_get_the_path_in_x_sendfile(client, personas, stored, settings):
    settings.SENDFILE_HEADER = "X-Sendfile"
    client.force_login(personas.producer)
    response = client.get(url(stored))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / stored.file.name)


def test_media_is_not_served_even_with_debug_on(stored):
    import tamnong.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(tamnong.urls)
            with pytest.raises(Resolver404):
                resolve("/media/" + stored.file.name, urlconf=tamnong.urls)
    finally:
        importlib.reload(tamnong.urls)


# -- the product photo ------------------------------------------------------------------------
def photo(name="anh-san-pham.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"p" * 50, content_type="image/png")


@pytest.fixture
def products(geo, personas):
    install_synthetic()
    _producer, shown = producer_and_product(geo, personas)
    hidden = services.create_product(
        personas.producer, shown.producer, name="Chè chưa công nhận", set_no=shown.set_no
    )
    quick_certificate(shown, timezone.localdate() - dt.timedelta(days=10))
    for p in (shown, hidden):
        p.photo = photo()
        p.save()
    return Product.objects.get(pk=shown.pk), Product.objects.get(pk=hidden.pk)


def test_the_photo_of_a_catalog_product_is_public(client, products):
    shown, _hidden = products
    assert "anh-san-pham" not in shown.photo.name
    response = client.get(reverse("ocop:catalog_photo", args=[shown.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    catalog = client.get(reverse("ocop:catalog")).content.decode()
    assert reverse("ocop:catalog_photo", args=[shown.pk]) in catalog


def test_the_photo_of_a_product_not_in_the_catalog_is_not(client, personas, products):
    _shown, hidden = products
    assert client.get(reverse("ocop:catalog_photo", args=[hidden.pk])).status_code == 404
    officer_url = reverse("ocop:product_photo", args=[hidden.pk])
    assert client.get(officer_url).status_code == 302
    client.force_login(personas.bob)
    assert client.get(officer_url).status_code == 404
    client.force_login(personas.alice)
    assert client.get(officer_url).status_code == 200


def test_files_stored_under_the_old_names_are_renamed_and_keep_their_download_name(
    client, personas, stored, media
):
    from django.core.management import call_command

    old = "ocop/dossiers/2026/phieu-dang-ky.pdf"
    (media / old).parent.mkdir(parents=True, exist_ok=True)
    (media / stored.file.name).rename(media / old)
    DossierFile.objects.filter(pk=stored.pk).update(file=old)
    call_command("rename_stored_files")
    stored.refresh_from_db()
    assert stored.file.name != old and "phieu-dang-ky" not in stored.file.name
    assert not (media / old).exists() and (media / stored.file.name).is_file()
    client.force_login(personas.producer)
    response = client.get(url(stored))
    assert response.status_code == 200 and "phieu-dang-ky.pdf" in response["Content-Disposition"]
    call_command("rename_stored_files")  # a second run renames nothing
    name = stored.file.name
    stored.refresh_from_db()
    assert stored.file.name == name


def test_the_product_page_shows_the_photo_through_the_checked_view(client, personas, products):
    _shown, hidden = products
    client.force_login(personas.alice)
    page = client.get(reverse("ocop:product", args=[hidden.pk])).content.decode()
    assert reverse("ocop:product_photo", args=[hidden.pk]) in page
