from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tamnong.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks, datacache  # noqa: F401  (checks register themselves)

        post_save.connect(datacache.on_model_change, dispatch_uid="core.datacache.save")
        post_delete.connect(datacache.on_model_change, dispatch_uid="core.datacache.delete")
