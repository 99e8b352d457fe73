import datetime as dt

from django.utils.translation import gettext_lazy

from tamnong.jobs.registry import daily, job
from tamnong.tabular.preview import register_import

from . import services


@daily("ocop.expiry_notices", "Thông báo giấy chứng nhận OCOP sắp hết hạn")
def expiry_notices(progress, day: str | None = None) -> dict:
    result = services.send_expiry_notices(dt.date.fromisoformat(day) if day else None)
    progress(result["certificates"], result["certificates"], "Đã gửi thông báo", force=True)
    return result


@daily("ocop.transition_lapse", "Hồ sơ OCOP quá thời hạn chuyển tiếp (Điều 12.2 QĐ 26/2026)")
def transition_lapse(progress, day: str | None = None) -> dict:
    """Dossiers filed under a replaced regime and not finished in the transition period lapse; the
    product is filed again under the regime in force."""
    from django.utils import timezone

    from .transition import lapse_overdue

    lapsed = lapse_overdue(dt.date.fromisoformat(day) if day else timezone.localdate())
    progress(len(lapsed), len(lapsed), "Xong", force=True)
    return {"lapsed": [d.pk for d in lapsed]}


@daily("ocop.reevaluation_notices", "Thông báo đến thời hạn nộp hồ sơ đánh giá lại OCOP")
def reevaluation_notices(progress, day: str | None = None) -> dict:
    result = services.send_reevaluation_notices(dt.date.fromisoformat(day) if day else None)
    progress(result["certificates"], result["certificates"], "Đã gửi thông báo", force=True)
    return result


def _run_of(result: dict):
    from .models import ImportRun

    run = ImportRun.objects.filter(pk=result.get("run")).first() if result.get("run") else None
    if run is None:  # a clean preview keeps no run
        run = ImportRun(counts=result.get("counts", {}), rejected=result.get("rejected", []))
    return run


def describe(result: dict, job=None):
    from .importer import result_view

    return result_view(_run_of(result), preview=bool(result.get("preview")))


def _import(progress, path, user_id, file_name, mapping, *, dry_run, partial=False) -> dict:
    from pathlib import Path

    from tamnong.accounts.models import User

    from .importer import import_file, result_view

    # the command line: no person (the OCOP importer records the run without an author)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    name = file_name or Path(path).name
    run = import_file(
        user,
        name,
        Path(path).read_bytes(),
        partial=partial,
        mapping=mapping,
        dry_run=dry_run,
        progress=progress,
    )
    rows = run.counts.get("rows", 0)
    progress(rows, rows, " ".join(result_view(run, preview=dry_run).sentences), force=True)
    return {
        "run": run.pk,
        "committed": run.committed,
        "ok": not run.rejected,
        "preview": dry_run,
        "counts": run.counts,
        "rejected": run.rejected[:1000] if run.pk is None else [],
        "rejected_count": len(run.rejected),
    }


@job("ocop.import", "Nhập danh sách OCOP", describe=describe)
def import_list(
    progress,
    path: str,
    user_id: int | None = None,
    partial: bool = False,
    file_name: str = "",
    mapping: dict | None = None,
) -> dict:
    return _import(progress, path, user_id, file_name, mapping, dry_run=False, partial=partial)


@job("ocop.preview", "Kiểm tra danh sách OCOP trước khi nhập", describe=describe)
def preview_list(
    progress, path: str, user_id: int | None = None, file_name: str = "", mapping=None
) -> dict:
    return _import(progress, path, user_id, file_name, mapping, dry_run=True)


register_import(
    "ocop",
    gettext_lazy("Nhập danh sách OCOP"),
    jobs="ocop.",
    upload_url="ocop:import",
    limits="tamnong.ocop.importer.LIMITS",
    columns="tamnong.ocop.importer.COLUMNS",
)
