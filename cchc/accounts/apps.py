from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cchc.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
