"""The preview page of an upload (xem trước khi nhập): mapping, dry-run result, confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamnong.jobs import services as job_services
from tamnong.jobs.models import Job
from tamnong.jobs.views import _result_view

from . import preview
from .faults import report_csv
from .models import PendingImport


def _pending(request, pk: int) -> PendingImport:
    pending = get_object_or_404(PendingImport, pk=pk, created_by=request.user)
    if pending.import_key not in preview.SPECS and not _known(pending.import_key):
        raise Http404
    return pending


def _known(key: str) -> bool:
    try:
        preview.spec_for(key)
    except KeyError:
        return False
    return True


def _status(pending: PendingImport) -> dict:
    job = job_services.refresh(pending.job) if pending.job_id else None
    view = _result_view(job) if job is not None else None
    ready = bool(
        job is not None
        and job.status == job.Status.DONE
        and (job.result or {}).get("ok")
        and pending.state == PendingImport.State.PENDING
    )
    return {"job": job, "view": view, "ready": ready}


@login_required
def preview_page(request, pk: int):
    pending = _pending(request, pk)
    spec = preview.spec_for(pending.import_key)
    status = 200
    layout, headers, refused, legacy = preview.read_layout(pending)
    form = (
        preview.MappingForm(
            request.POST if request.POST.get("action") == "map" else None, layout=layout
        )
        if layout is not None
        else None
    )
    if request.method == "POST" and pending.state == PendingImport.State.PENDING:
        action = request.POST.get("action")
        if action == "discard":
            preview.discard(pending)
            return redirect(spec.upload_url)
        if action == "map" and form is not None:
            if form.is_valid():
                preview.save(pending, headers, form.cleaned_data["mapping"])
                return redirect("tabular:preview", pk=pending.pk)
            status = 400
        elif action == "confirm":
            if _status(pending)["ready"]:
                job = preview.confirm(pending)
                messages.success(
                    request,
                    _("Đã xác nhận nhập tệp «%(name)s»; kết quả hiện ở trang này khi xong.")
                    % {"name": pending.file_name},
                )
                return redirect("jobs:detail", pk=job.pk)
            status = 400
    context = {
        "pending": pending,
        "spec": spec,
        "form": form,
        "refused": refused,
        "legacy": legacy,
        "unmatched": [h for _p, h in layout.unmatched] if layout is not None else [],
        "missing": [c.header for c in layout.missing] if layout is not None else [],
        **_status(pending),
    }
    template = (
        "tabular/_preview_status.html"
        if request.headers.get("HX-Request")
        else "tabular/preview.html"
    )
    return render(request, template, context, status=status)


@login_required
def job_report(request, pk: int):
    """The error report (Dòng, Cột, Lý do, Giá trị) of an import job that kept its faults in its
    result (`errors`); an import with a report file of its own links that one instead."""
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    errors = (job.result or {}).get("errors") if isinstance(job.result, dict) else None
    if not isinstance(errors, list) or not errors:
        raise Http404
    response = HttpResponse(report_csv(errors), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-loi-{job.pk}.csv"'
    return response
