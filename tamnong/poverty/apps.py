from django.apps import AppConfig


class PovertyConfig(AppConfig):
    name = "tamnong.poverty"
    label = "poverty"
    verbose_name = "Giảm nghèo bền vững"

    def ready(self) -> None:
        from . import standards
        from .importing import undo

        standards.register_rules()
        undo.register()  # "undo this import" of a review file (audit.changes)
