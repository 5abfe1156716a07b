"""Dossiers in the Django admin: read-only. Every change goes through
`cchc.dossiers.services` (the staff pages or the API), which records the event."""

from django.contrib import admin

from cchc.dossiers.models import Dossier, DossierEvent, DossierStep, Evaluation


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
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


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierStep
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
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
class EvaluationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("dossier", "satisfaction", "created_at")
