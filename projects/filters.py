import copy
import functools

import django_filters
from dsfr.forms import DsfrBaseForm

from common.bounds import DEADLINE_WITHIN_MAX_DAYS
from territories.models import Departement

from .models import Project
from .progress import HAND_CHOICES, states_in_hand_of
from .selectors import deadline_within
from .states import State


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Nom")
    state = django_filters.ChoiceFilter(choices=State.choices, label="État")
    # Choices listed in __init__ with one plain query (a model choice field would read them
    # through a server-side cursor: three round trips to the database on every dashboard).
    departement = django_filters.ChoiceFilter(choices=[], label="Département")
    taille = django_filters.ChoiceFilter(choices=[(i, i) for i in range(1, 5)], label="Taille")
    hand = django_filters.ChoiceFilter(
        choices=HAND_CHOICES, method="filter_hand", label="À la main"
    )
    deadline_within = django_filters.NumberFilter(
        method="filter_deadline_within",
        label="Échéance d'opposition sous (jours)",
        min_value=0,
        max_value=DEADLINE_WITHIN_MAX_DAYS,
        # A whole number of days: the filter form refuses "NaN", "1e309" or 2.5 in French.
        decimal_places=0,
    )

    class Meta:
        model = Project
        fields = ["name", "state", "departement", "taille"]
        form = DsfrBaseForm  # DSFR classes and field groups

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the départements the person acts on (no list of the whole of France).
        qs = Departement.objects.order_by("code")
        if user is not None and not user.is_superuser:
            if user.is_institution:
                scope = user.organisation.territory_q(departement="")
                qs = qs.filter(scope) if scope is not None else qs.none()
            else:
                qs = qs.filter(projects__members__user=user).distinct()
        self.departements = [(d.pk, str(d)) for d in qs]

    def get_form_class(self):
        return _form_class(type(self))

    @property
    def form(self):
        """The form of a class built once; only the person's départements are its own."""
        if not hasattr(self, "_form"):
            super().form.fields["departement"].choices = self.departements
        return self._form

    def filter_hand(self, queryset, name, value):
        """E.g. « L'ARS et l'Assurance Maladie »: the contracts to prepare, for the CPAM."""
        return queryset.filter(state__in=states_in_hand_of(value)) if value else queryset

    def filter_deadline_within(self, queryset, name, value):
        return queryset if value is None else deadline_within(queryset, int(value))


@functools.cache
def _form_class(filterset_class):
    """django-filter builds a form class at each request (a field per filter, then the form's
    metaclass): the same class each time, so built once per filter set."""
    # From copies: a filter keeps its field, which every filter set would then deep-copy.
    filters = copy.deepcopy(filterset_class.base_filters)
    fields = {name: f.field for name, f in filters.items()}
    return type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)
