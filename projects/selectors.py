"""Read side: which projects a person may see, and the filters the dashboard and API share."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import OrganisationKind

from .models import Project
from .states import State


def visible_projects(user):
    qs = Project.objects.select_related("departement__region")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.is_institution:
        org = user.organisation
        scope = org.territory_q()
        if scope is None:
            return qs.none()
        if org.kind == OrganisationKind.ARS_DD:
            # A délégation is informed of the projects reaching into its département from a
            # neighbouring principal département (it reads them; the principal's decides).
            reaching = Project.communes.through.objects.filter(
                project=OuterRef("pk"), commune__departement_id=org.departement_id
            )
            scope |= Q(Exists(reaching))
        return qs.filter(scope)
    return qs.filter(members__user=user)


def deadline_within(queryset, days: int):
    """PS awaiting a decision whose opposition deadline falls within `days` days (or is past)."""
    limit = timezone.localdate() + dt.timedelta(days=days)
    return queryset.filter(state=State.PS_DEPOSE, ps_deadline__lte=limit)
