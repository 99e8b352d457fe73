import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tamnong.access.actors import SYSTEM
from tamnong.accounts.models import User
from tamnong.divisions.services import UnknownMap, find_unit
from tamnong.reports import render
from tamnong.reports.summary import Period, build_summary


class Command(BaseCommand):
    help = "tamnong report summary --division CODE --period 2021-2025 --format html|pdf|xlsx|json [-o FILE]"

    def add_arguments(self, parser):
        parser.add_argument(
            "--division", required=True, help="province (2 digits) or commune (5 digits) code"
        )
        parser.add_argument(
            "--map", default=None, help="map key, e.g. vn-2008 for a report as of the old map"
        )
        parser.add_argument("--period", required=True)
        parser.add_argument("--format", choices=["html", "pdf", "xlsx", "json"], default="json")
        parser.add_argument(
            "-o", "--output", default=None, help="file to write (default: stdout for text)"
        )
        parser.add_argument(
            "--as-user", default=None, help="username whose scope applies (default: system)"
        )

    def handle(self, *args, **o):
        try:
            unit = find_unit(o["division"], map_key=o["map"])
        except UnknownMap as exc:
            raise CommandError(str(exc)) from None
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {o['division']}")
        try:
            period = Period.parse(o["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        user = User.objects.filter(username=o["as_user"]).first() if o["as_user"] else SYSTEM
        if user is None:
            raise CommandError(f"Không có người dùng {o['as_user']}")
        report = build_summary(user, unit, period)
        if o["format"] == "json":
            data = render.to_json(report).encode()
        elif o["format"] == "xlsx":
            data = render.to_xlsx(report)
        elif o["format"] == "pdf":
            data = render.to_pdf(report)
        else:
            from django.template.loader import render_to_string

            data = render_to_string(
                "reports/summary_standalone.html",
                {"report": report, "division": unit, "period": period},
            ).encode()
        if o["output"]:
            Path(o["output"]).write_bytes(data)
            self.stderr.write(f"Đã ghi {o['output']} ({len(data):,} byte)")
        elif o["format"] in {"json", "html"}:
            sys.stdout.write(data.decode())
        else:
            raise CommandError("Định dạng nhị phân: dùng -o FILE")
