"""`tamnong restore ARCHIVE [--force]`: put back a backup made by `tamnong backup`."""

from django.core.management.base import BaseCommand, CommandError

from tamnong.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp đính kèm từ một bản sao lưu của `tamnong backup`. Từ chối "
        "nếu nơi khôi phục đã có dữ liệu, trừ khi có --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="thay cả khi cơ sở dữ liệu hoặc thư mục tệp đính kèm đã có dữ liệu",
        )

    def handle(self, *args, archive, force=False, **opts):
        try:
            result = restore_backup(archive, force=force)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        m = result["manifest"]
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {m['created_at']} ({m['engine']}, mã "
            f"{m['code']['release']} {m['code']['commit'][:10]}): {result['tables']} bảng khớp "
            "mã kiểm tra. Nếu mã nguồn mới hơn bản sao lưu, chạy `tamnong migrate`."
        )
