"""`tamnong import ntm-results FILE --set KEY --year Y [--user NAME] [--dry-run]`: the results of
many communes for one criteria set and year (checked first, written all or nothing, exactly as
entered by hand; every fault with its row and column)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tamnong.accounts.models import User
from tamnong.jobs.services import progress_line, run_now


def print_result(command, job, describe) -> None:
    if job.status != "done":
        raise CommandError(job.message or job.error)
    view = describe(job.result, None)
    for sentence in ([view.refused] if view.refused else []) + view.sentences:
        command.stdout.write(f"  {sentence}")
    for e in (job.result.get("errors") or [])[:50]:
        if e.get("row"):
            command.stdout.write(f"  dòng {e['row']}, cột «{e['column']}»: {e['reason']}")
    if not job.result.get("ok"):
        raise CommandError(f"Không ghi dữ liệu: {job.result.get('fault_count', 0)} lỗi.")


def actor_id(username):
    if not username:
        return None
    actor = User.objects.filter(username=username).first()
    if actor is None:
        raise CommandError(f"Không có người dùng {username}.")
    return actor


class Command(BaseCommand):
    help = "Nhập kết quả nông thôn mới của nhiều xã (một bộ tiêu chí, một năm) từ .xlsx/.csv."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--set", dest="set_key", required=True, help="mã bộ tiêu chí")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", help="tên đăng nhập người nhập (giới hạn theo phạm vi)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args, file, set_key, year, user, dry_run, **opts):
        from tamnong.ntm.tasks import describe_results

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        actor = actor_id(user)
        job = run_now(
            "ntm.results_preview" if dry_run else "ntm.results_import",
            echo=lambda j: self.stdout.write(progress_line(j)),
            user=actor,
            path=str(path.resolve()),
            user_id=actor.pk if actor else None,
            file_name=path.name,
            set_key=set_key,
            year=year,
        )
        print_result(self, job, describe_results)
        self.stdout.write(self.style.SUCCESS("Đã kiểm tra." if dry_run else "Đã nhập."))
