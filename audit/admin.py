from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the journal is append-only."""

    list_display = ("at", "actor", "organisation", "label", "project_id")
    list_filter = ("action",)
    search_fields = ("label", "actor__username", "organisation__name")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
