"""The shipped file of Resolution 237/NQ-UBTVQH16 (data/divisions/changes/) loaded the way an
administrator loads the next change (issue 12 §2): previewed then applied by the command and by
the page, on the real Đồng Nai units (a part of the shipped map, `testing.maps`). A report as of
29/04/2026 names the xã, one as of a later day the phường, and the urban/rural area of a poverty
review follows the date."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tamnong.access.actors import SYSTEM
from tamnong.divisions.models import Division, Level, MapChangeUpload, MapVersion
from tamnong.divisions.services import as_of, load_divisions
from tamnong.testing.maps import write_real_part

NQ237 = Path(settings.DIVISIONS_DATA_DIR) / "changes" / "2026-04-30-nq237.yaml"
CODES = ["25270", "25357", "25363", "26116", "26170", "26248", "26326", "26368", "26425", "26485"]
BEFORE, AFTER = dt.date(2026, 4, 29), dt.date(2026, 4, 30)


@pytest.fixture
def dong_nai(no_map, tmp_path, django_user_model):
    report = load_divisions(write_real_part(tmp_path / "map", ["75"]))
    assert report.unresolved == [] and not MapVersion.objects.filter(key="nq237-2026").exists()
    return django_user_model.objects.create_superuser("quantri", password="Mat-khau-thu-1")


def xa(code):
    return Division.objects.get(map__key="vn-2025", level=Level.COMMUNE, code=code)


def check_applied():
    mv = MapVersion.objects.get(key="nq237-2026")
    assert (mv.base.key, mv.valid_from) == ("vn-2025", AFTER)
    wards = Division.objects.filter(map=mv, level=Level.COMMUNE)
    assert sorted(wards.values_list("code", flat=True)) == CODES
    assert set(wards.values_list("kind", flat=True)) == {"phuong"}
    loc_ninh, ward = xa("25270"), wards.get(code="25270")
    assert (loc_ninh.name, loc_ninh.valid_to) == ("Xã Lộc Ninh", BEFORE)
    assert as_of(loc_ninh, BEFORE) == loc_ninh and as_of(loc_ninh, AFTER) == ward
    assert as_of(ward, BEFORE) == loc_ninh and ward.name == "Phường Lộc Ninh"
    return ward


def test_the_command_previews_then_applies_the_shipped_file(dong_nai):
    out = StringIO()
    call_command("divisions", "apply-change", str(NQ237), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Xã Lộc Ninh (25270) → Phường Lộc Ninh (25270): chuyển loại xã → phường" in text
    assert "Xã Nhơn Trạch (26485) → Phường Nhơn Trạch (26485)" in text
    assert text.count("chuyển loại xã → phường") == 10 and "chưa ghi gì" in text
    assert not MapVersion.objects.filter(key="nq237-2026").exists()
    call_command("divisions", "apply-change", str(NQ237), stdout=StringIO())
    check_applied()


def test_the_page_previews_then_applies_the_shipped_file(dong_nai, client):
    client.force_login(dong_nai)
    upload = SimpleUploadedFile(NQ237.name, NQ237.read_bytes(), content_type="application/yaml")
    resp = client.post(reverse("divisions:changes"), {"file": upload})
    assert resp.status_code == 302
    preview = client.get(resp.url).content.decode()
    assert preview.count("chuyển loại xã → phường") == 10
    assert "Xã Trảng Bom (26248) → Phường Trảng Bom (26248)" in preview
    assert not MapVersion.objects.filter(key="nq237-2026").exists()
    pending = MapChangeUpload.objects.get()
    resp = client.post(reverse("divisions:change_upload", args=[pending.pk]), {"action": "apply"})
    assert resp.status_code == 302
    check_applied()


def test_reports_name_the_unit_of_their_day_and_the_area_follows_it(
    dong_nai, tmp_path, settings, capsys
):
    from tamnong.poverty.importing import import_file
    from tamnong.poverty.models import Area, ReviewRecord
    from tamnong.testing.poverty import row, write_xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    # 1.800.000 đ/người/tháng: above the rural line (1.500.000), below the urban one (2.000.000)
    first = [row("LN-1", year=2025, commune="25270", income=1_800_000)]
    assert import_file(write_xlsx(tmp_path / "2025.xlsx", first), user=SYSTEM).ok
    call_command("divisions", "apply-change", str(NQ237), stdout=StringIO())
    ward = check_applied()
    later = [row("LN-1", year=2026, commune="25270", income=1_800_000)]
    assert import_file(write_xlsx(tmp_path / "2026.xlsx", later), user=SYSTEM).ok
    r2025 = ReviewRecord.objects.get(year=2025)
    r2026 = ReviewRecord.objects.get(year=2026)
    assert (r2025.area, r2025.division.name) == (Area.RURAL, "Xã Lộc Ninh")
    assert (r2026.area, r2026.division) == (Area.URBAN, ward)
    assert r2026.classification == "near_poor" and r2025.classification != "near_poor"

    def report(*args):
        capsys.readouterr()
        call_command("report_poverty", "--division", "25270", *args)
        return json.loads(capsys.readouterr().out)

    # as of the 2025 map (in force on 29/04/2026) the unit is the xã; today, the phường; both
    # count the household's records of both years
    old = report("--year", "2025", "--map", "vn-2025")
    assert old["division"]["name"] == "Xã Lộc Ninh" and old["figures"]["households"] == 1
    assert old["figures"]["areas"] == {"rural": old["figures"]["areas"]["rural"]}
    now = report("--year", "2026")
    assert now["division"]["name"] == "Phường Lộc Ninh" and now["figures"]["households"] == 1
    assert list(now["figures"]["areas"]) == ["urban"]
