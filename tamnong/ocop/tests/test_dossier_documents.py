"""The dossier of 26/2026 (regime `dossier`, `commune_check`; Điều 6, 7.2): Mẫu 01 and Mẫu 02 by
kind of dossier, five samples (none for set 26), the commune's report Mẫu 03 within 15 working
days; what is present or missing on the dossier page; the paper set as a print view."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tamnong.ocop import services
from tamnong.ocop.models import Dossier
from tamnong.testing.ocop import (
    answers,
    install_synthetic_both,
    login,
    producer_and_product,
    quick_certificate,
    registration_file,
)

from . import regime26

DAY = dt.date(2026, 8, 3)


@pytest.fixture
def product(geo, personas, monkeypatch):
    regime26.load(monkeypatch)
    install_synthetic_both()
    return producer_and_product(geo, personas)[1]


def _by_code(items):
    return {i.code: i for i in items}


def test_a_first_evaluation_needs_mau_01_mau_02_the_commune_report_and_five_samples(
    product, personas
):
    dossier = services.open_dossier(personas.producer, product, registered_on=DAY)
    items = _by_code(services.dossier_documents(dossier))
    assert list(items) == ["mau_01", "mau_02", "mau_03", "samples"]
    assert not any(i.present for i in items.values())
    assert items["mau_01"].article == "Điều 6.1.a"
    assert "Phiếu đăng ký" in items["mau_01"].label and "Mẫu 01" in items["mau_01"].label
    assert items["mau_03"].article == "Điều 7.2"
    assert items["samples"].detail == "0/5"
    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.add_file(
        personas.producer, dossier, kind="self_assessment", upload=registration_file("mau-02.pdf")
    )
    items = _by_code(services.dossier_documents(dossier))
    assert items["mau_01"].present and items["mau_02"].present and not items["samples"].present


def test_a_re_evaluation_says_what_mau_02_must_update(product, personas):
    quick_certificate(product, dt.date(2024, 3, 1))  # expires 01/03/2027
    dossier = services.open_dossier(
        personas.producer, product, kind=Dossier.Kind.RENEWAL, registered_on=dt.date(2026, 9, 10)
    )
    items = _by_code(services.dossier_documents(dossier))
    assert items["mau_02"].article == "Điều 6.1.c"
    assert "bao bì" in items["mau_02"].detail and "doanh thu" in items["mau_02"].detail


def test_community_tourism_needs_no_samples(product, personas, geo):
    tourism = services.create_product(
        personas.coordinator, product.producer, name="Homestay Bản Mòng", set_no=26
    )
    dossier = services.open_dossier(personas.producer, tourism, registered_on=DAY)
    items = _by_code(services.dossier_documents(dossier))
    assert items["samples"].present and items["samples"].exempt


def test_the_commune_records_samples_and_its_report(product, personas):
    dossier = services.open_dossier(personas.producer, product, registered_on=DAY)
    services.save_self_assessment(personas.producer, dossier, answers())
    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, dossier, on=DAY)
    services.commune_assess(
        personas.alice,
        dossier,
        answers={"1.b": 10},
        report="Nguyên liệu tại xã, lao động địa phương.",
        samples=5,
        on=dt.date(2026, 8, 10),
    )
    items = _by_code(services.dossier_documents(dossier))
    assert items["mau_03"].present and items["samples"].present and items["samples"].detail == "5/5"


def test_no_checklist_under_a_regime_without_one(geo, personas):
    install_synthetic_both()
    _p, product = producer_and_product(geo, personas)
    dossier = services.open_dossier(personas.producer, product, registered_on=dt.date(2025, 9, 1))
    assert services.dossier_documents(dossier) == []


def _submitted(product, personas, on):
    dossier = services.open_dossier(personas.producer, product, registered_on=on)
    services.save_self_assessment(personas.producer, dossier, answers())
    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, dossier, on=on)
    return dossier


def test_the_commune_check_is_due_after_15_working_days(product, personas):
    # received Friday 28/08/2026: 31/08 (swapped day off), 01-02/09 (Quốc khánh) are not counted
    dossier = _submitted(product, personas, dt.date(2026, 8, 28))
    d = services.dossier_deadlines(dossier, today=dt.date(2026, 9, 23))
    assert d.commune_due == dt.date(2026, 9, 23) and d.commune_article == "Điều 7.2"
    assert not d.commune_late
    late = services.dossier_deadlines(dossier, today=dt.date(2026, 9, 26))  # a Saturday
    assert late.commune_late and late.commune_days_late == 2


def test_the_dossier_page_shows_missing_documents_and_the_late_check_in_red(
    product, personas, client, monkeypatch
):
    dossier = _submitted(product, personas, dt.date(2026, 8, 28))
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 9, 25))
    html = login(client, personas.alice).get(f"/ocop/ho-so/{dossier.pk}/").content.decode()
    assert 'class="doc-present"' in html and 'class="doc-missing"' in html
    assert "Mẫu 01" in html and "Mẫu 03" in html and "0/5" in html
    assert "23/09/2026" in html and "Điều 7.2" in html
    assert 'class="late"' in html and "trễ 2 ngày làm việc" in html


def test_the_paper_set_lists_each_document_with_its_hash_uploader_and_time(
    product, personas, client
):
    dossier = services.open_dossier(personas.producer, product, registered_on=DAY)
    body = b"%PDF-1.4 phieu dang ky"
    services.add_file(
        personas.producer,
        dossier,
        kind="registration",
        upload=SimpleUploadedFile("mau-01.pdf", body, content_type="application/pdf"),
    )
    r = login(client, personas.alice).get(f"/ocop/ho-so/{dossier.pk}/in/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "mau-01.pdf" in html and hashlib.sha256(body).hexdigest() in html
    assert personas.producer.full_name in html and "css/dossier-print.css" in html
    assert "Mẫu 02" in html  # the missing ones are listed too
    assert login(client, personas.outsider).get(f"/ocop/ho-so/{dossier.pk}/in/").status_code in (
        403,
        404,
    )


def test_the_commune_uploads_its_report_from_the_dossier_page(product, personas, client):
    dossier = _submitted(product, personas, dt.date(2026, 8, 28))
    c = login(client, personas.alice)
    assert 'value="commune_report"' in c.get(f"/ocop/ho-so/{dossier.pk}/").content.decode()
    upload = SimpleUploadedFile("mau-03.pdf", b"%PDF-1.4 bao cao", content_type="application/pdf")
    r = c.post(
        f"/ocop/ho-so/{dossier.pk}/", {"action": "file", "kind": "commune_report", "file": upload}
    )
    assert r.status_code == 302
    items = _by_code(services.dossier_documents(dossier))
    assert items["mau_03"].present and items["mau_03"].files[0].uploaded_by == personas.alice
    # the producer cannot upload the commune's report
    with pytest.raises(PermissionDenied):
        services.add_file(
            personas.producer, dossier, kind="commune_report", upload=registration_file()
        )
