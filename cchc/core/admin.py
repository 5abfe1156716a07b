"""One read-only admin for every event log (cchc.core.events.EventLog subclasses), and the
read-only admin and inline of the workflow records whose changes go through services."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Nothing added, changed or deleted through the admin: audit records are append-only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A workflow record shown, never edited: its changes go through the module's services,
    which write the audit trail."""


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0


class EventLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "subject", "seq", "action", "actor_label")
    list_filter = ("action",)
    search_fields = ("actor_label", "note", "action")
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False  # the dossier log holds millions of rows

    @admin.display(description="subject")
    def subject(self, obj: Any) -> Any:
        return getattr(obj, f"{obj.subject_field}_id")


class EventLogInline(ReadOnlyInline):
    can_delete = False
    # a module's inline lists its own columns too (from/to state, agency)
    fields: ClassVar[tuple[str, ...]] = ("seq", "at", "action", "actor_label", "note")
    readonly_fields: ClassVar[tuple[str, ...]] = fields
    ordering = ("seq",)


def register_event_log(model: type) -> None:
    """Register an event model with the shared read-only admin."""
    admin.site.register(model, EventLogAdmin)
