"""Read side: which projects a person may see, and the filters the dashboard and API share."""

import datetime as dt

from django.utils import timezone

from .models import Project
from .states import State


def visible_projects(user):
    qs = Project.objects.select_related("departement__region")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.is_institution:
        scope = user.organisation.territory_q()
        return qs.filter(scope) if scope is not None else qs.none()
    return qs.filter(members__user=user)


def deadline_within(queryset, days: int):
    """PS awaiting a decision whose opposition deadline falls within `days` days (or is past)."""
    limit = timezone.localdate() + dt.timedelta(days=days)
    return queryset.filter(state=State.PS_DEPOSE, ps_deadline__lte=limit)
