"""Dossiers in the Django admin: read-only. Every change goes through
`cchc.dossiers.services` (the staff pages or the API), which records the event."""

from django.contrib import admin

from cchc.core.admin import EventLogInline, ReadOnlyAdmin, ReadOnlyInline, register_event_log
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


class StepInline(ReadOnlyInline):
    model = DossierStep


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
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
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "satisfaction", "created_at")


register_event_log(DossierEvent)
