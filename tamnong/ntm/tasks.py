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
from tamnong.tabular.preview import register_import


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


def _bulk_jobs(kind: str, importer: str, labels: tuple[str, str], describe, params: dict) -> None:
    """The two jobs of one bulk import, `ntm.<kind>_import` (writes) and `ntm.<kind>_preview`
    (checks only): the same run of `bulk.<importer>` with the upload's own params (`params`:
    their names and defaults), its outcome told the same way."""

    def make(dry_run: bool):
        def run(progress, path: str, user_id=None, file_name="", mapping=None, **given) -> dict:
            from . import bulk

            unknown = set(given) - set(params)
            if unknown:
                raise TypeError(f"unexpected params {sorted(unknown)}")
            outcome = getattr(bulk, importer)(
                _actor(user_id),
                Path(path),
                name=file_name or Path(path).name,
                mapping=mapping,
                dry_run=dry_run,
                progress=progress,
                **{name: given.get(name, default) for name, default in params.items()},
            )
            return _finish(progress, outcome, preview=dry_run)

        return run

    job(f"ntm.{kind}_import", labels[0], describe=describe)(make(False))
    job(f"ntm.{kind}_preview", labels[1], describe=describe)(make(True))


_bulk_jobs(
    "results",
    "import_results",
    ("Nhập kết quả nông thôn mới các xã", "Kiểm tra tệp kết quả nông thôn mới"),
    describe_results,
    {"set_key": "", "year": 0},
)
_bulk_jobs(
    "profiles",
    "import_profiles",
    ("Nhập phân loại vùng/nhóm các xã", "Kiểm tra tệp phân loại vùng/nhóm"),
    describe_profiles,
    {"year": 0, "classification": ""},
)


register_import(
    "ntm-results",
    gettext_lazy("Nhập kết quả nông thôn mới các xã"),
    jobs="ntm.results_",
    upload_url="ntm:import_results",
    limits="tamnong.ntm.bulk.LIMITS",
    read_columns="tamnong.ntm.bulk.result_columns",
)
register_import(
    "ntm-profiles",
    gettext_lazy("Nhập phân loại vùng/nhóm các xã"),
    jobs="ntm.profiles_",
    upload_url="ntm:import_profiles",
    limits="tamnong.ntm.bulk.LIMITS",
    columns="tamnong.ntm.bulk.PROFILE_COLUMNS",
)
