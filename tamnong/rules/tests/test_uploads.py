"""One upload-with-preview model for every programme's rule documents (issue 10): OCOP criteria
sets and NTM sets staged, previewed, applied and discarded through rules.Upload, with problems in
the one error shape {file, line, field, message}."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from tamnong.ntm import criteria as ntm_criteria
from tamnong.ocop import rules as ocop_rules
from tamnong.rules import uploads
from tamnong.rules.models import Upload
from tamnong.testing.ocop import synthetic_raw

SHAPE = {"file", "line", "field", "message"}


def test_both_programmes_stage_into_the_one_model_with_one_error_shape(db, personas):
    bad = synthetic_raw()
    bad["parts"][2]["max_points"] = 40
    ocop = ocop_rules.preview_upload(
        personas.admin, "sai.yaml", yaml.safe_dump(bad, allow_unicode=True).encode()
    )
    ntm = ntm_criteria.stage_upload(personas.admin, "bo.txt", b"hello")
    assert {u.programme for u in Upload.objects.all()} == {"ocop", "ntm"}
    for up in (ocop, ntm):
        assert up.status == Upload.Status.REJECTED and up.content is None
        assert up.problems and all(set(p) == SHAPE for p in up.problems)
        assert all(p["file"] == up.file_name and p["message"] for p in up.problems)
    assert any("Phần C" in p["message"] for p in ocop.problems)
    assert ntm.problems[0]["field"] == "tệp"


def test_a_rejected_or_processed_upload_is_never_applied_twice(db, personas):
    good = synthetic_raw()
    up = ocop_rules.preview_upload(
        personas.admin, "moi.yaml", yaml.safe_dump(good, allow_unicode=True).encode()
    )
    assert up.status == Upload.Status.PENDING, up.problems
    new = ocop_rules.apply_upload(personas.admin, up)
    up.refresh_from_db()
    assert up.status == Upload.Status.APPLIED and up.result_id == new.pk
    from tamnong.ocop import criteria as crit

    with pytest.raises(crit.CriteriaError):
        ocop_rules.apply_upload(personas.admin, up)


def test_the_preview_page_is_the_same_for_both_programmes(client, personas):
    client.force_login(personas.admin)
    r = client.post("/ocop/bo-tieu-chi/nap/", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    ocop = Upload.objects.get(programme="ocop")
    page = client.get(r["Location"])
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="upload-errors"' in html and "Không có gì được lưu" in html
    ntm = ntm_criteria.stage_upload(personas.admin, "bo.txt", b"x")
    html2 = client.get(f"/ntm/uploads/{ntm.pk}/").content.decode()
    assert 'id="upload-errors"' in html2 and "Không có gì được lưu" in html2
    assert ocop.pk != ntm.pk


def test_an_upload_is_hidden_from_other_users(client, personas):
    ntm = ntm_criteria.stage_upload(personas.admin, "bo.txt", b"x")
    client.force_login(personas.alice)
    assert client.get(f"/ntm/uploads/{ntm.pk}/").status_code == 404
    assert uploads.discard(ntm) is False  # rejected: nothing to discard
