from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_rules(sender, using="default", **kwargs) -> None:
    """Regimes and the bundled criteria sets are data the app cannot work without: load them after
    every migrate (idempotent; a set an administrator replaced is left alone)."""
    from .rules import load_bundled

    load_bundled()


class OCOPConfig(AppConfig):
    name = "tamnong.ocop"
    label = "ocop"
    verbose_name = "Chương trình OCOP"

    def ready(self) -> None:
        post_migrate.connect(_load_rules, sender=self, dispatch_uid="ocop_load_rules")
