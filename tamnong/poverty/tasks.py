from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from tamnong.core.formatting import number
from tamnong.jobs.registry import job
from tamnong.tabular.display import result_view

from .importing import import_file


def describe(result: dict, job=None):
    """The job page of a review file: "Đã nhập 1.581 hộ: 1.200 hộ mới, 381 hộ cập nhật.", or
    the faults with the link to the error report, or why the file could not be read."""
    report = ""
    if result.get("error_report") and result.get("batch"):
        report = reverse("poverty:import_errors", args=[result["batch"]])
    return result_view(
        committed=bool(result.get("ok")),
        noun=_("hộ"),
        rows=result.get("rows", 0),
        parts=[
            (result.get("created", 0), _("hộ mới")),
            (result.get("updated", 0), _("hộ cập nhật")),
        ],
        faults=result.get("error_sample", []),
        fault_count=result.get("errors"),
        fault_rows=result.get("rejected"),
        report_url=report,
    )


@job("poverty.import", "Nhập kết quả rà soát hộ nghèo", describe=describe)
def import_households(progress, path: str, user_id: int | None = None, file_name: str = "") -> dict:
    """Import a file. An uploaded copy is owned by the job (`enqueue(files=[path])`), which
    removes it when the job ends; a CLI import reads the operator's own file and leaves it."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    result = import_file(
        path,
        user=user,
        file_name=file_name,
        progress=progress,  # a jobs Progress: written on its own connection while importing
    )
    if result.ok:
        message = _("Đã nhập %(n)s hộ.") % {"n": number(result.rows)}
        progress(result.rows, result.rows, message, force=True)
    elif result.rejected:
        message = _("Tệp bị từ chối: %(n)s dòng có lỗi, không ghi dữ liệu nào.")
        progress(0, None, message % {"n": number(result.rejected)}, force=True)
    else:  # the file itself was refused (not a spreadsheet, missing columns…)
        reason = result.error_sample[0][2] if result.error_sample else ""
        progress(0, None, reason or _("Không nhập được tệp."), force=True)
    return result.as_dict()
