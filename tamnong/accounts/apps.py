from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tamnong.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
