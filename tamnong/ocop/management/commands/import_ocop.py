"""`tamnong import ocop FILE [--user NAME] [--partial]`: import a provincial OCOP list."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tamnong.accounts.models import User
from tamnong.jobs.services import progress_line, run_now


class Command(BaseCommand):
    help = "Nhập danh sách sản phẩm OCOP (.xlsx hoặc .csv theo mẫu); báo cáo dòng bị loại."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="tên đăng nhập người nhập (giới hạn theo phạm vi)")
        parser.add_argument(
            "--partial", action="store_true", help="ghi các dòng hợp lệ dù có dòng lỗi"
        )
        parser.add_argument("--rejected", help="ghi các dòng bị loại ra tệp CSV này")

    def handle(self, *args, file, user, partial, rejected, **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không có tệp %(file)s.") % {"file": file}, returncode=2)
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(
                    _("Không có người dùng %(user)s.") % {"user": user}, returncode=2
                )
        job = run_now(
            "ocop.import",
            echo=lambda j: self.stdout.write(progress_line(j)),
            user=actor,
            path=str(path.resolve()),
            user_id=actor.pk if actor else None,
            partial=partial,
        )
        if job.status != "done":
            raise CommandError(job.message or job.error)
        from tamnong.ocop.importer import rejected_csv, result_view
        from tamnong.ocop.models import ImportRun

        run = ImportRun.objects.get(pk=job.result["run"])
        view = result_view(run)
        for sentence in ([view.refused] if view.refused else []) + view.sentences:
            self.stdout.write(f"  {sentence}")
        for e in run.rejected[:50]:
            self.stdout.write(f"  dòng {e['row']}, cột «{e['column']}»: {e['reason']}")
        if rejected and run.rejected:
            Path(rejected).write_text(rejected_csv(run), encoding="utf-8")
        if not run.committed:
            raise CommandError(
                _("Không ghi dữ liệu: %(value)s lỗi.") % {"value": len(run.rejected)}, returncode=2
            )
        self.stdout.write(self.style.SUCCESS("Đã nhập."))
