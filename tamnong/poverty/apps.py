from django.apps import AppConfig


class PovertyConfig(AppConfig):
    name = "tamnong.poverty"
    label = "poverty"
    verbose_name = "Giảm nghèo bền vững"

    def ready(self) -> None:
        from tamnong.core.signals import divisions_changed

        from . import partitions, standards
        from .importing import undo

        standards.register_rules()
        undo.register()  # "undo this import" of a review file (audit.changes)
        divisions_changed.connect(
            partitions.on_divisions_changed, dispatch_uid="poverty-partitions"
        )
