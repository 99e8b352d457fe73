from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _

from tamnong.accounts.models import User
from tamnong.jobs.registry import job
from tamnong.tabular.display import result_view

from . import importing


def describe(result: dict, job=None):
    errors = result.get("errors") or []
    return result_view(
        committed=bool(result.get("committed")),
        noun=_("dòng số liệu"),
        rows=result.get("rows", 0),
        parts=[
            (result.get("created", 0), _("dòng mới")),
            (result.get("updated", 0), _("dòng cập nhật")),
        ],
        faults=errors,
        fault_rows=result.get("rejected") or None,
        report_url=(
            reverse("tabular:job_report", args=[job.pk])
            if job is not None and any(e.get("row") for e in errors)
            else ""
        ),
    )


@job("reports.import_funding", "Nhập số liệu nguồn vốn", describe=describe)
def import_funding(progress, path: str, user_id: int) -> dict:
    user = User.objects.get(pk=user_id)
    result = importing.import_funding(user, Path(path), progress=progress)
    out = result.as_dict()
    if not result.ok:
        # The job succeeded in telling the user what is wrong; nothing was written.
        out["message"] = " ".join(describe(out).sentences)
    return out
