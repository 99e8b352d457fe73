"""Imports audited per record (issue 14, item 8): a compact change table per import run, the
origin of who imported (cli / web / api, never "job"), the change page, and "undo this import"."""

from __future__ import annotations

import getpass

import pytest
from django.core.management import call_command
from django.urls import reverse

from tamnong.access.actors import SYSTEM
from tamnong.audit import changes
from tamnong.audit.models import AuditEvent, ImportChange
from tamnong.jobs.services import run_now
from tamnong.poverty import figures
from tamnong.poverty.importing import import_file
from tamnong.poverty.models import Household, ImportBatch, PovertyFigure, ReviewRecord
from tamnong.testing.poverty import row, write_csv, write_xlsx


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def _figures() -> list[tuple]:
    return sorted(
        PovertyFigure.objects.values_list(
            "division_id", "commune_id", "year", "area", "households", "poor", "near_poor",
            "middle", "transitions", "poor_deprived",
        )
    )  # fmt: skip


def _first_then_second(media, user=SYSTEM):
    """H1 (1 450 000) and H2 imported; then H1 at 2 000 000 and a new household NEW1."""
    first = import_file(
        write_xlsx(media / "a.xlsx", [row("H1", income=1_450_000), row("H2")]), user=user
    )
    assert first.ok, first.error_sample
    second = import_file(
        write_xlsx(
            media / "b.xlsx", [row("H1", income=2_000_000), row("H2"), row("NEW1", income=900_000)]
        ),
        user=user,
    )
    assert second.ok, second.error_sample
    return first, second


def test_an_import_records_the_previous_income_of_an_updated_household(geo, media):
    _first, second = _first_then_second(media)
    key = changes.run_key("poverty.ImportBatch", second.batch_id)
    rec = ReviewRecord.objects.get(household__code="H1")
    updated = ImportChange.objects.get(run=key, model="poverty.ReviewRecord", op="u")
    assert updated.object_id == rec.pk
    assert updated.before["income"] == 1_450_000 and updated.after["income"] == 2_000_000
    # only the changed fields (H2 did not change: no row at all)
    assert "members" not in updated.before
    assert not ImportChange.objects.filter(
        run=key, object_id=ReviewRecord.objects.get(household__code="H2").pk, op="u"
    ).exists()
    created = changes.created_ids(key, "poverty.Household")
    assert created == [Household.objects.get(code="NEW1").pk]


def test_the_audit_page_and_the_job_page_link_to_the_changes_of_an_import(geo, media, client):
    import_file(write_xlsx(media / "a.xlsx", [row("H1", income=1_450_000)]), user=geo.admin)
    job = run_now(
        "poverty.import",
        user=geo.admin,
        path=str(write_xlsx(media / "b.xlsx", [row("H1", income=2_000_000)])),
        user_id=geo.admin.pk,
        file_name="b.xlsx",
    )
    batch = ImportBatch.objects.get(pk=job.result["batch"])
    url = reverse("audit:import_changes", args=["poverty.ImportBatch", batch.pk])
    client.force_login(geo.admin)
    assert url in client.get(reverse("audit:list")).content.decode()
    assert url in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "1.450.000" in page and "2.000.000" in page
    assert "Thu nhập bình quân" in page  # the field's Vietnamese name
    assert "Cập nhật" in page
    only_created = client.get(url, {"op": "c"}).content.decode()
    assert "1.450.000" not in only_created


def test_a_cli_import_records_origin_cli_and_the_os_user(geo, media):
    call_command("import_households", str(write_csv(media / "a.csv", [row("H1")])))
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, model="poverty.ImportBatch")
    assert event.origin == "cli"
    assert getpass.getuser() in event.actor_name


def test_a_cli_import_as_a_user_records_that_user(geo, media, personas):
    call_command("import_households", str(write_csv(media / "a.csv", [row("H1")])), "--as", "alice")
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, model="poverty.ImportBatch")
    assert event.origin == "cli" and event.actor == personas.alice


def test_a_web_upload_records_origin_web(geo, media, client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tamnong.jobs.services import claim_next, run

    client.force_login(personas.alice)
    data = write_csv(media / "a.csv", [row("H1")]).read_bytes()
    response = client.post(
        reverse("poverty:import"), {"file": SimpleUploadedFile("a.csv", data, "text/csv")}
    )
    assert response.status_code == 302
    run(claim_next())  # the preview (a dry run), then the import the user confirms
    preview_url = client.get(response["Location"]).request["PATH_INFO"]
    if preview_url.startswith("/nhap/xem/"):
        assert client.post(preview_url, {"action": "confirm"}).status_code == 302
        run(claim_next())
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.IMPORT, model="poverty.ImportBatch"
    ).get()
    assert event.origin == "web" and event.actor == personas.alice


def test_undo_restores_the_previous_income_removes_created_households_and_rebuilds(geo, media):
    _first, second = _first_then_second(media, user=geo.admin)
    before_events = AuditEvent.objects.count()
    changes.undo(changes.run_key("poverty.ImportBatch", second.batch_id), geo.admin)
    assert ReviewRecord.objects.get(household__code="H1").income == 1_450_000
    assert not Household.objects.filter(code="NEW1").exists()
    assert not ReviewRecord.objects.filter(household__code="NEW1").exists()
    assert sorted(Household.objects.values_list("code", flat=True)) == ["H1", "H2"]
    kept = _figures()
    figures.rebuild({2025})
    assert kept == _figures()
    assert _figures()[0][4] == 2  # households of the commune
    undo_event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() > before_events
    assert undo_event.note.startswith("Hoàn tác")


def test_undo_of_a_first_import_removes_every_household(geo, media):
    result = import_file(
        write_xlsx(media / "a.xlsx", [row(f"N{i}") for i in range(30)]), user=SYSTEM
    )
    assert result.ok
    changes.undo(changes.run_key("poverty.ImportBatch", result.batch_id), geo.admin)
    assert not Household.objects.exists() and not ReviewRecord.objects.exists()
    assert not PovertyFigure.objects.filter(households__gt=0).exists()


def test_undo_is_refused_after_a_later_manual_edit_and_nothing_is_written(geo, media):
    _first, second = _first_then_second(media, user=geo.admin)
    rec = ReviewRecord.objects.get(household__code="H1")
    rec.income = 2_100_000
    rec.save()
    snapshot = (
        sorted(ReviewRecord.objects.values_list("household__code", "income")),
        sorted(Household.objects.values_list("code", flat=True)),
        _figures(),
    )
    events = AuditEvent.objects.count()
    with pytest.raises(changes.UndoRefused) as refused:
        changes.undo(changes.run_key("poverty.ImportBatch", second.batch_id), geo.admin)
    message = str(refused.value)
    assert "1 bản ghi" in message and "H1" in message
    assert snapshot == (
        sorted(ReviewRecord.objects.values_list("household__code", "income")),
        sorted(Household.objects.values_list("code", flat=True)),
        _figures(),
    )
    assert AuditEvent.objects.count() == events


def test_undo_from_the_page_for_the_owner_only(geo, media, client, personas):
    _first, second = _first_then_second(media, user=personas.alice)
    url = reverse("audit:import_undo", args=["poverty.ImportBatch", second.batch_id])
    client.force_login(personas.bob)
    assert client.post(url).status_code in (403, 404)
    assert ReviewRecord.objects.get(household__code="H1").income == 2_000_000
    client.force_login(personas.alice)
    response = client.post(url)
    assert response.status_code == 302
    assert ReviewRecord.objects.get(household__code="H1").income == 1_450_000


def test_undo_refused_on_the_page_gives_a_vietnamese_message(geo, media, client, personas):
    _first, second = _first_then_second(media, user=personas.alice)
    rec = ReviewRecord.objects.get(household__code="H1")
    rec.income = 2_100_000
    rec.save()
    client.force_login(personas.alice)
    url = reverse("audit:import_undo", args=["poverty.ImportBatch", second.batch_id])
    response = client.post(url)
    assert response.status_code == 400
    assert "đã thay đổi sau lần nhập" in response.content.decode()
    assert ReviewRecord.objects.get(household__code="H1").income == 2_100_000


def test_an_ocop_list_import_records_its_records_and_can_be_undone(geo, personas):
    from tamnong.ocop import importer
    from tamnong.ocop.models import Certificate, Dossier, Producer, Product
    from tamnong.testing.ocop_rows import GOOD, csv_bytes

    run = importer.import_file(personas.coordinator, "ocop.csv", csv_bytes(GOOD))
    assert run.committed, run.rejected
    key = changes.run_key("ocop.ImportRun", run.pk)
    assert sorted(changes.created_ids(key, "ocop.Product")) == sorted(
        Product.objects.values_list("pk", flat=True)
    )
    assert changes.import_event(key).origin != "job"
    changes.undo(key, personas.coordinator)
    assert not Product.objects.exists() and not Producer.objects.exists()
    assert not Dossier.objects.exists() and not Certificate.objects.exists()


def test_a_funding_import_records_the_previous_amount_and_can_be_undone(
    tmp_path, personas, geo, client
):
    from decimal import Decimal

    from tamnong.reports import importing
    from tamnong.reports.catalog import load_catalog
    from tamnong.reports.models import FundingRecord

    load_catalog()
    header = ",".join(importing.HEADERS) + "\n"
    first = tmp_path / "v1.csv"
    first.write_text(header + "01,,2025,ntm,nstw,1500,1200,\n", encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text(
        header + "01,,2025,ntm,nstw,1600,1200,\n10001,,2024,ntm,nsdp,300,300,\n",
        encoding="utf-8",
    )
    assert importing.import_funding(personas.coordinator, first).created == 1
    assert importing.import_funding(personas.coordinator, second).updated == 1
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.IMPORT, model="reports.FundingRecord"
    ).latest("id")
    key = changes.event_run_key(event)
    update = ImportChange.objects.get(run=key, op="u")
    assert Decimal(update.before["allocated"]) == 1500
    url = reverse("audit:import_changes", args=[changes.EVENT, event.pk])
    client.force_login(geo.admin)
    assert url in client.get(reverse("audit:list")).content.decode()
    client.force_login(personas.coordinator)  # who imported it
    assert "1.500" in client.get(url).content.decode()
    changes.undo(key, personas.coordinator)
    assert [r.allocated for r in FundingRecord.objects.all()] == [Decimal("1500")]


def test_an_api_import_records_origin_api(geo, media, personas):
    from tamnong.audit import context
    from tamnong.jobs.services import claim_next, enqueue, run

    path = str(write_csv(media / "a.csv", [row("H1")]))
    with context.acting(context.Actor(user=personas.alice, origin="api")):
        enqueue("poverty.import", user=personas.alice, path=path, user_id=personas.alice.pk)
    run(claim_next())  # the worker: no request around it
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, model="poverty.ImportBatch")
    assert event.origin == "api" and event.actor == personas.alice


def test_a_large_undo_runs_as_a_job(geo, media, client, personas, monkeypatch):
    from tamnong.jobs.services import claim_next, run

    monkeypatch.setattr(changes, "JOB_ABOVE", 0)
    _first, second = _first_then_second(media, user=personas.alice)
    client.force_login(personas.alice)
    response = client.post(
        reverse("audit:import_undo", args=["poverty.ImportBatch", second.batch_id])
    )
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = run(claim_next())
    assert job.result["ok"], job.result
    assert ReviewRecord.objects.get(household__code="H1").income == 1_450_000
    assert not Household.objects.filter(code="NEW1").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNDO, actor=personas.alice).exists()


def test_undo_is_refused_after_a_later_import_until_that_one_is_undone(geo, media):
    first, second = _first_then_second(media, user=geo.admin)
    third = import_file(
        write_xlsx(media / "c.xlsx", [row("H1", income=2_500_000), row("NEW1", members=5)]),
        user=geo.admin,
    )
    assert third.ok
    with pytest.raises(changes.UndoRefused) as refused:
        changes.undo(changes.run_key("poverty.ImportBatch", second.batch_id), geo.admin)
    # H1's record, NEW1's household and record (5 members now)
    assert "3 bản ghi" in str(refused.value) and "NEW1" in str(refused.value)
    changes.undo(changes.run_key("poverty.ImportBatch", third.batch_id), geo.admin)
    changes.undo(changes.run_key("poverty.ImportBatch", second.batch_id), geo.admin)
    assert ReviewRecord.objects.get(household__code="H1").income == 1_450_000
    assert not Household.objects.filter(code="NEW1").exists()
    with pytest.raises(changes.UndoRefused):
        changes.undo(changes.run_key("poverty.ImportBatch", second.batch_id), geo.admin)
    kept = _figures()
    figures.rebuild({2025})
    assert kept == _figures()
