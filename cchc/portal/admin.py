from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.portal.models import Notification, PortalActivity


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Operators watch the outbox here; messages are queued and sent only by the services."""

    list_display = (
        "created_at",
        "channel",
        "recipient",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
    )
    list_filter = ("status", "channel", "kind")
    # the recipient is encrypted (cchc.core.personal): searched by dossier code or subject only
    search_fields = ("subject", "dossier__code")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PortalActivity)
class PortalActivityAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "dossier")
    list_filter = ("action",)
    search_fields = ("actor_label", "dossier__code")
    readonly_fields = [f.name for f in PortalActivity._meta.fields]
