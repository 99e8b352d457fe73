"""Files a job owns: the uploaded copy an import reads, and temporary files it writes.

An upload is saved under `JOBS_FILES_DIR/uploads/` (never under MEDIA_ROOT, which may be served)
with an unguessable name, and given to `enqueue(..., files=[path])`. The job owns it from then on:
it is removed when the job ends done, failed or cancelled; an interrupted job keeps it so that its
owner may run it again, until the daily clean-up (`jobs.cleanup`) removes it a day later.
The daily clean-up also removes any file older than a day under the upload and temporary folders
that no waiting, running or interrupted job owns (a process killed between saving an upload and
enqueueing its job, files of the old code's folders).
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def uploads_dir() -> Path:
    return Path(settings.JOBS_FILES_DIR) / "uploads"


def temp_dir() -> Path:
    return Path(settings.JOBS_FILES_DIR) / "tmp"


def _new_path(folder: Path, suffix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(ch for ch in suffix.lower() if ch.isalnum() or ch == ".")[:10]
    return folder / f"{secrets.token_hex(16)}{suffix}"


def save_upload(upload, suffix: str = "") -> str:
    """Write an uploaded file (Django `UploadedFile`) to the job uploads folder; its path."""
    path = _new_path(uploads_dir(), suffix or Path(upload.name or "").suffix)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return str(path)


def temp_path(suffix: str = "") -> str:
    """A new path in the job temporary folder, for a job to write and then own (`files`)."""
    return str(_new_path(temp_dir(), suffix))


def remove(paths: Iterable[str]) -> None:
    for p in paths:
        try:
            Path(p).unlink(missing_ok=True)
        except OSError:  # a folder or a permission problem: the daily clean-up logs it again
            log.warning("job file %s not removed", p, exc_info=True)


def swept_folders() -> list[Path]:
    """Folders whose old files belong to no one once no job owns them. The two under MEDIA_ROOT
    are where uploads were written before `JOBS_FILES_DIR` existed."""
    media = Path(settings.MEDIA_ROOT)
    return [uploads_dir(), temp_dir(), media / "poverty" / "uploads", media / "imports"]


def remove_orphans(owned: set[str], older_than_seconds: float, now: float | None = None) -> int:
    """Remove files older than `older_than_seconds` under `swept_folders()` that are not in
    `owned` (absolute paths); returns how many were removed."""
    now = now if now is not None else time.time()
    owned = {str(Path(p).resolve()) for p in owned}
    removed = 0
    for folder in swept_folders():
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            try:
                if not path.is_file() or str(path.resolve()) in owned:
                    continue
                if now - path.stat().st_mtime < older_than_seconds:
                    continue
                path.unlink()
                removed += 1
            except OSError:
                log.warning("orphan %s not removed", path, exc_info=True)
    return removed
