"""`tamnong ntm template --set KEY --year Y [--division CODE] [--user NAME] -o FILE`: the results
workbook of a criteria set and year (a row per commune with its region/group, a column per
indicator with its unit and threshold); `tamnong ntm profiles-template --year Y …`: the
classification workbook."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from tamnong.access.actors import SYSTEM
from tamnong.accounts.models import User


class Command(BaseCommand):
    help = "Tệp mẫu nhập kết quả / phân loại nông thôn mới, sinh từ dữ liệu bộ tiêu chí."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["template", "profiles-template"])
        parser.add_argument("--set", dest="set_key", default="", help="mã bộ tiêu chí")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--classification", choices=["region", "group"], default="")
        parser.add_argument("--division", default=None, help="mã tỉnh (mặc định: cả phạm vi)")
        parser.add_argument("--user", default=None, help="giới hạn theo phạm vi của người dùng")
        parser.add_argument("--output", "-o", default=None, help="tệp ra (mặc định: stdout)")

    def handle(self, *args, action, set_key, year, classification, division, user, output, **o):
        from tamnong.ntm import bulk, criteria

        actor = SYSTEM
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {user}")
        within = None
        if division:
            from django.http import Http404

            from tamnong.ntm.api import find_division

            try:
                within = find_division(division, None)
            except Http404:
                raise CommandError(f"Không có đơn vị mã {division}") from None
        communes = bulk.communes_in_scope(actor, year, within)
        if action == "template":
            cs = criteria.latest(set_key) if set_key else None
            if cs is None:
                raise CommandError(f"Không có bộ tiêu chí «{set_key}» (--set).")
            content = bulk.template_xlsx(cs, year, communes)
        else:
            kind = bulk.classification_for(year, classification)
            if kind is None:
                raise CommandError("Cần --classification region hoặc group cho năm này.")
            content = bulk.profiles_template_xlsx(year, kind, communes)
        if output:
            with open(output, "wb") as fh:
                fh.write(content)
            self.stderr.write(f"Đã ghi {output} ({len(communes)} xã)")
        else:
            sys.stdout.buffer.write(content)
