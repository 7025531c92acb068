"""Admin building blocks shared by the apps."""


class ReadOnlyMixin:
    """A record written by the portal's services (rules, locks, journal): the admin only reads;
    never added, edited or deleted there."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
