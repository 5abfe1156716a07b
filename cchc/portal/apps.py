from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cchc.portal"
    label = "portal"
    verbose_name = "Cổng công dân"

    def ready(self) -> None:
        # Notifications listen to dossier changes; dossiers never import the portal.
        # Notifications are queued inside the transaction of the change they follow (the
        # `*_changing` signals): an outbox row commits with the change or not at all, so a
        # crash between the commit and an after-commit hook can lose no message.
        from cchc.dossiers.signals import dossier_changing
        from cchc.feedback.signals import petition_changing
        from cchc.portal.notifications import on_dossier_changing, on_petition_changing

        dossier_changing.connect(on_dossier_changing, dispatch_uid="portal.notifications")
        # Petitioners are told through the same outbox; feedback never imports the portal.
        petition_changing.connect(on_petition_changing, dispatch_uid="portal.petition_notices")
        # The outbox's old messages are deleted by `apply_retention` (cchc/portal/retention.py).
        from cchc.core import retention
        from cchc.portal.retention import PURGES

        for purge in PURGES:
            retention.register(purge)
