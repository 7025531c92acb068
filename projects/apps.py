from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projets de CPTS"

    def ready(self):
        from . import notifications  # noqa: F401  (connects the transition receiver)
