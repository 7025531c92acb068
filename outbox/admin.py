from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read only: rows are written by the services and delivered by the worker."""

    list_display = ("created_at", "kind", "__str__", "attempts", "sent_at", "failed_at")
    list_filter = ("kind",)
    search_fields = ("subject", "task")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
