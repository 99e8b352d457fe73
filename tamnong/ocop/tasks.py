import datetime as dt

from tamnong.jobs.registry import daily, job

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


@job("ocop.import", "Nhập danh sách OCOP")
def import_list(progress, path: str, user_id: int | None = None, partial: bool = False) -> dict:
    from pathlib import Path

    from tamnong.accounts.models import User

    from .importer import import_file

    user = User.objects.filter(pk=user_id).first() if user_id else None
    run = import_file(user, Path(path).name, Path(path).read_bytes(), partial=partial)
    progress(run.counts.get("rows", 0), run.counts.get("rows", 0), "Xong", force=True)
    return {
        "run": run.pk,
        "committed": run.committed,
        "counts": run.counts,
        "rejected": len(run.rejected),
    }
