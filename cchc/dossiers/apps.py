from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "cchc.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self) -> None:
        from cchc.core import retention
        from cchc.dossiers.retention import PURGE

        retention.register(PURGE)
