"""Admin: reference data (topics, answer templates, reception schedule) and Open311 keys.

Petitions and complaints are read-only here: every change goes through the service modules so it
lands in the audit trail.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cchc.core.admin import EventLogInline, ReadOnlyAdmin, register_event_log
from cchc.feedback.models import (
    Complaint,
    ComplaintEvent,
    Open311Client,
    Petition,
    PetitionEvent,
    ReceptionSlot,
    ResponseTemplate,
    Topic,
)
from cchc.feedback.open311_clients import issue_key_to


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "active", "order")
    list_filter = ("category", "active")


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "active")
    list_filter = ("category", "active")


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(admin.ModelAdmin):
    list_display = ("day", "start_time", "agency", "leader_name", "leader_title", "cancelled")
    list_filter = ("cancelled", "agency")
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class PetitionEventInline(EventLogInline):
    model = PetitionEvent
    fields = ("seq", "at", "action", "from_status", "to_status", "actor_label", "note")
    readonly_fields = fields


class ComplaintEventInline(EventLogInline):
    model = ComplaintEvent
    fields = ("seq", "at", "action", "from_status", "to_status", "actor_label", "note")
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "title",
        "agency",
        "category",
        "channel",
        "status",
        "received_at",
        "handle_due_at",
    )
    list_filter = ("status", "category", "channel")
    search_fields = ("code", "title", "dossier_code")
    inlines = [PetitionEventInline]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "agency", "status", "received_at", "settle_due_at")
    list_filter = ("kind", "status")
    inlines = [ComplaintEventInline]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Adding a client issues its key: shown once in the confirmation message, stored hashed."""

    list_display = ("name", "prefix", "contact", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "contact", "revoked_at", "prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw = issue_key_to(obj)
            messages.warning(
                request,
                _("New Open311 API key (copy it now, it is not shown again): %(key)s")
                % {"key": raw},
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


register_event_log(PetitionEvent)
register_event_log(ComplaintEvent)
