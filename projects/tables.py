import django_tables2 as tables

from .models import Project


class ProjectTable(tables.Table):
    name = tables.Column(linkify=("projects:detail", {"pk": tables.A("pk")}))
    departement = tables.Column(accessor="departement__code", verbose_name="Dépt.")

    class Meta:
        model = Project
        fields = ("name", "departement", "state", "taille", "population", "ps_deadline")
        attrs = {"class": "fr-table"}
        template_name = "django_tables2/table.html"
