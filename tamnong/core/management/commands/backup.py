"""`tamnong backup [--output DIR]`: the database, the media files and a manifest in one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tamnong.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (PostgreSQL: pg_dump; SQLite: bản sao trực tuyến), các tệp đính "
        "kèm (MEDIA_ROOT) và một manifest (phiên bản mã, loại cơ sở dữ liệu, thời điểm, mã kiểm "
        "tra từng tệp) vào một tệp .tar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=None, help="thư mục ghi bản sao lưu (mặc định var/backups)"
        )

    def handle(self, *args, output=None, **opts):
        folder = Path(output) if output else Path(settings.VAR_DIR) / "backups"
        try:
            result = create_backup(folder)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        m = result.manifest
        rows = sum(t["rows"] for t in m["tables"].values())
        self.stdout.write(
            f"Đã sao lưu {len(m['tables'])} bảng ({rows} dòng) và {len(m['files']) - 1} tệp "
            f"đính kèm vào {result.path}"
        )
