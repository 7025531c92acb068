from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read only: the journal is append-only."""

    list_display = ("at", "actor", "organisation", "label", "project_id")
    list_filter = ("action",)
    search_fields = ("label", "actor__username", "organisation__name")
    date_hierarchy = "at"
