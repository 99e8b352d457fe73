"""An administrator loads or replaces a set through the UI: preview, errors, confirmation."""

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from tamnong.conftest import PASSWORD
from tamnong.ocop import criteria as crit
from tamnong.ocop.models import CriteriaSet
from tamnong.rules.models import Upload as CriteriaUpload
from tamnong.testing.ocop import synthetic_raw


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_an_administrator_previews_and_loads_a_corrected_excel_set(client, personas):
    login(client, personas.admin)
    tea = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=11)
    template = client.get(f"/ocop/bo-tieu-chi/{tea.pk}/excel/")
    assert template.status_code == 200
    # The administrator corrects Part C (a made-up correction: the gazette text is not at hand).
    content = crit.parse_xlsx(template.content)
    for part in content["parts"]:
        for c in part["criteria"]:
            if c["code"] == "11":
                c["max_points"] = 6
                c["options"].append({"text": "Đã xuất khẩu (công báo)", "points": 6})
    corrected = crit.set_to_xlsx(
        crit.normalise(
            content,
            {"148/QĐ-TTg": {"part_maxima": {"A": 40, "B": 25, "C": 35}, "date": "2023-02-24"}},
        ).content
    )
    r = client.post("/ocop/bo-tieu-chi/nap/", {"file": SimpleUploadedFile("bo-11.xlsx", corrected)})
    upload = CriteriaUpload.objects.get()
    assert r.status_code == 302 and upload.status == "pending"
    page = client.get(f"/ocop/bo-tieu-chi/nap/{upload.pk}/").content.decode()
    assert "Tiêu chí 11: điểm tối đa 3 → 6" in page
    r = client.post(f"/ocop/bo-tieu-chi/nap/{upload.pk}/", {"action": "apply"})
    new = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=11, version=2)
    assert r.status_code == 302 and new.complete
    tea.refresh_from_db()
    assert tea.superseded_at is not None and not tea.complete  # the old version stays as it was


def test_a_set_that_breaks_the_decision_is_rejected_with_its_errors(client, personas):
    login(client, personas.admin)
    raw = synthetic_raw()
    raw["parts"][2]["max_points"] = 40
    data = yaml.safe_dump(raw, allow_unicode=True).encode()
    client.post("/ocop/bo-tieu-chi/nap/", {"file": SimpleUploadedFile("sai.yaml", data)})
    upload = CriteriaUpload.objects.get()
    assert upload.status == "rejected"
    page = client.get(f"/ocop/bo-tieu-chi/nap/{upload.pk}/").content.decode()
    assert "Phần C: điểm tối đa 40, 148/QĐ-TTg quy định 35" in page
    assert (
        client.post(f"/ocop/bo-tieu-chi/nap/{upload.pk}/", {"action": "apply"}).status_code == 400
    )
    assert not CriteriaSet.objects.filter(set_no=90).exists()


def test_garbage_files_are_refused_not_crashed(client, personas):
    login(client, personas.admin)
    for name, data in [("x.xlsx", b"not a zip"), ("x.yaml", b"a: [unclosed"), ("x.txt", b"hi")]:
        client.post("/ocop/bo-tieu-chi/nap/", {"file": SimpleUploadedFile(name, data)})
    assert list(CriteriaUpload.objects.values_list("status", flat=True)) == ["rejected"] * 3


def test_only_administrators_load_sets(client, personas):
    login(client, personas.coordinator)
    r = client.post("/ocop/bo-tieu-chi/nap/", {"file": SimpleUploadedFile("a.yaml", b"a: 1")})
    assert r.status_code == 403 and not CriteriaUpload.objects.exists()
    assert (
        client.get("/ocop/bo-tieu-chi/mau.xlsx").status_code == 200
    )  # the template is for everyone


def test_a_bad_criteria_workbook_is_refused_by_the_one_reader_in_vietnamese(personas):
    """The criteria workbook is read through tamnong.tabular: a zip bomb is refused on its zip
    directory before anything is unpacked, a protected file by its password, never a library
    message; the sets stay as they were."""
    import pytest

    from tamnong.tabular.tests import files

    before = CriteriaSet.objects.count()
    sheets = files.xlsx([["Khóa", "Giá trị"]], sheet="Thông tin", extra_sheets={"Tiêu chí": []})
    cases = [
        (files.zip_bomb(sheets), "giải nén"),
        (files.PROTECTED_XLSX.read_bytes(), "mật khẩu"),
        (b"%PDF-1.4 not a workbook", "không phải là bảng tính"),
        (files.xlsx([["a"]]), "hai trang «Thông tin» và «Tiêu chí»"),
    ]
    for data, words in cases:
        with pytest.raises(crit.CriteriaError) as exc:
            crit.parse_xlsx(data)
        message = " ".join(exc.value.errors)
        assert words in message, message
        assert "zip" not in message.lower() and "openpyxl" not in message.lower()
    assert CriteriaSet.objects.count() == before
