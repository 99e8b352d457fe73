from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tamnong.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
