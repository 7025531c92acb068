import django_filters

from .models import Project
from .states import State


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Nom")
    state = django_filters.ChoiceFilter(choices=State.choices, label="État")
    taille = django_filters.ChoiceFilter(choices=[(i, i) for i in range(1, 5)], label="Taille")

    class Meta:
        model = Project
        fields = ["name", "state", "departement", "taille"]
