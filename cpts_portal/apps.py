from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cpts_portal"
    verbose_name = "Portail CPTS"

    def ready(self):
        # Every process (web, Celery worker, shell) must report its writes to the page cache.
        from . import page_cache  # noqa: F401  (connects its signal receivers)
