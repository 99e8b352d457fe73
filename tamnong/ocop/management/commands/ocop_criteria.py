"""`tamnong ocop_criteria load [FILE…]`: load the bundled sets, or a set file as a new version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tamnong.ocop import criteria as crit
from tamnong.ocop import rules


class Command(BaseCommand):
    help = "Nạp chế độ đánh giá và bộ tiêu chí OCOP (mặc định: data/ocop/148)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")

    def handle(self, *args, files, **opts):
        if not files:
            self.stdout.write(str(rules.load_bundled()))
            return
        for name in files:
            path = Path(name)
            try:
                checked = crit.normalise(
                    rules.parse_file(path.name, path.read_bytes()), rules.decisions()
                )
                cs, created = rules.install(checked, source_name=path.name)
            except crit.CriteriaError as exc:
                raise CommandError(f"{name}: " + "; ".join(exc.errors)) from exc
            for w in checked.warnings:
                self.stdout.write(f"  cảnh báo: {w}")
            self.stdout.write(f"{name}: {cs} {'(mới)' if created else '(không đổi)'}")
