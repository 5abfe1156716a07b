from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "cchc.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        from cchc.core.reference_data import ensure_reference_data

        post_migrate.connect(ensure_reference_data, dispatch_uid="cchc_reference_data")
