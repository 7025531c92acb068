from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import CalendarFeed, ReminderSent


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    """Written by the reminder run only; the unique row is the 'never twice'."""

    list_display = ("key", "offset_days", "recipient", "sent_at")
    search_fields = ("key", "recipient__username")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Created and renewed by its owner only (`services.renew_feed`, journaled)."""

    list_display = ("user", "created_at")
    exclude = ("secret",)  # a secret address is shown to its owner only
