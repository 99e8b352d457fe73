from django.apps import AppConfig


class OCOPConfig(AppConfig):
    name = "tamnong.ocop"
    label = "ocop"
    verbose_name = "Chương trình OCOP"
