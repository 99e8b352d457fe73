"""The shared shape of the NTM bulk-import commands (`ntm-results`, `ntm-profiles`): a file, a year,
an optional user (limits the scope) and --dry-run; the job runs now, its progress echoed, then its
outcome is printed the way the upload page shows it (every fault with its row and column)."""

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


class BulkImportCommand(BaseCommand):
    """Subclasses name their two job kinds, add their own arguments in `add_extra_arguments`,
    say which options go to the job (`job_params`) and how its result reads (`describe`)."""

    preview_kind = ""
    import_kind = ""

    def add_extra_arguments(self, parser):
        pass

    def add_arguments(self, parser):
        parser.add_argument("file")
        self.add_extra_arguments(parser)
        parser.add_argument("--user", help="tên đăng nhập người nhập (giới hạn theo phạm vi)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def job_params(self, opts) -> dict:
        raise NotImplementedError

    def describe(self, result, job):
        raise NotImplementedError

    def handle(self, *args, file, user, dry_run, **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        actor = actor_id(user)
        job = run_now(
            self.preview_kind if dry_run else self.import_kind,
            echo=lambda j: self.stdout.write(progress_line(j)),
            user=actor,
            path=str(path.resolve()),
            user_id=actor.pk if actor else None,
            file_name=path.name,
            **self.job_params(opts),
        )
        print_result(self, job, self.describe)
        self.stdout.write(self.style.SUCCESS("Đã kiểm tra." if dry_run else "Đã nhập."))
