from django.apps import AppConfig


class TabularConfig(AppConfig):
    name = "tamnong.tabular"
    label = "tabular"
    verbose_name = "Nhập bảng tính"
