"""Background jobs (tác vụ nền) on a database-backed queue: no extra server needed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet


class JobQuerySet(ScopedQuerySet):
    def visible_to(self, user, roles=None):
        # Everyone sees the jobs they started; coordinators also see those of their scope.
        scoped = super().visible_to(user, roles)
        if not getattr(user, "is_authenticated", False):
            return scoped
        return (scoped | self.filter(created_by=user)).distinct()


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")
        CANCELLED = "cancelled", _("Đã hủy")
        # its worker died (no lease renewed): never run again unless a person asks ("chạy lại")
        INTERRUPTED = "interrupted", _("Bị gián đoạn")

    kind = models.CharField(_("loại tác vụ"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A daily job is enqueued once per key (e.g. "ocop.expiry_notices:2026-11-25").
    unique_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # who asked, for the audit trail of what the job writes: "web", "api" or "cli" (the origin
    # of the request or command that queued it; "job" for daily jobs) and, without a user, the
    # operator's name (a command run as the OS user)
    origin = models.CharField(max_length=10, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    run_after = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Files the job owns (an uploaded copy): removed when the job ends; an interrupted job keeps
    # them for its re-run until the daily clean-up (see jobs/files.py).
    files = models.JSONField(default=list, blank=True)
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns"
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tác vụ nền")
        indexes = [models.Index(fields=["status", "created_at"], name="job_queue_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINAL

    FINAL = frozenset({Status.DONE, Status.FAILED, Status.CANCELLED, Status.INTERRUPTED})

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else None
        return min(100, int(self.progress_done * 100 / self.progress_total))


class JobLease(models.Model):
    """The claim of a running job by one worker, renewed by that worker's heartbeat. A job whose
    lease ran out has lost its worker (on SQLite, a lock on a file held by the worker process
    tells it instead: see jobs/leases.py). Kept apart from `Job` so that a heartbeat never waits
    for a job's own transaction holding the job row."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="+")
    worker = models.CharField(max_length=80)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("quyền chạy tác vụ")

    def __str__(self) -> str:
        return f"#{self.job_id} {self.worker} → {self.expires_at:%H:%M:%S}"
