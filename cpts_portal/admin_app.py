from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin on the portal's site (`common.admin.AdminSite`: French selects)."""

    default_site = "common.admin.AdminSite"
