"""`tamnong rules load [PROGRAMME [PATH]]` and `tamnong rules list [PROGRAMME]`.

load: the bundled rule documents of every programme (what runs after `migrate`), or of one
programme, or one file/folder of it (e.g. `tamnong rules load ocop data/ocop/26-2026`). Loading the
same file twice changes nothing (checksum); a changed file is a new version (OCOP, NTM) or refused
(poverty: a new standard needs a new key).
list: the stored versions with their checksum and source."""

from django.core.management.base import BaseCommand, CommandError

from tamnong import rules


class Command(BaseCommand):
    help = "Nạp hoặc liệt kê các văn bản quy định (bộ tiêu chí OCOP, chuẩn nghèo, bộ tiêu chí NTM)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "list"])
        parser.add_argument(
            "programme", nargs="?", help="ocop, poverty hoặc ntm (mặc định: tất cả)"
        )
        parser.add_argument("path", nargs="?", help="tệp hoặc thư mục (chỉ với load)")

    def handle(self, *args, action, programme=None, path=None, **opts):
        try:
            chosen = [rules.get(programme)] if programme else rules.programmes()
            if action == "load":
                if path and not programme:
                    raise CommandError("Cần chỉ rõ chương trình khi nạp một tệp.")
                for p in chosen:
                    report = rules.load(p.key, path)
                    self.stdout.write(
                        f"{p.title}: {report.created} phiên bản mới, {report.unchanged} không đổi"
                    )
            else:
                for p in chosen:
                    for key, version, digest, source in p.versions():
                        self.stdout.write(f"{p.key}\t{key}\tv{version}\t{digest[:12]}\t{source}")
        except rules.RuleError as exc:
            raise CommandError(
                "\n".join(rules.RuleError.text(p) for p in exc.problems), returncode=2
            ) from exc
