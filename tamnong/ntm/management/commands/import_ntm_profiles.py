"""`tamnong import ntm-profiles FILE --year Y [--classification region|group] [--user NAME]`:
the region (318/2022) or group (51/2025) of many communes, which selects their thresholds."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tamnong.jobs.services import progress_line, run_now

from .import_ntm_results import actor_id, print_result


class Command(BaseCommand):
    help = "Nhập vùng/nhóm (phân loại chọn ngưỡng) của nhiều xã từ .xlsx/.csv."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--classification", choices=["region", "group"], default="")
        parser.add_argument("--user", help="tên đăng nhập người nhập (giới hạn theo phạm vi)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args, file, year, classification, user, dry_run, **opts):
        from tamnong.ntm.tasks import describe_profiles

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        actor = actor_id(user)
        job = run_now(
            "ntm.profiles_preview" if dry_run else "ntm.profiles_import",
            echo=lambda j: self.stdout.write(progress_line(j)),
            user=actor,
            path=str(path.resolve()),
            user_id=actor.pk if actor else None,
            file_name=path.name,
            year=year,
            classification=classification,
        )
        print_result(self, job, describe_profiles)
        self.stdout.write(self.style.SUCCESS("Đã kiểm tra." if dry_run else "Đã nhập."))
