from django.contrib import admin

from common.admin import ReadOnlyMixin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows are written by the services and delivered by the worker."""

    list_display = ("created_at", "kind", "__str__", "attempts", "sent_at", "failed_at")
    list_filter = ("kind",)
    search_fields = ("subject", "task")
    date_hierarchy = "created_at"
