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
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong.audit import context
from tamnong.core import datacache

from . import files, leases, registry
from .models import Job, JobLease

log = logging.getLogger(__name__)


def worker_name() -> str:
    """host:pid of this process (computed when asked: a forked process has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


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


# the origins a job keeps from whoever queued it (a daily job is the system's: "job")
_ASKERS = frozenset({context.Origin.WEB, context.Origin.API, context.Origin.CLI})


def enqueue(
    kind: str,
    *,
    user=None,
    division=None,
    unique_key: str | None = None,
    files: list[str] | tuple[str, ...] = (),
    **params,
) -> Job:
    """Queue a job. `files` are paths the job owns from now on (see jobs/files.py)."""
    registry.get(kind)  # fail early on a typo
    asker = context.current()
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                origin=asker.origin if asker.origin in _ASKERS else "",
                actor_name=asker.name[:150],
                params=params,
                created_by=user,
                division=division,
                unique_key=unique_key,
                files=[str(f) for f in files],
            )
    except IntegrityError:
        return Job.objects.get(unique_key=unique_key)


class _Claim:
    """What a worker holds while it runs one job: the lease (renewed by a heartbeat) and, on
    SQLite, the lock on the job's file."""

    def __init__(self, job_pk: int, worker: str) -> None:
        self.job_pk, self.worker = job_pk, worker
        self.lock = leases.FileLock(job_pk) if leases.file_locks() else None
        self.heartbeat: leases.Heartbeat | None = None

    def take(self) -> bool:
        return self.lock is None or self.lock.acquire()

    def start(self) -> None:
        self.heartbeat = leases.Heartbeat(self.job_pk, self.worker)
        self.heartbeat.start()

    def release(self, forget_lease: bool = True) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
        if forget_lease:
            JobLease.objects.filter(pk=self.job_pk, worker=self.worker).delete()
        if self.lock is not None:
            self.lock.release()


_claims: dict[int, _Claim] = {}


def release_claims() -> None:
    """Let go of every job this process claimed and did not run (tests; no database access)."""
    while _claims:
        _claims.popitem()[1].release(forget_lease=False)


def _claim(qs, worker: str, create: Callable[[], Job] | None = None) -> Job | None:
    """Claim the first job of `qs` that no other worker holds. On PostgreSQL the candidate rows
    are locked with SKIP LOCKED, so workers on any number of machines each take a different job
    without waiting for one another; SQLite's IMMEDIATE transactions serialise the claims.
    With `create`, the job it makes is the one claimed, in the same transaction: no worker ever
    sees it queued."""
    now = timezone.now()
    try:
        claim = _claim_in_transaction(qs, worker, now, create)
    except BaseException:
        for pk in [pk for pk, c in _claims.items() if c.worker == worker and not c.heartbeat]:
            _claims.pop(pk).release(forget_lease=False)  # the claim was not committed
        raise
    if claim is None:
        return None
    claim.start()
    return Job.objects.get(pk=claim.job_pk)


def _claim_in_transaction(qs, worker: str, now, create=None) -> _Claim | None:
    with transaction.atomic():
        if create is not None:
            qs = Job.objects.filter(pk=create().pk)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        for job in qs[:5]:
            claim = _Claim(job.pk, worker)
            if not claim.take():  # SQLite: another process of this machine runs it
                continue
            try:
                updated = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                    status=Job.Status.RUNNING,
                    started_at=now,
                    heartbeat_at=now,
                    worker=worker,
                    attempts=F("attempts") + 1,
                )
                if not updated:
                    claim.release()
                    continue
                JobLease.objects.update_or_create(
                    job_id=job.pk, defaults={"worker": worker, "expires_at": leases.expiry(now)}
                )
            except BaseException:
                claim.release()
                raise
            _claims[job.pk] = claim
            return claim
    return None


def claim_next(worker: str | None = None) -> Job | None:
    """Take the oldest queued job that is due."""
    qs = (
        Job.objects.filter(status=Job.Status.QUEUED)
        .exclude(run_after__gt=timezone.now())
        .order_by("created_at", "id")
    )
    return _claim(qs, worker or worker_name())


def _finish(job: Job, **values) -> list[str]:
    """Record the end of a job this worker ran; returns the files it owned (to remove). A job
    marked interrupted by mistake (its lease ran out while it ran) is corrected: what really
    happened wins."""
    with transaction.atomic():
        owned = (
            Job.objects.select_for_update()
            .filter(
                pk=job.pk,
                status__in=[Job.Status.RUNNING, Job.Status.INTERRUPTED],
                worker=job.worker,
            )
            .values_list("files", flat=True)
            .first()
        )
        if owned is None:
            return []
        Job.objects.filter(pk=job.pk).update(files=[], **values)
    for name, value in values.items():
        setattr(job, name, value)
    job.files = []
    return list(owned or [])


def run(job: Job, echo: Callable[[Job], None] | None = None) -> Job:
    """Run a claimed job to the end, record its result or its error, and remove its files."""
    claim = _claims.pop(job.pk, None)
    try:
        kind = registry.get(job.kind)
        progress = Progress(job, echo)
        actor = context.Actor(
            user=job.created_by, origin=job.origin or context.Origin.JOB, name=job.actor_name
        )
        try:
            with context.acting(actor):
                result = kind.func(progress, **job.params)
        except Exception as exc:  # a job failure is data for the user, never a crashed worker
            log.exception("job %s failed", job.pk)
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
            values = {
                "status": Job.Status.FAILED,
                "error": error,
                "message": str(exc)[:300] or error[:300],
            }
        else:
            values = {
                "status": Job.Status.DONE,
                "result": result if result is not None else {},
                "message": job.message,
            }
            if job.progress_total:
                values["progress_done"] = job.progress_total
        values["finished_at"] = timezone.now()
        files.remove(_finish(job, **values))
    finally:
        if claim is not None:
            claim.release()
    datacache.job_finished(job.kind)  # it may have written its programme in bulk (imports)
    if echo:
        echo(job)
    return job


def run_now(
    kind: str, *, echo: Callable[[Job], None] | None = None, user=None, division=None, **params
) -> Job:
    """Enqueue and run in this process (CLI and tests), with the same records as the worker:
    the job holds a lease, so a killed command leaves an interrupted job, not a running one.
    The job is created running (queued and claimed in one transaction): a worker polling at
    that moment never takes the command's job."""
    claimed = _claim(
        None, worker_name(), create=lambda: enqueue(kind, user=user, division=division, **params)
    )
    if claimed is None:  # cannot happen: nobody else sees the job before it is claimed
        raise RuntimeError(f"the {kind} job could not be claimed")
    return run(claimed, echo)


def enqueue_daily(today=None) -> list[Job]:
    today = today or timezone.localdate()
    return [
        enqueue(kind.name, unique_key=f"{kind.name}:{today.isoformat()}", day=today.isoformat())
        for kind in registry.all_kinds()
        if kind.daily
    ]


# -- interrupted jobs -----------------------------------------------------------------------
INTERRUPTED_MESSAGE = gettext_lazy(
    "Tác vụ bị gián đoạn: tiến trình chạy nó đã dừng trước khi báo kết quả. Tác vụ không tự "
    "chạy lại; người tạo có thể bấm «Chạy lại»."
)


def _interrupt(job_pk: int, now) -> bool:
    """Mark one running job interrupted if its worker is gone (checked again with the row
    locked, so a job finishing at this moment is never marked)."""
    with transaction.atomic():
        qs = Job.objects.filter(pk=job_pk, status=Job.Status.RUNNING)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        job = qs.first()
        if job is None or not leases.is_dead(job, now):
            return False
        Job.objects.filter(pk=job_pk, status=Job.Status.RUNNING).update(
            status=Job.Status.INTERRUPTED, finished_at=now, message=str(INTERRUPTED_MESSAGE)[:300]
        )
        JobLease.objects.filter(pk=job_pk).delete()
    log.warning("job %s (%s) interrupted: its worker %s is gone", job.pk, job.kind, job.worker)
    return True


def sweep_interrupted(now=None) -> int:
    """Mark every running job whose worker died as interrupted; returns how many. Run by every
    worker every JOBS_SWEEP_SECONDS; never puts a job back in the queue."""
    now = now or timezone.now()
    candidates = Job.objects.filter(status=Job.Status.RUNNING)
    if not leases.file_locks():
        # PostgreSQL: only jobs whose lease ran out (or that never got one)
        candidates = candidates.exclude(pk__in=JobLease.objects.filter(expires_at__gte=now))
    count = 0
    for pk in candidates.values_list("pk", flat=True)[:200]:
        try:
            count += _interrupt(pk, now)
        except DatabaseError:  # SQLite busy with a long import: the next sweep tries again
            log.info("job %s not checked now", pk, exc_info=True)
    return count


def refresh(job: Job) -> Job:
    """For the job page and API: a running job whose worker is gone is shown (and, when the
    database lets us write, recorded) as interrupted without waiting for a worker's sweep."""
    if job.status == Job.Status.RUNNING and leases.is_dead(job):
        try:
            _interrupt(job.pk, timezone.now())
        except DatabaseError:  # SQLite busy: show it as interrupted all the same
            job.status = Job.Status.INTERRUPTED
            job.message = str(INTERRUPTED_MESSAGE)[:300]
            return job
        job.refresh_from_db()
    return job


class RerunRefused(Exception):
    """A re-run that is not allowed; the message is for the user (Vietnamese)."""


def can_rerun(user, job: Job) -> bool:
    return (
        job.status == Job.Status.INTERRUPTED
        and job.created_by_id is not None
        and job.created_by_id == getattr(user, "pk", None)
        and not job.reruns.exists()
    )


def rerun(user, job: Job) -> Job:
    """The owner asks for an interrupted job to run again: a new job with the same kind and
    parameters, owning the old job's files, queued for the workers. Audited."""
    from tamnong.audit.models import AuditEvent
    from tamnong.audit.services import record

    if job.created_by_id is None or job.created_by_id != getattr(user, "pk", None):
        raise PermissionDenied
    with transaction.atomic():
        old = Job.objects.select_for_update().get(pk=job.pk)
        if old.status != Job.Status.INTERRUPTED:
            raise RerunRefused(_("Chỉ chạy lại được tác vụ bị gián đoạn."))
        if old.reruns.exists():
            raise RerunRefused(
                _("Tác vụ này đã được chạy lại (tác vụ #%(pk)s).")
                % {"pk": old.reruns.order_by("pk").first().pk}
            )
        path = old.params.get("path")
        if any(not Path(f).exists() for f in old.files) or (path and not Path(path).exists()):
            raise RerunRefused(_("Tệp của tác vụ này không còn; hãy tải tệp lên lại để nhập."))
        new = Job.objects.create(
            kind=old.kind,
            params=old.params,
            created_by=user,
            division=old.division,
            files=old.files,
            rerun_of=old,
            origin=context.current().origin if context.current().origin in _ASKERS else "",
        )
        Job.objects.filter(pk=old.pk).update(files=[])
        record(
            AuditEvent.Action.TRANSITION,
            old,
            before={"status": old.status},
            after={"status": old.status, "rerun": new.pk},
            note=f"chạy lại tác vụ #{old.pk} thành #{new.pk}",
            model_label="jobs.Job",
            object_repr=f"#{old.pk} {old.kind}",
        )
    return new


def cleanup(now=None) -> dict:
    """Daily: remove the files of jobs interrupted more than a day ago (they can no longer be
    re-run), and orphan files older than a day under the job upload and temporary folders."""
    now = now or timezone.now()
    keep = timedelta(hours=settings.JOBS_INTERRUPTED_KEEP_HOURS)
    expired = 0
    for job in Job.objects.filter(
        status=Job.Status.INTERRUPTED, finished_at__lt=now - keep
    ).exclude(files=[]):
        # the list is kept: a re-run is then refused with a message (the files are gone)
        if any(Path(f).exists() for f in job.files):
            files.remove(job.files)
            expired += 1
    owned: set[str] = set()
    for paths in Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.INTERRUPTED]
    ).values_list("files", flat=True):
        owned.update(paths or [])
    orphans = files.remove_orphans(owned, older_than_seconds=24 * 3600, now=now.timestamp())
    stale_locks = leases.remove_stale_locks()
    return {"expired_jobs": expired, "orphans": orphans, "stale_locks": stale_locks}


# -- the worker -----------------------------------------------------------------------------
class _Stop:
    requested = False


def _request_stop(signum, frame) -> None:
    _Stop.requested = True
    log.warning("worker: stopping after the current job")


def work(stop_after: int | None = None, once: bool = False, worker: str | None = None) -> int:
    """The worker loop: daily jobs, the sweep of interrupted jobs, then queued jobs in order.
    SIGTERM stops it after the current job (SIGKILL interrupts the job: see `sweep_interrupted`)."""
    import signal

    worker = worker or worker_name()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _request_stop)
    _Stop.requested = False
    handled = 0
    last_daily = None
    last_sweep = 0.0
    while not _Stop.requested:
        try:
            today = timezone.localdate()
            if last_daily != today:
                enqueue_daily(today)
                last_daily = today
            if time.monotonic() - last_sweep >= settings.JOBS_SWEEP_SECONDS:
                sweep_interrupted()
                last_sweep = time.monotonic()
            job = claim_next(worker)
        except DatabaseError:  # SQLite busy with a long import, a database restart: wait
            log.warning("worker: database unavailable, trying again", exc_info=True)
            connection.close()
            time.sleep(settings.JOBS_POLL_SECONDS)
            continue
        if job is None:
            if once:
                return handled
            time.sleep(settings.JOBS_POLL_SECONDS)
            continue
        run(job)
        handled += 1
        if stop_after is not None and handled >= stop_after:
            return handled
    return handled


def progress_line(job: Job) -> str:
    pct = job.percent
    bar = ""
    if pct is not None:
        filled = pct // 5
        bar = "[" + "#" * filled + "." * (20 - filled) + f"] {pct:3d}% "
    total = f"/{job.progress_total}" if job.progress_total else ""
    return f"#{job.pk} {job.kind} {bar}{job.progress_done}{total} {job.message}".rstrip()
