from django.contrib import admin

from cchc.interchange.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "started_at",
        "initiated_by",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "refused",
    )
    list_filter = ("file_name", "refused")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):  # the audit trail is written by the importer only
        return False

    def has_change_permission(self, request, obj=None):
        return False
