"""Committees (LI or PS): who organises them, who gives opinions, the ICS calendar."""

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ARS_KINDS, OrganisationKind
from audit.services import changes, record
from common import ics

from . import notifications
from .collaboration import Committee, CommitteeKind, Institution, Opinion
from .errors import WorkflowError
from .journal import named
from .models import Project
from .states import State

# Which projects may sit on the agenda of each kind of committee.
AGENDA_STATES = {
    CommitteeKind.LI: [State.LI_DEPOSEE],
    CommitteeKind.PS: [State.PS_DEPOSE, State.PS_INCOMPLET],
}
# The decisions the ARS takes after each kind of committee (transition names).
DECISIONS = {
    CommitteeKind.LI: ["validate_li", "request_li_changes", "reject_li"],
    CommitteeKind.PS: ["request_ps_items", "validate_ps", "oppose_ps"],
}
CLOSED = "Le comité est clos : ses avis ne changent plus."
# What the journal shows of a committee convened and of an opinion given or amended.
COMMITTEE_FIELDS = ("kind", "departement", "meets_at", "place", "user_representative")
OPINION_FIELDS = ("value", "comment")
INSTITUTION_OF_KIND = {
    OrganisationKind.ARS: Institution.ARS,
    OrganisationKind.ARS_DD: Institution.ARS,
    OrganisationKind.CPAM: Institution.CPAM,
    OrganisationKind.MSA: Institution.MSA,
    OrganisationKind.URPS: Institution.URPS,
}


def _org(user):
    return user.organisation if user.is_authenticated and user.organisation_id else None


def is_ars_for(user, departement) -> bool:
    org = _org(user)
    return org is not None and org.kind in ARS_KINDS and org.covers(departement)


def visible_committees(user):
    qs = Committee.objects.select_related("departement")
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    org = _org(user)
    if org is not None and org.has_territory:
        return qs.filter(org.territory_q())
    # Project leaders see the committees where their projects are on the agenda.
    return qs.filter(projects__members__user=user).distinct()


def agenda_candidates(departement, kind):
    return Project.objects.filter(departement=departement, state__in=AGENDA_STATES[kind])


def create_committee(
    user, *, kind, departement, meets_at, place, members, projects=(), user_representative=""
):
    if not is_ars_for(user, departement):
        raise PermissionDenied("Seule l'ARS du territoire organise ses comités.")
    if kind == CommitteeKind.PS and not user_representative.strip():
        # domain.md §2 step 8: a user representative sits in the PS committee.
        raise WorkflowError("Le comité du projet de santé comprend un représentant des usagers.")
    allowed = set(agenda_candidates(departement, kind).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in projects):
        raise WorkflowError("Un projet inscrit à l'ordre du jour n'est pas à ce stade.")
    with transaction.atomic():
        committee = Committee.objects.create(
            kind=kind,
            departement=departement,
            meets_at=meets_at,
            place=place,
            members=members,
            user_representative=user_representative.strip(),
            created_by=user,
        )
        committee.projects.set(projects)
        _record_for_agenda(
            user,
            committee,
            "projects.committee.create",
            "Comité convoqué",
            changes({}, named(committee, COMMITTEE_FIELDS)),
        )
        notifications.notify_committee(committee)
    return committee


def _record_for_agenda(user, committee, action, label, changed=None):
    """One entry on the committee, one on the journal of each project on its agenda."""
    record(user, action, label, committee, changes=changed)
    for project in committee.projects.all():
        record(user, action, f"{label} : {committee}", committee, project=project)


def institutions_for(user, committee) -> list[str]:
    """The institutions on whose behalf this person records opinions in this committee."""
    org = _org(user)
    if committee.closed_at or org is None or not org.covers(committee.departement):
        return []
    institution = INSTITUTION_OF_KIND.get(org.kind)
    if institution is None:
        return []
    if institution == Institution.ARS and committee.kind == CommitteeKind.PS:
        # The user representative has no account: the ARS records their opinion.
        return [Institution.ARS, Institution.USAGERS]
    return [institution]


def record_opinion(committee, project, user, *, institution, value, comment="") -> Opinion:
    if institution not in institutions_for(user, committee):
        raise PermissionDenied("Vous ne pouvez pas rendre cet avis.")
    if not committee.projects.filter(pk=project.pk).exists():
        raise WorkflowError("Ce projet n'est pas à l'ordre du jour de ce comité.")
    with transaction.atomic():
        # Under the committee's lock: an opinion and the closing cannot cross.
        if Committee.objects.select_for_update().get(pk=committee.pk).closed_at:
            raise WorkflowError(CLOSED)
        existing = Opinion.objects.filter(
            committee=committee, project=project, institution=institution
        ).first()
        before = named(existing or Opinion(), OPINION_FIELDS)
        opinion, _ = Opinion.objects.update_or_create(
            committee=committee,
            project=project,
            institution=institution,
            defaults={
                "value": value,
                "comment": comment,
                "author": user,
                "organisation": user.organisation,
                "recorded_at": timezone.now(),
            },
        )
        record(
            user,
            "projects.opinion",
            f"{'Avis modifié' if existing else 'Avis rendu'} ({opinion.get_institution_display()}) "
            f"– {committee}",
            opinion,
            project=project,
            changes=changes(before, named(opinion, OPINION_FIELDS)),
        )
        notifications.notify_opinion(opinion)
    return opinion


def may_close(user, committee) -> bool:
    return (
        committee.closed_at is None
        and committee.meets_at <= timezone.now()
        and is_ars_for(user, committee.departement)
    )


def close_committee(committee, user) -> Committee:
    """After the meeting, the ARS closes the committee: its opinions are frozen and the minutes
    are issued once, stored with their SHA-256 (what the committee said stays on record)."""
    from . import documents  # (import cycle: documents reads the decisions below)

    if not is_ars_for(user, committee.departement):
        raise PermissionDenied("Seule l'ARS du territoire clôt ses comités.")
    with transaction.atomic():
        locked = Committee.objects.select_for_update().get(pk=committee.pk)
        if locked.closed_at:
            raise WorkflowError("Ce comité est déjà clos.")
        if locked.meets_at > timezone.now():
            raise WorkflowError("Un comité se clôt une fois réuni.")
        locked.closed_at, locked.closed_by = timezone.now(), user
        content = documents.minutes_pdf(locked)
        name = f"compte-rendu-comite-{locked.pk}.pdf"
        locked.minutes.save(name, ContentFile(content), save=False)
        locked.minutes_sha256 = hashlib.sha256(content).hexdigest()
        locked.save(update_fields=["closed_at", "closed_by", "minutes", "minutes_sha256"])
        _record_for_agenda(user, locked, "projects.committee.close", "Comité clos")
    return locked


def decisions_after(committee, project):
    """The ARS decisions taken on the project since the committee was convened (minutes)."""
    return project.events.filter(
        transition__in=DECISIONS[committee.kind], created_at__gte=committee.created_at
    ).select_related("actor", "organisation")


def committee_event(committee, host: str) -> ics.Event:
    """One 2-hour iCalendar event for a committee meeting, with its agenda."""
    agenda = ", ".join(p.name for p in committee.projects.all())
    return ics.timed_event(
        f"committee-{committee.pk}@{host}",
        committee.meets_at,
        committee.meets_at + dt.timedelta(hours=2),
        f"{committee.get_kind_display()} – {committee.departement.name}",
        committee.place,
        f"Ordre du jour : {agenda}",
    )


def to_ics(committees, host: str = "cpts.local") -> str:
    """An iCalendar file (RFC 5545) of the given committees."""
    return ics.calendar("Comités CPTS", [committee_event(c, host) for c in committees])


def scope_q_for_departement(user):
    """Départements where this ARS person may open a committee."""
    org = _org(user)
    if org is None or org.kind not in ARS_KINDS:
        return Q(pk__in=[])
    return org.territory_q(departement="")
