from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tamnong.poverty import partitions


class Command(BaseCommand):
    help = (
        "PostgreSQL: tạo phân vùng (partition) theo tỉnh cho bảng hộ và kết quả rà soát của mọi "
        "tỉnh chưa có, chuyển các dòng của tỉnh đó ra khỏi phân vùng DEFAULT, và chuyển hộ có xã "
        "nay thuộc tỉnh khác sang tỉnh mới. Chạy lại bao nhiêu lần cũng được."
    )

    def handle(self, *args, **opts):
        report = partitions.maintain()
        if not partitions.enabled():
            self.stdout.write(_("Cơ sở dữ liệu này không phân vùng (SQLite)."))
        self.stdout.write(
            _(
                "Phân vùng mới: %(created)s; dòng chuyển khỏi DEFAULT: %(moved)s; "
                "hộ chuyển tỉnh: %(realigned)s"
            )
            % report
        )
