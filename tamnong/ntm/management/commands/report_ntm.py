"""`tamnong report ntm --division CODE --year Y --format json|xlsx|text`: the NTM figures
(`text`: the sentences of a year-end report)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tamnong.access.actors import SYSTEM
from tamnong.accounts.models import User
from tamnong.ntm.api import find_division
from tamnong.ntm.figures import figures, figures_xlsx


class Command(BaseCommand):
    help = "Số liệu nông thôn mới của một đơn vị trong một năm (JSON hoặc Excel)."

    def add_arguments(self, parser):
        parser.add_argument("--division", required=True, help="mã tỉnh hoặc xã")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx", "text"], default="json")
        parser.add_argument("--map", default=None, help="khóa bản đồ (mặc định: hiện hành)")
        parser.add_argument("--output", "-o", default=None, help="tệp ra (mặc định: stdout)")
        parser.add_argument("--user", default=None, help="giới hạn theo phạm vi của người dùng")

    def handle(self, *args, division, year, format, map, output, user, **opts):
        try:
            unit = find_division(division, map)
        except Http404:
            raise CommandError(f"Không có đơn vị mã {division}") from None
        actor = SYSTEM
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {user}")
        data = figures(actor, unit, year)
        if format in ("json", "text"):
            text = (
                json.dumps(data, ensure_ascii=False, indent=2)
                if format == "json"
                else "\n".join(data["sentences"])
            )
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        content = figures_xlsx(data)
        if output:
            with open(output, "wb") as fh:
                fh.write(content)
            self.stderr.write(f"Đã ghi {output}")
        else:
            sys.stdout.buffer.write(content)
