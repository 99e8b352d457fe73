"""NTM jobs: the bulk import of results and of commune classifications (preview, then commit),
registered with the one preview of the tabular layer."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong.core.formatting import number
from tamnong.jobs.registry import job
from tamnong.tabular.display import result_view
from tamnong.tabular.preview import ImportSpec, register


def _actor(user_id):
    from django.contrib.auth import get_user_model

    from tamnong.access.actors import SYSTEM

    # a job queued without a person (the command line) acts as the named system actor
    return get_user_model().objects.filter(pk=user_id).first() if user_id else SYSTEM


def _describe(noun, created, updated):
    def describe(result: dict, job=None):
        faults = result.get("errors") or []
        report = ""
        if job is not None and any(f.get("row") for f in faults):
            report = reverse("tabular:job_report", args=[job.pk])
        return result_view(
            preview=bool(result.get("preview")),
            committed=bool(result.get("ok")),
            noun=_("dòng") if result.get("long") else noun(),
            rows=result.get("rows", 0),
            parts=[(result.get("created", 0), created()), (result.get("updated", 0), updated())],
            faults=faults,
            fault_count=result.get("fault_count"),
            fault_rows=result.get("rejected"),
            report_url=report,
        )

    return describe


describe_results = _describe(lambda: _("xã"), lambda: _("đánh giá mới"), lambda: _("đánh giá cập nhật"))  # fmt: skip
describe_profiles = _describe(lambda: _("xã"), lambda: _("phân loại mới"), lambda: _("phân loại cập nhật"))  # fmt: skip


def _finish(progress, outcome, *, preview: bool) -> dict:
    if outcome.ok and getattr(outcome, "long", False):
        text = _("Sẽ nhập %(n)s dòng.") if preview else _("Đã nhập %(n)s dòng.")
        progress(outcome.rows, outcome.rows, text % {"n": number(outcome.rows)}, force=True)
    elif outcome.ok:
        text = _("Sẽ nhập %(n)s xã.") if preview else _("Đã nhập %(n)s xã.")
        progress(outcome.rows, outcome.rows, text % {"n": number(outcome.rows)}, force=True)
    elif outcome.faults.rows:
        message = _("Tệp bị từ chối: %(n)s dòng có lỗi, không ghi dữ liệu nào.")
        progress(0, None, message % {"n": number(outcome.faults.rows)}, force=True)
    else:
        first = outcome.faults.faults[0].reason if outcome.faults.faults else ""
        progress(0, None, first or _("Không nhập được tệp."), force=True)
    out = outcome.as_dict()
    out["fault_count"] = len(outcome.faults)
    out["preview"] = preview
    out["long"] = bool(getattr(outcome, "long", False))
    return out


def _results(progress, path, user_id, file_name, mapping, set_key, year, *, dry_run):
    from .bulk import import_results

    outcome = import_results(
        _actor(user_id),
        Path(path),
        name=file_name or Path(path).name,
        set_key=set_key,
        year=year,
        mapping=mapping,
        dry_run=dry_run,
        progress=progress,
    )
    return _finish(progress, outcome, preview=dry_run)


@job("ntm.results_import", "Nhập kết quả nông thôn mới các xã", describe=describe_results)
def import_results(
    progress, path: str, user_id=None, file_name="", mapping=None, set_key="", year=0
) -> dict:
    return _results(progress, path, user_id, file_name, mapping, set_key, year, dry_run=False)


@job("ntm.results_preview", "Kiểm tra tệp kết quả nông thôn mới", describe=describe_results)
def preview_results(
    progress, path: str, user_id=None, file_name="", mapping=None, set_key="", year=0
) -> dict:
    return _results(progress, path, user_id, file_name, mapping, set_key, year, dry_run=True)


def _profiles(progress, path, user_id, file_name, mapping, year, classification, *, dry_run):
    from .bulk import import_profiles

    outcome = import_profiles(
        _actor(user_id),
        Path(path),
        name=file_name or Path(path).name,
        year=year,
        classification=classification,
        mapping=mapping,
        dry_run=dry_run,
        progress=progress,
    )
    return _finish(progress, outcome, preview=dry_run)


@job("ntm.profiles_import", "Nhập phân loại vùng/nhóm các xã", describe=describe_profiles)
def import_profiles(
    progress, path: str, user_id=None, file_name="", mapping=None, year=0, classification=""
) -> dict:
    return _profiles(
        progress, path, user_id, file_name, mapping, year, classification, dry_run=False
    )


@job("ntm.profiles_preview", "Kiểm tra tệp phân loại vùng/nhóm", describe=describe_profiles)
def preview_profiles(
    progress, path: str, user_id=None, file_name="", mapping=None, year=0, classification=""
) -> dict:
    return _profiles(
        progress, path, user_id, file_name, mapping, year, classification, dry_run=True
    )


def _result_columns(params: dict):
    from .bulk import result_columns

    return result_columns(params)


def _profile_columns():
    from .bulk import PROFILE_COLUMNS

    return PROFILE_COLUMNS


def _limits():
    from .bulk import LIMITS

    return LIMITS


register(
    ImportSpec(
        key="ntm-results",
        title=gettext_lazy("Nhập kết quả nông thôn mới các xã"),
        columns=lambda: _result_columns({}),
        columns_for=_result_columns,
        preview_job="ntm.results_preview",
        commit_job="ntm.results_import",
        upload_url="ntm:import_results",
        limits=_limits,
    )
)
register(
    ImportSpec(
        key="ntm-profiles",
        title=gettext_lazy("Nhập phân loại vùng/nhóm các xã"),
        columns=_profile_columns,
        preview_job="ntm.profiles_preview",
        commit_job="ntm.profiles_import",
        upload_url="ntm:import_profiles",
        limits=_limits,
    )
)
