"""Stored files (tệp đính kèm): unguessable names on disk, sent only after the record is checked.

Every `FileField` stores its file under `<folder>/<year>/<random token><suffix>` (`Unguessable`,
the fields' `upload_to`): the name on disk tells nothing of the original name (kept in a field of
the record, given back in `Content-Disposition`) and cannot be guessed from another file's.
Nothing serves `MEDIA_ROOT` directly: a file is sent by the view of its record, after the access
gate (`access.lookups.get_visible_or_404`), with `send()`:

- `SENDFILE_HEADER=""` (development, the default): the file is streamed by Django (FileResponse);
- `SENDFILE_HEADER=X-Accel-Redirect` (nginx): an empty answer naming `SENDFILE_URL` + the stored
  name; nginx serves it from an `internal` location aliased to `MEDIA_ROOT` (README, Production);
- `SENDFILE_HEADER=X-Sendfile` (Apache mod_xsendfile, lighttpd): the absolute path.
"""

from __future__ import annotations

import mimetypes
import secrets
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

TOKEN_BYTES = 24  # 192 random bits, 32 characters


def safe_suffix(name: str) -> str:
    """The file's extension, lower case, letters and digits only (at most 10 characters)."""
    suffix = PurePosixPath(name or "").suffix.lower()
    return (
        "." + "".join(ch for ch in suffix[1:] if ch.isascii() and ch.isalnum())[:9]
        if suffix
        else ""
    )


def new_name(folder: str, original: str) -> str:
    """A fresh stored name under `folder` for a file first called `original`."""
    return (
        f"{folder}/{timezone.now():%Y}/{secrets.token_urlsafe(TOKEN_BYTES)}{safe_suffix(original)}"
    )


def is_unguessable(name: str) -> bool:
    stem = PurePosixPath(name).stem
    return len(stem) >= 32 and all(ch.isalnum() or ch in "-_" for ch in stem)


@deconstructible
class Unguessable:
    """`upload_to` of every stored file: `<folder>/<year>/<token><suffix>`."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return new_name(self.folder, filename)

    def __eq__(self, other) -> bool:
        return isinstance(other, Unguessable) and other.folder == self.folder


def original_name(fieldfile, kept: str = "") -> str:
    """The name to download a file as: the kept original, else the stored file's own."""
    return kept or PurePosixPath(fieldfile.name).name


def send(fieldfile_or_path, filename: str, *, inline: bool = False, public: bool = False):
    """The answer sending a stored file (a FieldFile, or a path under `MEDIA_ROOT`) as
    `filename`. The caller has checked that the user may read it."""
    root = Path(settings.MEDIA_ROOT)
    if isinstance(fieldfile_or_path, (str, Path)):
        path = Path(fieldfile_or_path)
        path = path if path.is_absolute() else root / path
    else:
        if not fieldfile_or_path:
            raise Http404
        path = root / fieldfile_or_path.name
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # a file outside MEDIA_ROOT (a command's --error-dir): Django streams it
        relative = None
    header = settings.SENDFILE_HEADER
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if header and relative is not None:
        response = HttpResponse(content_type=content_type)
        if header == "X-Accel-Redirect":
            response[header] = settings.SENDFILE_URL + quote(relative)
        else:
            response[header] = str(root / relative)
    else:
        if not path.is_file():
            raise Http404
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-cache"
    return response


class StoredFileField(models.FileField):
    """A FileField that writes the uploaded file's original name into `name_field` (a
    CharField declared after it) when a new file is saved: the name on disk is a token."""

    def __init__(self, *args, name_field: str = "", **kwargs) -> None:
        self.name_field = name_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.name_field:
            kwargs["name_field"] = self.name_field
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if self.name_field and file and not file._committed:
            setattr(model_instance, self.name_field, PurePosixPath(file.name).name[:255])
        return super().pre_save(model_instance, add)
