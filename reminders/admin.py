from django.contrib import admin

from .models import CalendarFeed, ReminderSent


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("key", "offset_days", "recipient", "sent_at")
    search_fields = ("key", "recipient__username")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    exclude = ("secret",)  # a secret address is shown to its owner only
