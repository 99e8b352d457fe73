from django.apps import AppConfig


class NTMConfig(AppConfig):
    name = "tamnong.ntm"
    label = "ntm"
    verbose_name = "Nông thôn mới"

    def ready(self) -> None:
        from tamnong.audit.display import register_code_name
        from tamnong.core.signals import figures_changed

        from . import criteria, signals
        from .templatetags.ntm import ntm_column

        criteria.register_rules()
        register_code_name("set_key", set_title)
        register_code_name("column", ntm_column)

        figures_changed.connect(signals.refresh_on_figures_changed, dispatch_uid="ntm.refresh")

        # the national roll-up's stored NTM counts (rollup.py)
        from django.db.models.signals import post_delete, post_save

        from tamnong.core.signals import divisions_changed

        from . import rollup
        from .models import Recognition

        for signal in (post_save, post_delete):
            signal.connect(
                rollup.on_recognition_change, sender=Recognition, dispatch_uid="ntm.rollup"
            )
        divisions_changed.connect(rollup.on_divisions_changed, dispatch_uid="ntm.rollup")
        from django.db.models.signals import post_migrate

        post_migrate.connect(rollup.after_migrate, sender=self, dispatch_uid="ntm.rollup")


def set_title(key: str) -> str:
    """An NTM criteria set's title by its key, for the audit trail ("nd-2021-xa" → its name)."""
    from .models import CriteriaSet

    cs = CriteriaSet.objects.filter(key=key).order_by("-version").first()
    return cs.title if cs else key
