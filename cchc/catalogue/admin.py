"""Catalogue in the Django admin: read-only for the workflow record; edits go through the
staff editor (/catalogue/) so every change is audited by `cchc.catalogue.services`."""

from django.contrib import admin

from cchc.catalogue.models import CatalogueChange, Field, Procedure, RequiredDocument, StepTemplate


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class RequiredDocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = RequiredDocument
    extra = 0


class StepTemplateInline(ReadOnlyMixin, admin.TabularInline):
    model = StepTemplate
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "field",
        "status",
        "processing_time",
        "time_unit",
        "online_level",
    )
    list_filter = ("status", "online_level", "time_unit", "field")
    search_fields = ("code", "name")
    inlines = [RequiredDocumentInline, StepTemplateInline]


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "procedure_code", "action", "actor_label")
    list_filter = ("action",)
    search_fields = ("procedure_code", "actor_label")
