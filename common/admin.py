"""What several apps' admins share (`common` is no Django app: nothing here is registered)."""

from django.contrib import admin


class ReadOnlyMixin:
    """Readable, never added, edited or deleted here: the application's services write these
    rows (and journal them), or a loader imports them. Works for inlines too."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass
