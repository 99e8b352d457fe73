import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from tamnong.access.actors import SYSTEM
from tamnong.access.lookups import resolve_division
from tamnong.divisions.models import MapVersion
from tamnong.poverty import exports, services


class Command(BaseCommand):
    help = "Số liệu hộ nghèo, cận nghèo của một đơn vị trong một năm (json hoặc xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--division", required=True, help="mã đơn vị (tỉnh, xã, thôn)")
        parser.add_argument(
            "--map",
            default=None,
            help="khóa bản đồ (vn-2008: đơn vị theo địa giới cũ khi hai bản đồ cùng có mã)",
        )
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", "-o", help="tệp ra (mặc định: stdout cho json)")

    def handle(self, *args, division, year, format, output=None, map=None, **opts):
        if map and not MapVersion.objects.filter(key=map).exists():
            raise CommandError(_("Không có bản đồ «%(map)s».") % {"map": map})
        try:
            div = resolve_division(SYSTEM, division, map_key=map)
        except Http404:
            raise CommandError(
                _("Không có đơn vị mã %(division)s.") % {"division": division}
            ) from None
        data = services.report(SYSTEM, div, year)
        if data["figures"] is None:
            raise CommandError(
                _("%(name)s: năm %(year)s chưa có kết quả rà soát.")
                % {"name": div.name, "year": year}
            )
        if format == "json":
            text = json.dumps(exports.jsonable(data), ensure_ascii=False, indent=2)
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                self.stdout.write(text)
            return
        output = output or f"bao-cao-ho-ngheo-{div.code}-{year}.xlsx"
        with open(output, "wb") as fh:
            fh.write(exports.report_xlsx(data))
        self.stdout.write(f"Đã ghi {output}")
