import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from tamnong.access.actors import SYSTEM
from tamnong.accounts.models import User
from tamnong.divisions.models import Level
from tamnong.divisions.services import find_unit
from tamnong.reports import exports

USAGE = """tamnong export mof-ntp --province 01 --year 2025 [--cutoff 2025-12-14] [--format json|xlsx] [-o FILE]
tamnong export ocop-national --province 01 [--cutoff 2026-06-30] [--format json|xlsx] [-o FILE]"""


class Command(BaseCommand):
    help = "Files for the national systems (MoF NTP database, national OCOP list).\n" + USAGE

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="mof-ntp|ocop-national")
        for kind, text in (
            ("mof-ntp", "báo cáo cơ sở dữ liệu chương trình mục tiêu quốc gia (Bộ Tài chính)"),
            ("ocop-national", "danh sách sản phẩm OCOP gửi hệ thống OCOP quốc gia"),
        ):
            p = sub.add_parser(kind, help=text)
            p.add_argument("--province", required=True, help="mã tỉnh (2 chữ số)")
            if kind == "mof-ntp":
                p.add_argument(
                    "--year", required=True, help="năm (2025) hoặc giai đoạn (2021-2025)"
                )
            p.add_argument("--cutoff", default=None, help="ngày chốt số liệu (2025-12-14)")
            p.add_argument("--format", choices=["json", "xlsx"], default="json")
            p.add_argument(
                "-o", "--output", default=None, help="tệp ghi ra (mặc định: stdout cho JSON)"
            )
            p.add_argument("--as-user", default=None, help="người dùng có phạm vi áp dụng")

    def handle(self, *args, **o):
        province = find_unit(o["province"])
        if province is None or province.level != Level.PROVINCE:
            raise CommandError(f"Không có tỉnh mã {o['province']}.", returncode=2)
        user = SYSTEM
        if o["as_user"]:
            user = User.objects.filter(username=o["as_user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng {o['as_user']}.", returncode=2)
        try:
            module, document, name = exports.produce(
                user, o["kind"], province, year=o.get("year") or "", cutoff=o["cutoff"]
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=2) from None
        if o["format"] == "json":
            data = exports.to_json(document).encode()
        else:
            data = module.to_xlsx(document)
        if o["output"]:
            Path(o["output"]).write_bytes(data)
            self.stderr.write(f"Đã ghi {o['output']} ({len(data):,} byte)".replace(",", "."))
        elif o["format"] == "json":
            sys.stdout.write(data.decode() + "\n")
        else:
            raise CommandError(f"Định dạng nhị phân: dùng -o {name}.xlsx", returncode=2)
