from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.agencies import services
from cchc.agencies.models import AdministrativeUnit, Agency, AgencyEvent, RankingGroup
from cchc.core.admin import EventLogInline, register_event_log


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "province_code", "valid_from", "valid_to")
    list_filter = ("level", "province_code")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    filter_horizontal = ("successors",)


@admin.register(RankingGroup)
class RankingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "order")


class AgencyEventInline(EventLogInline):
    model = AgencyEvent
    fields = ("seq", "at", "action", "actor_label", "data")
    readonly_fields = fields


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "group",
        "province_code",
        "identity_code",
        "valid_from",
        "valid_to",
    )
    list_filter = ("level", "group", "province_code")
    search_fields = ("code", "name", "identity_code")
    raw_id_fields = ("parent", "unit")
    filter_horizontal = ("successors",)
    inlines = (AgencyEventInline,)

    # An edit here is logged (AgencyEvent) like an import's: the record as it was before the
    # form is saved, compared once its links (successors) are saved too.
    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        request._agency_before = services.snapshots([obj]).get(obj.pk) if change else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.record_edit(
            form.instance, actor=request.user, before=getattr(request, "_agency_before", None)
        )


register_event_log(AgencyEvent)
