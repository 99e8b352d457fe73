from django.apps import AppConfig


class PovertyConfig(AppConfig):
    name = "tamnong.poverty"
    label = "poverty"
    verbose_name = "Giảm nghèo bền vững"

    def ready(self) -> None:
        from . import standards

        standards.register_rules()
