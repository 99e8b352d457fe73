"""`tamnong rename_stored_files [--dry-run]`: give files stored before issue 14 (guessable names
such as `ocop/dossiers/2026/phieu-dang-ky.pdf`) an unguessable name.

Old names already answer only through the checked views (nothing serves MEDIA_ROOT), so this is
the second wall: a web server misconfigured to show MEDIA_ROOT would still reveal no file by its
name. Each file is renamed, then its row updated (the original name kept for download); if the
row cannot be written the file is moved back. Running it again renames nothing.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models, transaction

from tamnong.core.storedfiles import (
    TOKEN_BYTES,
    StoredFileField,
    Unguessable,
    is_unguessable,
    new_name,
)


def stored_fields():
    """(model, field) of every FileField stored under an unguessable name."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(field.upload_to, Unguessable):
                yield model, field


class Command(BaseCommand):
    help = "Rename stored files with guessable names to unguessable ones (kept original names)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, *args, dry_run: bool, **opts):
        root = Path(settings.MEDIA_ROOT)
        renamed = missing = 0
        for model, field in stored_fields():
            rows = model._default_manager.exclude(**{field.attname: ""}).values_list(
                "pk", field.attname
            )
            for pk, name in list(rows):
                if is_unguessable(name):
                    continue
                old = root / name
                if not old.is_file():
                    missing += 1
                    self.stderr.write(f"{model._meta.label} {pk}: thiếu tệp {name}")
                    continue
                renamed += 1
                if dry_run:
                    continue
                fresh = new_name(field.upload_to.folder, name)
                changes = {field.attname: fresh}
                keep = (
                    getattr(field, "name_field", "") if isinstance(field, StoredFileField) else ""
                )
                if keep and not model._default_manager.filter(pk=pk).exclude(**{keep: ""}).exists():
                    changes[keep] = PurePosixPath(name).name[:255]
                self._move(old, root / fresh, model._default_manager.filter(pk=pk), changes)
        renamed += self._error_reports(root, dry_run)
        verb = "Sẽ đổi tên" if dry_run else "Đã đổi tên"
        self.stdout.write(f"{verb} {renamed} tệp; {missing} tệp không còn trên đĩa.")

    @staticmethod
    def _move(old: Path, new: Path, row: models.QuerySet, changes: dict) -> None:
        new.parent.mkdir(parents=True, exist_ok=True)
        os.rename(old, new)
        try:
            # a queryset update: issued documents are immutable to `save()`, and this changes
            # only where the bytes lie, not what the record says
            with transaction.atomic():
                row.update(**changes)
        except BaseException:
            os.rename(new, old)
            raise

    def _error_reports(self, root: Path, dry_run: bool) -> int:
        """Poverty import error reports named `loi-nhap-ho-<id>.csv` (absolute paths)."""
        from secrets import token_urlsafe

        from tamnong.poverty.models import ImportBatch

        n = 0
        for batch in ImportBatch.objects.exclude(error_report="").only("pk", "error_report"):
            old = Path(batch.error_report)
            if is_unguessable(old.name) or not old.is_file():
                continue
            n += 1
            if not dry_run:
                new = old.with_name(f"{token_urlsafe(TOKEN_BYTES)}.csv")
                rows = ImportBatch.objects.filter(pk=batch.pk)
                self._move(old, new, rows, {"error_report": str(new)})
        return n
