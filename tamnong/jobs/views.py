from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamnong.audit.services import record_denied

from . import registry, services
from .models import Job


def _kind(job: Job):
    try:
        return registry.get(job.kind)
    except LookupError:
        return None


def _result_view(job: Job):
    """What the page shows of a finished job's result (None: the raw result)."""
    kind = _kind(job)
    if job.status != Job.Status.DONE or not job.result or kind is None or not kind.describe:
        return None
    return kind.describe(job.result, job)


@login_required
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("created_by")[:100]
    for job in jobs:
        services.refresh(job)
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk: int):
    job = services.refresh(get_object_or_404(Job.objects.visible_to(request.user), pk=pk))
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(
        request,
        template,
        {
            "job": job,
            "can_rerun": services.can_rerun(request.user, job),
            "changes_url": _changes_url(job),
            "view": _result_view(job),
            "kind": _kind(job),
        },
    )


def _changes_url(job: Job) -> str:
    """The change table of the import the job ran (audit.changes), once it is done."""
    from tamnong.audit.display import run_changes_url

    result = job.result if isinstance(job.result, dict) else {}
    run = result.get("changes")
    return run_changes_url(run) if job.status == Job.Status.DONE and isinstance(run, str) else ""


@login_required
def job_rerun(request, pk: int):
    """GET: ask for confirmation; POST: queue the job again (owner of an interrupted job only)."""
    job = services.refresh(get_object_or_404(Job.objects.visible_to(request.user), pk=pk))
    if job.created_by_id != request.user.pk:
        record_denied(request, f"rerun job {pk}", job.division)
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            new = services.rerun(request.user, job)
        except services.RerunRefused as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Đã đưa tác vụ #%(old)s vào hàng đợi để chạy lại.") % {"old": job.pk}
            )
            return redirect("jobs:detail", pk=new.pk)
    return render(
        request,
        "jobs/rerun.html",
        {"job": job, "error": error, "can_rerun": services.can_rerun(request.user, job)},
        status=400 if error else 200,
    )
