import datetime as dt

from tamnong.jobs.registry import daily, job

from . import services


@daily("ocop.expiry_notices", "Thông báo giấy chứng nhận OCOP sắp hết hạn")
def expiry_notices(progress, day: str | None = None) -> dict:
    result = services.send_expiry_notices(dt.date.fromisoformat(day) if day else None)
    progress(result["certificates"], result["certificates"], "Đã gửi thông báo", force=True)
    return result


def describe(result: dict, job=None):
    from .importer import result_view
    from .models import ImportRun

    run = ImportRun.objects.filter(pk=result.get("run")).first()
    return result_view(run) if run is not None else None


@job("ocop.import", "Nhập danh sách OCOP", describe=describe)
def import_list(progress, path: str, user_id: int | None = None, partial: bool = False) -> dict:
    from pathlib import Path

    from tamnong.accounts.models import User

    from .importer import import_file, result_view

    user = User.objects.filter(pk=user_id).first() if user_id else None
    run = import_file(user, Path(path).name, Path(path).read_bytes(), partial=partial)
    rows = run.counts.get("rows", 0)
    progress(rows, rows, " ".join(result_view(run).sentences), force=True)
    return {
        "run": run.pk,
        "committed": run.committed,
        "counts": run.counts,
        "rejected": len(run.rejected),
    }
