from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tamnong.core"
    label = "core"
    verbose_name = "Nền tảng"
