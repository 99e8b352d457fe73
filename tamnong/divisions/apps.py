from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "tamnong.divisions"
    label = "divisions"
    verbose_name = "Đơn vị hành chính"
