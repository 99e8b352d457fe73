from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tamnong.audit import context
from tamnong.jobs.services import progress_line, run_now


class Command(BaseCommand):
    help = (
        "Nhập kết quả rà soát hộ nghèo từ tệp .xlsx/.csv (mẫu: docs/poverty-import-template.md). "
        "Kiểm tra mọi dòng trước, rồi ghi một lần; tệp có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--user",
            "--as",
            dest="user",
            help="tên đăng nhập (giới hạn theo phạm vi của người này; nhật ký ghi người này)",
        )

    def handle(self, *args, file, user=None, **opts):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("Không có người dùng %(u)s.") % {"u": user}, returncode=2)
        from pathlib import Path

        src = Path(file)
        if not src.is_file():
            raise CommandError(_("Không có tệp %(f)s.") % {"f": file}, returncode=2)
        # the job reads the file in place: it owns no file, so it removes none
        with context.acting(context.cli_actor(actor)):
            job = run_now(
                "poverty.import",
                user=actor,
                echo=lambda j: self.stderr.write(progress_line(j)),
                path=str(src.resolve()),
                user_id=actor.pk if actor else None,
                file_name=src.name,
            )
        result = job.result or {}
        if job.status != job.Status.DONE:
            raise CommandError(job.error or job.message)
        if not result.get("ok"):
            for row, col, reason in result.get("error_sample", [])[:20]:
                self.stderr.write(
                    _("  dòng %(row)s, cột «%(col)s»: %(reason)s")
                    % {"row": row, "col": col, "reason": reason}
                )
            if not result.get("rejected"):  # the file itself was refused
                raise CommandError(job.message, returncode=2)
            raise CommandError(
                _(
                    "Tệp bị từ chối: %(n)s dòng có lỗi, không ghi dữ liệu nào. Báo cáo lỗi: %(report)s"
                )
                % {"n": result["rejected"], "report": result["error_report"]},
                returncode=2,
            )
        self.stdout.write(
            _("Đã nhập %(rows)s dòng (năm %(years)s, %(communes)s xã).")
            % {
                "rows": result["rows"],
                "years": ", ".join(map(str, result["years"])),
                "communes": result["communes"],
            }
        )
