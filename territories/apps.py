from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territories"

    def ready(self):
        from . import versions  # noqa: F401  (connects the reference version's signals)
