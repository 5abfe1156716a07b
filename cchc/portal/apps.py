from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cchc.portal"
    label = "portal"
    verbose_name = "Cổng công dân"

    def ready(self) -> None:
        # Notifications listen to dossier changes; dossiers never import the portal.
        from cchc.dossiers.signals import dossier_changed
        from cchc.feedback.signals import petition_changed
        from cchc.portal.notifications import on_dossier_changed, on_petition_changed

        dossier_changed.connect(on_dossier_changed, dispatch_uid="portal.notifications")
        # Petitioners are told through the same outbox; feedback never imports the portal.
        petition_changed.connect(on_petition_changed, dispatch_uid="portal.petition_notices")
