from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tamnong.poverty.models import Standard
from tamnong.poverty.standards import StandardDataError, load_standards, set_middle_income
from tamnong.rules import RuleError


class Command(BaseCommand):
    help = (
        "Chuẩn nghèo đa chiều: `list`; `load [FILE]` (mặc định data/poverty/standards.json); "
        "`set-middle-income KEY --rural N --urban N --source TEXT` để bổ sung mức sống trung bình."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "load", "set-middle-income"])
        parser.add_argument(
            "target", nargs="?", help="tệp (load) hoặc mã chuẩn (set-middle-income)"
        )
        parser.add_argument("--rural", type=int)
        parser.add_argument("--urban", type=int)
        parser.add_argument("--source", default="", help="văn bản, trang đã dùng (bắt buộc)")

    def handle(self, *args, action, target=None, rural=None, urban=None, source="", **opts):
        try:
            if action == "load":
                keys = load_standards(target)
                self.stdout.write("Đã nạp: " + ", ".join(keys))
            elif action == "set-middle-income":
                if not target or rural is None or urban is None:
                    raise CommandError(_("Cần mã chuẩn, --rural và --urban."))
                std, changed = set_middle_income(target, rural, urban, source)
                self.stdout.write(
                    f"{std.key}: mức sống trung bình đến {rural} (nông thôn), {urban} (thành thị); "
                    f"phân loại lại {changed} kết quả rà soát."
                )
        except (StandardDataError, RuleError) as exc:
            raise CommandError(str(exc)) from exc
        for s in Standard.objects.all():
            middle = (
                f"{s.middle_rural_up_to}/{s.middle_urban_up_to}"
                if s.middle_rural_up_to
                else "chưa có"
            )
            self.stdout.write(
                f"{s.key:<16} {s.first_year}–{s.last_year}  chuẩn {s.line_rural}/{s.line_urban}  "
                f"mức sống trung bình {middle}  {len(s.indicators)} chỉ số"
            )
