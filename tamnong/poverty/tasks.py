from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong.access.actors import SYSTEM
from tamnong.core.formatting import number
from tamnong.jobs.registry import job
from tamnong.tabular.display import result_view
from tamnong.tabular.preview import register_import

from .importing import import_file


def describe(result: dict, job=None):
    """The job page of a review file: "Đã nhập 1.581 hộ: 1.200 hộ mới, 381 hộ cập nhật.", or
    the faults with the link to the error report, or why the file could not be read."""
    report = ""
    if result.get("error_report") and result.get("batch"):
        report = reverse("poverty:import_errors", args=[result["batch"]])
    return result_view(
        preview=bool(result.get("preview")),
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


def _say(progress, result, *, preview: bool = False) -> None:
    if result.ok:
        text = _("Sẽ nhập %(n)s hộ.") if preview else _("Đã nhập %(n)s hộ.")
        progress(result.rows, result.rows, text % {"n": number(result.rows)}, force=True)
    elif result.rejected:
        message = _("Tệp bị từ chối: %(n)s dòng có lỗi, không ghi dữ liệu nào.")
        progress(0, None, message % {"n": number(result.rejected)}, force=True)
    else:  # the file itself was refused (not a spreadsheet, missing columns…)
        reason = result.error_sample[0][2] if result.error_sample else ""
        progress(0, None, reason or _("Không nhập được tệp."), force=True)


def _user(user_id):
    # a job queued without a person (the command line) acts as the named system actor
    return get_user_model().objects.filter(pk=user_id).first() if user_id else SYSTEM


@job("poverty.import", "Nhập kết quả rà soát hộ nghèo", describe=describe)
def import_households(
    progress, path: str, user_id: int | None = None, file_name: str = "", mapping=None
) -> dict:
    """Import a file. An uploaded copy is owned by the job (`enqueue(files=[path])`), which
    removes it when the job ends; a CLI import reads the operator's own file and leaves it."""
    result = import_file(
        path,
        user=_user(user_id),
        file_name=file_name,
        progress=progress,  # a jobs Progress: written on its own connection while importing
        mapping=mapping,
    )
    _say(progress, result)
    return result.as_dict()


class _Preview(Exception):
    """Roll the dry run back."""


@job("poverty.preview", "Kiểm tra tệp rà soát hộ nghèo trước khi nhập", describe=describe)
def preview_households(
    progress, path: str, user_id: int | None = None, file_name: str = "", mapping=None
) -> dict:
    """The preview: the file checked and written exactly as the import would, then rolled back.
    A refused file keeps its batch (status rejected, nothing written), so that its error report
    can be downloaded, as an import refused today does."""
    result = None
    try:
        with transaction.atomic():
            result = import_file(
                path, user=_user(user_id), file_name=file_name, progress=progress, mapping=mapping
            )
            if result.ok:
                raise _Preview
    except _Preview:
        pass
    _say(progress, result, preview=True)
    out = result.as_dict()
    out["preview"] = True
    if result.ok:
        out["batch"] = None
    return out


register_import(
    "poverty",
    gettext_lazy("Nhập kết quả rà soát hộ nghèo, cận nghèo"),
    jobs="poverty.",
    upload_url="poverty:import",
    limits="tamnong.poverty.importing.run.LIMITS",
    columns="tamnong.poverty.importing.columns.read_columns",
)
