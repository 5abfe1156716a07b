from django.contrib import admin

from cchc.agencies.models import AdministrativeUnit, Agency, RankingGroup


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
