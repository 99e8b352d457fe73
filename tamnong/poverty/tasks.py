from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from tamnong.access.actors import SYSTEM
from tamnong.jobs.registry import job

from .importing import import_file


@job("poverty.import", "Nhập kết quả rà soát hộ nghèo")
def import_households(progress, path: str, user_id: int | None = None, file_name: str = "") -> dict:
    """Import a file. An uploaded copy is owned by the job (`enqueue(files=[path])`), which
    removes it when the job ends; a CLI import reads the operator's own file and leaves it."""
    # a job queued without a person (the command line) acts as the named system actor
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else SYSTEM
    result = import_file(
        path,
        user=user,
        file_name=file_name,
        progress=progress,  # a jobs Progress: written on its own connection while importing
    )
    if result.ok:
        progress(result.rows, result.rows, _("Đã nhập %(n)s hộ.") % {"n": result.rows}, force=True)
    else:
        message = _("Tệp bị từ chối: %(n)s dòng lỗi, không ghi dữ liệu nào.")
        progress(0, None, message % {"n": result.rejected or result.errors}, force=True)
    return result.as_dict()
