"""`tamnong import ntm --builtin` loads data/ntm; `tamnong import ntm FILE` loads a YAML or Excel
criteria set (validated, all or nothing; prints every problem with its row and column)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tamnong.cli import input_error_message
from tamnong.ntm import criteria


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí nông thôn mới (YAML hoặc Excel theo mẫu)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None)
        parser.add_argument("--builtin", action="store_true", help="nạp data/ntm/MANIFEST.yaml")
        parser.add_argument("--demo", action="store_true", help="kèm các bộ tiêu chí minh họa")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và xem thay đổi")

    def handle(self, *args, file, builtin, demo, dry_run, **opts):
        if builtin or demo:
            try:
                for cs, created in criteria.load_builtin(demo=demo):
                    state = "phiên bản mới" if created else "không đổi"
                    self.stdout.write(f"{cs.key} v{cs.version}: {state}")
            except criteria.SetDataError as exc:
                raise CommandError(str(exc)) from None
            return
        if not file:
            raise CommandError("Cần tên tệp hoặc --builtin.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(input_error_message(exc) or str(exc), returncode=2) from None
        if path.suffix.lower() == ".xlsx":
            spec, problems = criteria.read_xlsx(content)
        else:
            try:
                if b"\x00" in content:
                    raise UnicodeDecodeError("utf-8", content, content.index(b"\x00"), 0, "NUL")
                text = content.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CommandError(
                    _(
                        "Tệp %(f)s không phải văn bản UTF-8 (byte thứ %(pos)s): bộ tiêu chí là "
                        "tệp YAML lưu dạng UTF-8, hoặc bảng Excel .xlsx theo mẫu. Không nạp gì."
                    )
                    % {"f": path.name, "pos": exc.start + 1},
                    returncode=2,
                ) from None
            spec, problems = criteria.read_yaml(text)
        for p in problems:
            self.stderr.write(f"{p['where']}: {p['message']}")
        if problems:
            raise CommandError(f"{len(problems)} lỗi; không nạp gì.", returncode=2)
        base = criteria.latest(spec["key"])
        for change in criteria.changes(spec, base.payload if base else None):
            self.stdout.write(f"{change['what']}: {change['before']} → {change['after']}")
        if not dry_run:
            cs, created = criteria.store(spec, note=f"CLI: {path.name}")
            self.stdout.write(f"{cs.key} v{cs.version}: {'đã nạp' if created else 'không đổi'}")
