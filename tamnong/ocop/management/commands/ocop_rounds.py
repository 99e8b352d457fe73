"""`tamnong ocop_rounds --province CODE --year YYYY`: create the evaluation rounds of a year
(regime `rounds`, 26/2026 Điều 5) for a province; idempotent."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tamnong.access.actors import SYSTEM
from tamnong.core.formatting import date as vn_date
from tamnong.divisions.models import Level
from tamnong.divisions.services import find_current
from tamnong.ocop import services


class Command(BaseCommand):
    help = "Lập các đợt đánh giá, phân hạng sản phẩm OCOP của một năm cho một tỉnh."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="mã tỉnh (QĐ 19/2025)")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, province, year, **opts):
        unit = find_current(province, Level.PROVINCE)
        if unit is None:
            raise CommandError(_("Không có tỉnh mã %(province)s.") % {"province": province})
        try:
            created = services.create_rounds(SYSTEM, unit, year)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for r in created:
            self.stdout.write(
                f"{r} – đề nghị trước {vn_date(r.proposals_before)}, "
                f"quyết định trước {vn_date(r.decided_before)} ({r.article})"
            )
        self.stdout.write(f"Đã lập {len(created)} đợt mới cho {unit.name} năm {year}.")
