"""`tamnong report ocop --division CODE --date D --format json|xlsx [--output FILE]`."""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tamnong.access.actors import SYSTEM
from tamnong.ocop import figures


class Command(BaseCommand):
    help = "Số liệu OCOP của một đơn vị hành chính tại một ngày (JSON hoặc Excel)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--division", required=True, help="mã đơn vị (bản đồ hiện hành trước) hoặc #id"
        )
        parser.add_argument("--map", help="khóa bản đồ (vn-2008: đơn vị theo địa giới cũ)")
        parser.add_argument("--date", help="YYYY-MM-DD (mặc định hôm nay)")
        parser.add_argument("--since", help="đầu kỳ YYYY-MM-DD (mặc định 1/1 của năm)")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="tệp ra (bắt buộc với xlsx)")

    def handle(self, *args, division, date, since, format, output, map=None, **opts):
        try:
            params = figures.parse_params(SYSTEM, division, date, since, map)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        data = figures.figures(SYSTEM, **params)
        if format == "xlsx":
            if not output:
                raise CommandError(_("Cần --output FILE.xlsx"))
            with open(output, "wb") as fh:
                fh.write(figures.to_xlsx(data))
            self.stdout.write(f"Đã ghi {output}")
            return
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text + "\n")
