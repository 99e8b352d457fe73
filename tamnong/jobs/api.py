import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

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


@router.get("/{job_id}", response=JobOut, summary="Trạng thái và tiến độ một tác vụ")
def get_job(request, job_id: int):
    return get_object_or_404(Job.objects.visible_to(request.user), pk=job_id)
