"""Enqueue, claim, run and report background jobs."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from tamnong.audit import context
from tamnong.core import datacache

from . import registry
from .models import Job

log = logging.getLogger(__name__)
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


class Progress:
    """Handed to a job function; throttles database writes to about one per half second."""

    def __init__(self, job: Job, echo: Callable[[Job], None] | None = None) -> None:
        self.job = job
        self.echo = echo
        self._last = 0.0
        self._side: _SideWriter | None = None

    def __call__(
        self, done: int, total: int | None = None, message: str = "", force: bool = False
    ) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        if message:
            self.job.message = message[:300]
        self.job.heartbeat_at = timezone.now()
        values = {
            "progress_done": done,
            "progress_total": self.job.progress_total,
            "message": self.job.message,
            "heartbeat_at": self.job.heartbeat_at,
        }
        if self._side is not None:
            self._side.submit(values)
        else:
            Job.objects.filter(pk=self.job.pk).update(**values)
        if self.echo:
            self.echo(self.job)

    @contextmanager
    def detached(self) -> Iterator[Progress]:
        """Within this block progress is written through a connection of its own, so a job may
        report while its connection is busy (a COPY stream) or inside a long transaction whose
        writes nobody sees before the commit."""
        side = _SideWriter(self.job.pk)
        side.start()
        self._side = side
        try:
            yield self
        finally:
            self._side = None
            side.close()


class _SideWriter(threading.Thread):
    """Writes the latest progress values of one job on this thread's own connection."""

    def __init__(self, job_pk: int) -> None:
        super().__init__(name=f"job-{job_pk}-progress", daemon=True)
        self.job_pk = job_pk
        self._cv = threading.Condition()
        self._pending: dict | None = None
        self._closing = False

    def submit(self, values: dict) -> None:
        with self._cv:
            self._pending = values
            self._cv.notify()

    def close(self) -> None:
        with self._cv:
            self._closing = True
            self._cv.notify()
        self.join(timeout=30)

    def run(self) -> None:
        try:
            while True:
                with self._cv:
                    while self._pending is None and not self._closing:
                        self._cv.wait()
                    values, self._pending = self._pending, None
                    if values is None:
                        return
                try:
                    Job.objects.filter(pk=self.job_pk).update(**values)
                except DatabaseError:  # progress is advisory: never fail the job for it
                    log.debug("progress of job %s not written", self.job_pk, exc_info=True)
        finally:
            connection.close()


def enqueue(kind: str, *, user=None, division=None, unique_key: str | None = None, **params) -> Job:
    registry.get(kind)  # fail early on a typo
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind, params=params, created_by=user, division=division, unique_key=unique_key
            )
    except IntegrityError:
        return Job.objects.get(unique_key=unique_key)


def claim_next() -> Job | None:
    """Take the oldest queued job. The conditional UPDATE makes the claim safe between workers
    on both SQLite and PostgreSQL."""
    now = timezone.now()
    for job in (
        Job.objects.filter(status=Job.Status.QUEUED)
        .exclude(run_after__gt=now)
        .order_by("created_at", "id")[:5]
    ):
        claimed = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            worker=WORKER_NAME,
            attempts=job.attempts + 1,
        )
        if claimed:
            job.refresh_from_db()
            return job
    return None


def run(job: Job, echo: Callable[[Job], None] | None = None) -> Job:
    """Run a claimed job to the end, recording its result or its error."""
    kind = registry.get(job.kind)
    progress = Progress(job, echo)
    actor = context.Actor(user=job.created_by, origin="job")
    try:
        with context.acting(actor):
            result = kind.func(progress, **job.params)
    except Exception as exc:  # a job failure is data for the user, never a crashed worker
        log.exception("job %s failed", job.pk)
        job.status = Job.Status.FAILED
        job.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
        job.message = str(exc)[:300] or job.error[:300]
    else:
        job.status = Job.Status.DONE
        job.result = result if result is not None else {}
        if job.progress_total:
            job.progress_done = job.progress_total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "message", "result", "progress_done", "finished_at"])
    datacache.job_finished(job.kind)  # it may have written its programme in bulk (imports)
    if echo:
        echo(job)
    return job


def run_now(
    kind: str, *, echo: Callable[[Job], None] | None = None, user=None, division=None, **params
) -> Job:
    """Enqueue and run in this process (CLI and tests), with the same records as the worker."""
    job = enqueue(kind, user=user, division=division, **params)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), worker=WORKER_NAME, attempts=1
    )
    job.refresh_from_db()
    return run(job, echo)


def enqueue_daily(today=None) -> list[Job]:
    today = today or timezone.localdate()
    return [
        enqueue(kind.name, unique_key=f"{kind.name}:{today.isoformat()}", day=today.isoformat())
        for kind in registry.all_kinds()
        if kind.daily
    ]


def requeue_stale() -> int:
    """Jobs whose worker died (no heartbeat for a while) go back to the queue once."""
    limit = timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return Job.objects.filter(
        status=Job.Status.RUNNING, heartbeat_at__lt=limit, attempts__lt=2
    ).update(status=Job.Status.QUEUED, worker="")


def work(stop_after: int | None = None, once: bool = False) -> int:
    """The worker loop: daily jobs, stale jobs, then queued jobs in order."""
    handled = 0
    last_daily = None
    while True:
        today = timezone.localdate()
        if last_daily != today:
            enqueue_daily(today)
            requeue_stale()
            last_daily = today
        job = claim_next()
        if job is None:
            if once:
                return handled
            time.sleep(settings.JOBS_POLL_SECONDS)
            continue
        run(job)
        handled += 1
        if stop_after is not None and handled >= stop_after:
            return handled


def progress_line(job: Job) -> str:
    pct = job.percent
    bar = ""
    if pct is not None:
        filled = pct // 5
        bar = "[" + "#" * filled + "." * (20 - filled) + f"] {pct:3d}% "
    total = f"/{job.progress_total}" if job.progress_total else ""
    return f"#{job.pk} {job.kind} {bar}{job.progress_done}{total} {job.message}".rstrip()
