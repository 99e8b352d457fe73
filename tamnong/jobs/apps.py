from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "tamnong.jobs"
    label = "jobs"
    verbose_name = "Tác vụ nền"
