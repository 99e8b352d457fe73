from django.apps import AppConfig


class NTMConfig(AppConfig):
    name = "tamnong.ntm"
    label = "ntm"
    verbose_name = "Nông thôn mới"
