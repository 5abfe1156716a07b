from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cchc.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from cchc.accounts import lockout  # noqa: F401  (signal receivers: audit of sign-ins)
