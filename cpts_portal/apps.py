from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cpts_portal"
    verbose_name = "Portail CPTS"
