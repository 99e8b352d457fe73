from django.apps import AppConfig


class OCOPConfig(AppConfig):
    name = "tamnong.ocop"
    label = "ocop"
    verbose_name = "Chương trình OCOP"

    def ready(self) -> None:
        # Regimes and criteria sets join the one rules pipeline (tamnong.rules), which loads them
        # after every migrate together with the other programmes' documents.
        from . import rules  # noqa: F401 - registers the programme
