from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_all(sender, using="default", **kwargs) -> None:
    """Every programme's bundled rule documents, after every migrate (idempotent by checksum)."""
    from . import load_all

    load_all()


class RulesConfig(AppConfig):
    name = "tamnong.rules"
    label = "rules"
    verbose_name = "Văn bản quy định"

    def ready(self) -> None:
        post_migrate.connect(_load_all, sender=self, dispatch_uid="rules_load_all")
