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
        scope = user.organisation.territory_q()
        return qs.filter(scope) if scope is not None else qs.none()
    return qs.filter(members__user=user)


def readable_projects(user):
    """The project pages a person may open: the projects they act on (`visible_projects`) and,
    for an ARS délégation, those whose territory reaches into its département from a
    neighbouring département principal: it is informed (reads), the principal's decides. Lists,
    agendas and reminders stay on `visible_projects`."""
    qs = visible_projects(user)
    if not (user and user.is_authenticated and user.is_active) or user.is_superuser:
        return qs
    org = user.organisation if user.is_institution else None
    if org is None or org.kind != OrganisationKind.ARS_DD:
        return qs
    reaching = Project.communes.through.objects.filter(
        project=OuterRef("pk"), commune__departement_id=org.departement_id
    )
    scope = org.territory_q() | Q(Exists(reaching))
    return Project.objects.select_related("departement__region").filter(scope)


def deadline_within(queryset, days: int):
    """PS awaiting a decision whose opposition deadline falls within `days` days (or is past)."""
    return queryset.filter(state=State.PS_DEPOSE, ps_deadline__lte=deadline_limit(days))


def deadline_limit(days: int) -> dt.date:
    """The last opposition deadline `deadline_within(days)` keeps."""
    return timezone.localdate() + dt.timedelta(days=days)


def may_read(project, user, members, informed) -> bool:
    """`readable_projects`'s rule for one project already read with its `members` and its
    `informed` départements (the territory's others), as its page has them: no query."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if user.is_institution:
        org = user.organisation
        if org.covers(project.departement):
            return True
        # An ARS délégation reads the projects whose territory reaches into its département.
        return org.kind == OrganisationKind.ARS_DD and any(
            d.pk == org.departement_id for d in informed
        )
    return any(m.user_id == user.pk for m in members)
