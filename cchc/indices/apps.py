from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "cchc.indices"
    label = "indices"
    verbose_name = "Chỉ số"

    def ready(self) -> None:
        """Keep facts and summaries current: dossiers and feedback announce changes after
        commit; the indices listen (they never import us)."""
        from cchc.dossiers.signals import dossier_changed, dossier_changing, dossiers_bulk_changed
        from cchc.feedback.signals import petition_changed, petition_changing
        from cchc.indices import receivers

        dossier_changing.connect(
            receivers.on_dossier_changing, dispatch_uid="indices.dossier_changing"
        )
        dossier_changed.connect(
            receivers.on_dossier_changed, dispatch_uid="indices.dossier_changed"
        )
        dossiers_bulk_changed.connect(
            receivers.on_dossiers_bulk_changed, dispatch_uid="indices.dossiers_bulk_changed"
        )
        petition_changing.connect(
            receivers.on_petition_changing, dispatch_uid="indices.petition_changing"
        )
        petition_changed.connect(
            receivers.on_petition_changed, dispatch_uid="indices.petition_changed"
        )
