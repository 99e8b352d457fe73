from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tamnong.reports"
    label = "reports"
    verbose_name = "Báo cáo tổng hợp"

    def ready(self) -> None:
        # the providers of the summary sections and dashboard panels register themselves
        # (tamnong/reports/registry.py)
        from . import panels, sections  # noqa: F401
