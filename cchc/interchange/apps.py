from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "cchc.interchange"
    label = "interchange"
    verbose_name = "Trao đổi dữ liệu"

    def ready(self) -> None:
        """Every dossier change queues its synchronisation to the national portal, in the
        changing transaction (cchc.interchange.portal_sync)."""
        from cchc.dossiers.signals import dossier_changing
        from cchc.interchange import portal_sync

        dossier_changing.connect(
            portal_sync.on_dossier_changing, dispatch_uid="interchange.portal_sync"
        )
