from django.apps import AppConfig


class NTMConfig(AppConfig):
    name = "tamnong.ntm"
    label = "ntm"
    verbose_name = "Nông thôn mới"

    def ready(self) -> None:
        from tamnong.core.signals import figures_changed

        from . import criteria, signals

        criteria.register_rules()

        figures_changed.connect(signals.refresh_on_figures_changed, dispatch_uid="ntm.refresh")
