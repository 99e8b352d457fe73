import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Schema
from ninja.errors import HttpError

from tamnong.core.pagination import Router

from . import services
from .models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress_done: int
    progress_total: int | None
    percent: int | None
    message: str
    result: dict | list | None
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    rerun_of_id: int | None = None


class Detail(Schema):
    detail: str


@router.get("/{job_id}", response=JobOut, summary="Trạng thái và tiến độ một tác vụ")
def get_job(request, job_id: int):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_id)
    return services.refresh(job)


@router.post(
    "/{job_id}/rerun",
    response={201: JobOut, 403: Detail, 404: Detail, 409: Detail},
    summary="Chạy lại một tác vụ bị gián đoạn (chỉ người tạo tác vụ)",
)
def rerun_job(request, job_id: int):
    job = services.refresh(get_object_or_404(Job.objects.visible_to(request.user), pk=job_id))
    try:
        return 201, services.rerun(request.user, job)
    except services.RerunRefused as exc:
        raise HttpError(409, str(exc)) from exc
