from django.core.management.base import BaseCommand, CommandError

from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.jobs.services import progress_line, run_now


class Command(BaseCommand):
    help = (
        "Administrative divisions: `load` the data files, `show CODE` a unit and its lineage, "
        "`apply-change FILE [--dry-run]` a change of units (e.g. communes turned into wards)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load or update from data/divisions (idempotent)")
        load.add_argument("--data-dir", default=None)
        show = sub.add_parser("show", help="show a unit, its successors and current unit")
        show.add_argument("code")
        show.add_argument("--level", choices=[lv.value for lv in Level], default=None)
        change = sub.add_parser(
            "apply-change", help="apply a change file (YAML) on top of the map in force"
        )
        change.add_argument("file")
        change.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )

    def handle(self, *args, action, **opts):
        if action == "load":
            job = run_now(
                "divisions.load",
                data_dir=opts["data_dir"],
                echo=lambda j: self.stderr.write(progress_line(j)),
            )
            if job.status != job.Status.DONE:
                raise CommandError(job.error)
            for line in job.result["summary"]:
                self.stdout.write(line)
            for mv in MapVersion.objects.all():
                counts = {lv: mv.divisions.filter(level=lv).count() for lv in Level.values}
                self.stdout.write(
                    f"{mv.key}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
                )
        elif action == "apply-change":
            self._apply_change(opts["file"], opts["dry_run"])
        elif action == "show":
            units = Division.objects.filter(code=opts["code"]).select_related("map", "current")
            if opts["level"]:
                units = units.filter(level=opts["level"])
            if not units:
                raise CommandError(f"Không có đơn vị mã {opts['code']}")
            for d in units:
                self.stdout.write(f"[{d.map.key}] {d.level} {d.code} {d.full_name()}")
                for link in d.successor_links.select_related("successor"):
                    flag = " (một phần)" if link.partial else ""
                    flag += " *" if link.primary else ""
                    self.stdout.write(
                        f"    → {link.successor.code} {link.successor.full_name()} [{link.kind}]{flag}"
                    )
                if d.current and d.current_id != d.pk:
                    self.stdout.write(f"    tính cho: {d.current.code} {d.current.full_name()}")

    def _apply_change(self, file: str, dry_run: bool) -> None:
        from pathlib import Path

        from tamnong.access.actors import SYSTEM
        from tamnong.divisions.changes import ChangeError, apply_file

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}", returncode=2)
        try:
            plan, mv = apply_file(SYSTEM, path, dry_run=dry_run)
        except ChangeError as exc:
            raise CommandError(
                "Không áp dụng được:\n  " + "\n  ".join(exc.errors), returncode=2
            ) from None
        self.stdout.write(plan.name or plan.key)
        for line in plan.lines():
            self.stdout.write(f"  {line}")
        if plan.already is not None:
            return
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
        else:
            self.stdout.write(
                f"Đã áp dụng: phiên bản bản đồ {mv.key}, hiệu lực từ {mv.valid_from:%d/%m/%Y}."
            )
