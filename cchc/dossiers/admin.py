"""Dossiers in the Django admin: read-only. Every change goes through
`cchc.dossiers.services` (the staff pages or the API), which records the event."""

from django.contrib import admin

from cchc.core.admin import EventLogInline, ReadOnlyAdminMixin, register_event_log
from cchc.dossiers.models import Dossier, DossierEvent, DossierStep, Evaluation


class EventInline(EventLogInline):
    model = DossierEvent
    fields = (
        "seq",
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_label",
        "agency",
        "target_agency",
        "note",
    )
    readonly_fields = fields


class StepInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DossierStep
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "procedure",
        "status",
        "channel",
        "receiving_agency",
        "current_agency",
        "received_at",
        "due_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("code", "applicant_name")
    list_select_related = ("procedure", "receiving_agency", "current_agency")
    inlines = [StepInline, EventInline]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dossier", "satisfaction", "created_at")


register_event_log(DossierEvent)
