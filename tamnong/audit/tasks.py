from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from tamnong.jobs.registry import job

from . import changes


@job("audit.undo_import", "Hoàn tác lần nhập dữ liệu")
def undo_import(progress, run: str, user_id: int) -> dict:
    """Undo a large import (audit.changes.undo) in the background; a refusal is the job's
    message (nothing written)."""
    user = get_user_model().objects.get(pk=user_id)
    progress(0, None, _("Đang kiểm tra và hoàn tác…"), force=True)
    try:
        done = changes.undo(run, user)
    except changes.UndoRefused as exc:
        progress(0, None, str(exc)[:300], force=True)
        return {"ok": False, "message": str(exc), "changes": run}
    progress(1, 1, _("Đã hoàn tác lần nhập."), force=True)
    return {"ok": True, **done, "changes": run}
