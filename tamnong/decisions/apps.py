from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "tamnong.decisions"
    label = "decisions"
    verbose_name = "Quyết định"
