"""Admin: the methodology is data (a new scheme version is added here, not in code); the
province's target and ranking threshold; facts and reports are read-only."""

from django.contrib import admin

from cchc.core.admin import register_event_log
from cchc.indices import models


class MetricInline(admin.TabularInline):
    model = models.Metric
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "max_points",
        "threshold",
        "empty_rule",
        "kind",
        "numerator",
        "denominator",
        "confirmed",
        "portal_numerator",
        "portal_denominator",
    )


@admin.register(models.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("version", "order", "code", "name", "max_points", "portal_report")
    list_filter = ("version",)
    inlines = [MetricInline]


class GroupInline(admin.TabularInline):
    model = models.Group
    extra = 0
    show_change_link = True
    fields = (
        "order",
        "code",
        "name",
        "max_points",
        "round_metrics",
        "portal_report",
        "portal_layout",
        "portal_score_field",
    )


@admin.register(models.SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ("scheme", "version", "status", "valid_from", "valid_to")
    list_filter = ("scheme", "status")
    inlines = [GroupInline]


admin.site.register(models.Scheme)


@admin.register(models.ProvinceIndexSetting)
class ProvinceIndexSettingAdmin(admin.ModelAdmin):
    list_display = ("province_code", "target_total", "min_dossiers_to_rank")


@admin.register(models.PeriodReport)
class PeriodReportAdmin(admin.ModelAdmin):
    list_display = (
        "version",
        "period",
        "province_code",
        "closed_at",
        "closed_by",
        "watermark_event_id",
        "restated",
    )
    readonly_fields = [f.name for f in models.PeriodReport._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # closing goes through reports.close_period


@admin.register(models.Restatement)
class RestatementAdmin(admin.ModelAdmin):
    list_display = ("report", "at", "actor", "reason")
    readonly_fields = [f.name for f in models.Restatement._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


# The period reports' and published figures' logs, read-only like every event log.
for event_model in (models.PeriodReportEvent, models.PublishedFigureEvent):
    register_event_log(event_model)
