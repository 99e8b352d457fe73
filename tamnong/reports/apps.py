from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tamnong.reports"
    label = "reports"
    verbose_name = "Báo cáo tổng hợp"
