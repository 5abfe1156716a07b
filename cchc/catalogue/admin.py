"""Catalogue in the Django admin: read-only for the workflow record; edits go through the
staff editor (/catalogue/) so every change is audited by `cchc.catalogue.services`."""

from django.contrib import admin

from cchc.catalogue.models import CatalogueChange, Field, Procedure, RequiredDocument, StepTemplate
from cchc.core.admin import ReadOnlyAdmin, ReadOnlyInline, register_event_log


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class RequiredDocumentInline(ReadOnlyInline):
    model = RequiredDocument


class StepTemplateInline(ReadOnlyInline):
    model = StepTemplate


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
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


register_event_log(CatalogueChange)
