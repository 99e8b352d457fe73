"""A change of units loaded from a file (2026: communes turned into wards), on top of the map in
force: the command, the administrator's page, the loader, and what follows for records, reports,
scopes and the urban/rural area of poverty reviews."""

import csv
import datetime as dt
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tamnong.access.actors import SYSTEM
from tamnong.audit.models import AuditEvent
from tamnong.conftest import MINI
from tamnong.divisions.changes import read_change
from tamnong.divisions.models import Division, Level, Lineage, MapChangeUpload, MapVersion
from tamnong.divisions.services import as_of, as_of_map, load_divisions, resolve, within_q

CHANGE = """key: thu-2026
name: 'Thử: thành lập Phường Châu'
basis: Nghị quyết thử nghiệm số 1/NQ-UBTVQH16
issued: '2026-04-14'
effective_date: '2026-04-30'
events:
  - {kind: reclassify, from: '10003', to: {code: '10003', name: Phường Châu, kind: phuong}}
"""
BEFORE, AFTER = dt.date(2026, 4, 29), dt.date(2026, 4, 30)


def change_file(tmp_path: Path, text: str = CHANGE, name: str = "thu.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def apply(tmp_path: Path) -> Division:
    call_command("divisions", "apply-change", str(change_file(tmp_path)), stdout=StringIO())
    return Division.objects.get(map__key="thu-2026", level=Level.COMMUNE, code="10003")


def test_the_command_shows_the_change_then_applies_it_once(geo, tmp_path):
    path = change_file(tmp_path)
    out = StringIO()
    call_command("divisions", "apply-change", str(path), "--dry-run", stdout=out)
    assert "Xã Châu (10003) → Phường Châu (10003): chuyển loại xã → phường" in out.getvalue()
    assert "chưa ghi gì" in out.getvalue()
    assert not MapVersion.objects.filter(key="thu-2026").exists()

    call_command("divisions", "apply-change", str(path), stdout=StringIO())
    mv = MapVersion.objects.get(key="thu-2026")
    assert (mv.base.key, mv.valid_from, mv.valid_to) == ("new", AFTER, None)
    ward = Division.objects.get(map=mv, code="10003")
    old = Division.objects.get(pk=geo.commune_c.pk)
    assert (old.valid_to, old.is_current, old.current) == (BEFORE, False, ward)
    assert (ward.kind, ward.name, ward.parent, ward.is_current) == (
        "phuong",
        "Phường Châu",
        geo.province,
        True,
    )
    link = Lineage.objects.get(predecessor=old, successor=ward)
    assert (link.kind, link.primary, link.effective_date) == ("reclassify", True, AFTER)

    again = StringIO()
    call_command("divisions", "apply-change", str(path), stdout=again)
    assert "đã được áp dụng" in again.getvalue()
    assert MapVersion.objects.filter(base__isnull=False).count() == 1


def test_a_wrong_file_is_refused_with_every_reason_and_nothing_is_written(geo, tmp_path):
    bad = CHANGE.replace("kind: phuong", "kind: xa") + (
        "  - {kind: reclassify, from: '99999', to: {code: '99999', name: Phường Ma, kind: phuong}}\n"
        "  - {kind: reclassify, from: '10001', to: {code: '20002', name: Phường An, kind: phuong}}\n"
        "  - {kind: merge, from: '90001', to: {code: '90001', name: Xã Xa Mới}}\n"
    )
    with pytest.raises(CommandError) as exc:
        call_command("divisions", "apply-change", str(change_file(tmp_path, bad)))
    message = str(exc.value)
    assert "loại mới giống loại cũ" in message
    assert "không có xã/phường mã 99999" in message
    assert "Mã 20002 đang là của một đơn vị khác còn hiệu lực" in message
    assert "cần ít nhất hai đơn vị cũ" in message
    dated = CHANGE.replace("'2026-04-30'", "30/4/2026")
    with pytest.raises(CommandError, match="Ngày hiệu lực"):
        call_command("divisions", "apply-change", str(change_file(tmp_path, dated, "d.yaml")))
    with pytest.raises(CommandError, match="YAML"):
        call_command("divisions", "apply-change", str(change_file(tmp_path, "key: [", "e.yaml")))
    assert not MapVersion.objects.filter(base__isnull=False).exists()
    assert Division.objects.get(pk=geo.commune_c.pk).is_current


def test_records_keep_their_unit_and_reports_name_the_unit_of_their_day(geo, personas, tmp_path):
    ward = apply(tmp_path)
    old = Division.objects.get(pk=geo.commune_c.pk)
    village = Division.objects.get(pk=geo.villages["C1"].pk)
    pre_2025 = Division.objects.get(pk=geo.old_commune_chau.pk)
    # As of a day, a record's unit is named by the unit in force that day.
    assert as_of(old, BEFORE).name == "Xã Châu" and as_of(old, AFTER) == ward
    assert as_of(ward, BEFORE) == old and as_of_map(ward, "new") == old
    assert as_of(pre_2025, dt.date(2025, 8, 1)) == old and as_of(pre_2025, AFTER) == ward
    assert as_of(old, AFTER, Level.PROVINCE) == geo.province
    names = {d.name for d in Division.objects.current(BEFORE).filter(parent=geo.province)}
    assert "Xã Châu" in names and "Phường Châu" not in names
    names = {d.name for d in Division.objects.current(AFTER).filter(parent=geo.province)}
    assert "Phường Châu" in names and "Xã Châu" not in names
    # Today the records of the old units count under the ward, in the province's scope.
    assert resolve(old) == ward and resolve(pre_2025) == ward
    assert village.parent == ward and village.path.startswith(ward.path)  # same village, same id
    four = [old.pk, ward.pk, village.pk, pre_2025.pk]
    assert Division.objects.within(ward).filter(pk__in=four).count() == 4
    assert Division.objects.within(geo.province).filter(pk__in=four).count() == 4
    # A report as of the 2025 map on Xã Châu counts the ward and its village too, and nothing else.
    as_2025 = set(Division.objects.filter(within_q(old, "")).values_list("pk", flat=True))
    assert set(four) <= as_2025
    assert geo.commune_a.pk not in as_2025 and geo.ward.pk not in as_2025
    # An old district reported as of the pre-2025 map reaches the ward through two steps.
    as_old = set(
        Division.objects.filter(within_q(geo.old_district, "")).values_list("pk", flat=True)
    )
    assert {ward.pk, village.pk} <= as_old
    # The NTM API's default lookup by code gives the unit in force.
    from tamnong.ntm.api import find_division

    assert find_division("10003") == ward and find_division("10003", "new") == old
    # Bob held his role on Xã Châu: he holds it on the ward, and the move is in the audit trail.
    assert personas.bob.memberships.get().division == ward
    assert AuditEvent.objects.filter(
        model="accounts.Membership", action=AuditEvent.Action.UPDATE, division=ward
    ).exists()


def test_the_area_of_a_poverty_review_follows_the_date(geo, personas, tmp_path, settings):
    from tamnong.poverty import services
    from tamnong.poverty.importing import import_file
    from tamnong.poverty.models import Area, Household, ReviewRecord
    from tamnong.poverty.tests.helpers import row, write_xlsx

    settings.MEDIA_ROOT = tmp_path
    # 1.800.000 đ/người/tháng: above the rural line (1.500.000), below the urban one (2.000.000).
    rows = [row(code, year=2025, commune="10003", income=1_800_000) for code in ("C-1", "C-2")]
    assert import_file(write_xlsx(tmp_path / "2025.xlsx", rows), user=SYSTEM).ok
    ward = apply(tmp_path)
    assert import_file(
        write_xlsx(
            tmp_path / "2026.xlsx", [row("C-1", year=2026, commune="10003", income=1_800_000)]
        ),
        user=SYSTEM,
    ).ok
    r2025 = ReviewRecord.objects.get(household__code="C-1", year=2025)
    r2026 = ReviewRecord.objects.get(household__code="C-1", year=2026)
    assert (r2025.area, r2025.division_id) == (Area.RURAL, geo.commune_c.pk)  # keeps its unit
    assert (r2026.area, r2026.division_id) == (Area.URBAN, ward.pk)
    assert r2026.classification == "near_poor" and r2025.classification != "near_poor"
    # An officer's edit follows the year too, whichever unit the household names now.
    data = services.ReviewInput(1_800_000, 4, set())
    c1 = Household.objects.get(code="C-1")  # moved to the ward by the 2026 import
    assert services.save_review(personas.bob, c1, 2025, data).area == Area.RURAL
    c2 = Household.objects.get(code="C-2")  # still names Xã Châu
    assert services.save_review(personas.bob, c2, 2026, data).area == Area.URBAN
    assert services.save_review(personas.bob, c2, 2025, data).area == Area.RURAL


def test_an_administrator_previews_then_confirms_a_change_on_the_page(geo, personas, client):
    client.force_login(personas.admin)
    page = client.get(reverse("divisions:changes"))
    assert page.status_code == 200 and 'id="change-form"' in page.content.decode()
    upload_file = SimpleUploadedFile("thu.yaml", CHANGE.encode(), content_type="application/yaml")
    resp = client.post(reverse("divisions:changes"), {"file": upload_file})
    assert resp.status_code == 302
    upload = MapChangeUpload.objects.get()
    preview = client.get(resp.url).content.decode()
    assert "Xã Châu (10003) → Phường Châu (10003): chuyển loại xã → phường" in preview
    assert "1 thôn, tổ dân phố" in preview and "1 phân quyền" in preview  # Thôn C1, Bob
    assert upload.status == "pending" and not MapVersion.objects.filter(key="thu-2026").exists()

    resp = client.post(reverse("divisions:change_upload", args=[upload.pk]), {"action": "apply"})
    assert resp.status_code == 302
    mv = MapVersion.objects.get(key="thu-2026")
    upload.refresh_from_db()
    assert (upload.status, upload.result) == ("applied", mv)
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, model="divisions.MapVersion")
    assert event.actor == personas.admin and event.after["units"] == 1
    listing = client.get(resp.url).content.decode()
    assert "Phường Châu" in listing and "Chuyển loại đơn vị" in listing
    again = client.post(reverse("divisions:change_upload", args=[upload.pk]), {"action": "apply"})
    assert again.status_code == 400 and "đã được xử lý" in again.content.decode()


def test_a_wrong_upload_shows_its_reasons_and_cannot_be_confirmed(geo, personas, client):
    client.force_login(personas.admin)
    bad = SimpleUploadedFile("sai.yaml", CHANGE.replace("'10003', to", "'10009', to").encode())
    resp = client.post(reverse("divisions:changes"), {"file": bad})
    upload = MapChangeUpload.objects.get()
    assert upload.status == "rejected"
    assert "không có xã/phường mã 10009" in client.get(resp.url).content.decode()
    resp = client.post(reverse("divisions:change_upload", args=[upload.pk]), {"action": "apply"})
    assert resp.status_code == 400 and not MapVersion.objects.filter(base__isnull=False).exists()
    not_yaml = SimpleUploadedFile("bang.xlsx", b"PK\x03\x04")
    client.post(reverse("divisions:changes"), {"file": not_yaml})
    assert MapChangeUpload.objects.filter(file_name="bang.xlsx", status="rejected").exists()


def test_only_an_administrator_may_load_a_change(geo, personas, client):
    from tamnong.divisions import changes

    client.force_login(personas.coordinator)
    page = client.get(reverse("divisions:changes"))
    assert page.status_code == 200 and 'id="change-form"' not in page.content.decode()
    upload_file = SimpleUploadedFile("thu.yaml", CHANGE.encode())
    assert client.post(reverse("divisions:changes"), {"file": upload_file}).status_code == 403
    assert not MapChangeUpload.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()
    upload = changes.preview_upload(personas.admin, "thu.yaml", CHANGE.encode())
    url = reverse("divisions:change_upload", args=[upload.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "apply"}).status_code == 403
    with pytest.raises(changes.PermissionDenied):
        changes.apply_upload(personas.coordinator, upload)
    assert not MapVersion.objects.filter(base__isnull=False).exists()


def test_a_change_listed_in_the_manifest_is_applied_by_the_loader_once(tmp_path, no_map):
    shutil.copytree(MINI, tmp_path, dirs_exist_ok=True)
    (tmp_path / "changes").mkdir()
    change_file(tmp_path / "changes")
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["changes"] = [{"file": "changes/thu.yaml", "key": "thu-2026"}]
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = load_divisions(tmp_path)
    assert report.created["changes"] == 1 and report.unresolved == []
    old = Division.objects.get(map__key="new", level=Level.COMMUNE, code="10003")
    assert old.valid_to == BEFORE and resolve(old).name == "Phường Châu"
    again = load_divisions(tmp_path)
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    assert Division.objects.get(pk=old.pk).valid_to == BEFORE


def test_the_shipped_resolution_237_turns_ten_dong_nai_communes_into_wards():
    data = Path(settings.DIVISIONS_DATA_DIR)
    path = data / "changes" / "2026-04-30-nq237.yaml"
    doc = read_change(path.name, path.read_bytes())
    assert (doc["key"], doc["effective_date"], doc["base_map"]) == (
        "nq237-2026",
        "2026-04-30",
        "vn-2025",
    )
    with (data / "vn-2025" / "units.csv").open(encoding="utf-8") as fh:
        units = {r["code"]: r for r in csv.DictReader(fh) if r["level"] == "commune"}
    codes = ["25270", "25357", "25363", "26116", "26170", "26248", "26326", "26368", "26425"]
    assert [e["from"] for e in doc["events"]] == [*codes, "26485"]
    for event in doc["events"]:
        unit = units[event["from"]]
        assert event["kind"] == "reclassify" and event["to"]["code"] == event["from"]
        assert (unit["kind"], unit["parent_code"], event["to"]["kind"]) == ("xa", "75", "phuong")
        assert event["to"]["name"] == unit["name"].replace("Xã ", "Phường ", 1)
    manifest = yaml.safe_load((data / "MANIFEST.json").read_text(encoding="utf-8"))
    assert [c["file"] for c in manifest["changes"]] == ["changes/2026-04-30-nq237.yaml"]
