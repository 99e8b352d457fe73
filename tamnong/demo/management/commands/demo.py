from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tamnong.demo.services import DEMO_PASSWORD, DEMO_USERS, build


class Command(BaseCommand):
    help = "Build the deterministic demo province (default Lạng Sơn, code 20) with users for each role."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="20")
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--force", action="store_true", help="allow in production")

    def handle(self, *args, province, households, seed, force, **opts):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "Không tạo dữ liệu mẫu trên hệ thống thật (dùng --force nếu thực sự muốn)."
            )
        try:
            ctx = build(province, households=households, seed=seed, say=self.stdout.write)
        except Exception as exc:  # shown as a clear message, not a traceback
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(
            f"Tỉnh mẫu: {ctx.province.name}. Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):"
        )
        for username, full_name, role, _where in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label} – {full_name}")
