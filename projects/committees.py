"""Committees (LI or PS): who organises them, who sits and attends, who gives opinions (one seat
each, amendments kept), what each person may read of them, the ICS calendar."""

import datetime as dt
import hashlib
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import ARS_KINDS, Organisation, covering_q
from audit.services import changes, record
from common import ics
from common.uploads import validate_pdf

from . import notifications
from .collaboration import (
    COMMITTEE_EARLIEST,
    COMMITTEE_HORIZON,
    OPINION_KINDS,
    Committee,
    CommitteeDocument,
    CommitteeKind,
    CommitteeMember,
    DecisionCommittee,
    Opinion,
    OpinionValue,
    Seat,
)
from .errors import WorkflowError
from .journal import named
from .models import Project, ProjectEvent
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
TEXT_MAX = 5000  # an opinion's observations, like every free text of the forms
# What the journal shows of a committee convened and of an opinion given or amended.
COMMITTEE_FIELDS = ("kind", "departement", "meets_at", "place")
OPINION_FIELDS = ("value", "comment")


def _org(user):
    return user.organisation if user.is_authenticated and user.organisation_id else None


def is_ars_for(user, departement) -> bool:
    org = _org(user)
    return org is not None and org.kind in ARS_KINDS and org.covers(departement)


# --- Who reads what -------------------------------------------------------------------------


def sees_whole_agenda(user, committee) -> bool:
    """The institutions of the territory read every item; a project leader only their own."""
    if user.is_superuser:
        return True
    org = _org(user)
    return org is not None and org.has_territory and org.covers(committee.departement)


def leader_projects(user):
    return Project.objects.filter(members__user=user)


def _sees_every_agenda(user) -> bool:
    org = _org(user)
    return user.is_superuser or (org is not None and org.has_territory)


def visible_committees(user):
    """The committees this person may open. For a project leader, `projects` is prefetched with
    their own projects only: lists, pages and calendars built from it never name another
    project on the agenda."""
    qs = Committee.objects.select_related("departement")
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if _sees_every_agenda(user):
        return qs if user.is_superuser else qs.filter(_org(user).territory_q())
    # Project leaders see the committees where their projects are on the agenda.
    own = leader_projects(user)
    return qs.filter(projects__in=own).distinct().prefetch_related(Prefetch("projects", own))


def agenda_names(user, committees) -> dict[int, list[str]]:
    """The names on each agenda, in the projects' order, read as plain rows (a list of
    committees spent more building projects than showing them): for a project leader their own
    projects only, as `visible_committees` prefetches them."""
    names = defaultdict(list)
    if not committees:
        return names
    links = Committee.projects.through.objects.filter(committee__in=committees)
    if not _sees_every_agenda(user):
        links = links.filter(project__in=leader_projects(user))
    for committee_id, name in links.order_by("project__name").values_list(
        "committee_id", "project__name"
    ):
        names[committee_id].append(name)
    return names


def visible_agenda(user, committee):
    """The projects on the agenda this person may read."""
    if sees_whole_agenda(user, committee):
        return committee.projects.all()
    return committee.projects.filter(members__user=user)


def visible_documents(user, committee):
    """Documents of the convocation: those about no project in particular, and those about a
    project this person may read."""
    documents = committee.documents.select_related("project")
    if sees_whole_agenda(user, committee):
        return documents
    return documents.filter(Q(project__isnull=True) | Q(project__members__user=user))


SEAT_ORDER = {Seat.ORGANISATION: 0, Seat.USAGERS: 1, Seat.INVITED: 2}


def members(committee) -> list[CommitteeMember]:
    """Every seat with its organisation, in the model's order: read once by the committee page
    for its members, its opinion seats and its attendance form."""
    return list(committee.participants.select_related("organisation"))


def participants(committee, seats=None) -> list[CommitteeMember]:
    """The members as the page, the mail and the minutes list them: organisations, the user
    representative, invited persons. `seats`: `members(committee)` if already read."""
    return sorted(members(committee) if seats is None else seats, key=lambda m: SEAT_ORDER[m.seat])


def agenda_candidates(departement, kind):
    return Project.objects.filter(departement=departement, state__in=AGENDA_STATES[kind])


# --- Convening -------------------------------------------------------------------------------


def check_meets_at(meets_at, now=None) -> None:
    """A committee meets from 2019 on and at most COMMITTEE_HORIZON after it is convened."""
    now = now or timezone.now()
    if meets_at < COMMITTEE_EARLIEST:
        raise WorkflowError("Un comité ne peut pas se tenir avant le 1er janvier 2019.")
    if meets_at > now + COMMITTEE_HORIZON:
        raise WorkflowError("Un comité se programme au plus deux ans à l'avance.")


def member_organisations(departement):
    """The institutions that may sit in a committee of this département: the ARS (siège and
    délégation), the CPAM and the MSA of the département, every URPS of the région."""
    return Organisation.objects.filter(covering_q(departement)).order_by("kind", "name")


def create_committee(
    user,
    *,
    kind,
    departement,
    meets_at,
    place,
    members="",
    projects=(),
    user_representative="",
    user_representative_quality="",
    organisations=None,
    invited=(),
    documents=(),
):
    """Convene a committee. `organisations`: the member institutions (None: all those of the
    territory); `invited`: (name, quality) of invited persons; `documents`: (title, file,
    project or None) sent with the convocation; `members`: free notes on the composition."""
    if not is_ars_for(user, departement):
        raise PermissionDenied("Seule l'ARS du territoire organise ses comités.")
    check_meets_at(meets_at)
    representative = (user_representative or "").strip()
    if kind == CommitteeKind.PS and not representative:
        # domain.md §2 step 8: a user representative sits in the PS committee.
        raise WorkflowError(
            "Le comité du projet de santé comprend un représentant des usagers (nom et prénom)."
        )
    allowed = set(agenda_candidates(departement, kind).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in projects):
        raise WorkflowError("Un projet inscrit à l'ordre du jour n'est pas à ce stade.")
    possible = member_organisations(departement)
    organisations = list(possible if organisations is None else organisations)
    if any(not possible.filter(pk=o.pk).exists() for o in organisations):
        raise WorkflowError("Une organisation membre n'agit pas sur ce département.")
    invited = [(name.strip(), quality.strip()) for name, quality in invited if name.strip()]
    with transaction.atomic():
        committee = Committee.objects.create(
            kind=kind,
            departement=departement,
            meets_at=meets_at,
            place=place,
            members=members,
            created_by=user,
        )
        committee.projects.set(projects)
        CommitteeMember.objects.bulk_create(
            [CommitteeMember(committee=committee, seat=Seat.ORGANISATION, organisation=o)
             for o in organisations]
            + [CommitteeMember(committee=committee, seat=Seat.INVITED, name=n, quality=q)
               for n, q in invited]
        )  # fmt: skip
        if representative:
            CommitteeMember.objects.create(
                committee=committee,
                seat=Seat.USAGERS,
                name=representative,
                quality=(user_representative_quality or "").strip(),
            )
        composition = {"membres": ", ".join(str(m) for m in committee.participants.all()) or None}
        _record_for_agenda(
            user,
            committee,
            "projects.committee.create",
            "Comité convoqué",
            changes({}, {**named(committee, COMMITTEE_FIELDS), **composition}),
        )
        for title, file, project in documents:
            _add_document(committee, user, title, file, project)
        notifications.notify_committee(committee)
    return committee


def _record_for_agenda(user, committee, action, label, changed=None):
    """One entry on the committee, one on the journal of each project on its agenda."""
    record(user, action, label, committee, changes=changed)
    for project in committee.projects.all():
        record(user, action, f"{label} : {committee}", committee, project=project)


def _lock_open(committee) -> Committee:
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    if locked.closed_at:
        raise WorkflowError(CLOSED)
    return locked


def _add_document(committee, user, title, file, project):
    if project is not None and not committee.projects.filter(pk=project.pk).exists():
        raise WorkflowError("Ce projet n'est pas à l'ordre du jour de ce comité.")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise WorkflowError("Donnez au document un intitulé (200 caractères au plus).")
    try:
        validate_pdf(file)
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from None
    document = CommitteeDocument.objects.create(
        committee=committee, project=project, title=title, file=file, uploaded_by=user
    )
    # Filed on the project only when it is about one: the others' leaders read their journal.
    record(
        user,
        "projects.committee.document",
        f"Document joint à la convocation : {title}",
        document,
        project=project,
    )
    return document


def add_document(committee, user, *, title, file, project=None) -> CommitteeDocument:
    """A document sent with the convocation (before the committee is closed)."""
    if not is_ars_for(user, committee.departement):
        raise PermissionDenied("Seule l'ARS du territoire joint des documents à la convocation.")
    with transaction.atomic():
        locked = _lock_open(committee)
        return _add_document(locked, user, title, file, project)


def add_member(committee, user, *, organisation=None, name="", quality="") -> CommitteeMember:
    """Seat one more organisation (one of the territory), or invite one more person, before the
    committee is closed."""
    if not is_ars_for(user, committee.departement):
        raise PermissionDenied("Seule l'ARS du territoire compose ses comités.")
    name, quality = (name or "").strip(), (quality or "").strip()
    if (organisation is None) == (not name):
        raise WorkflowError("Choisissez une organisation, ou donnez le nom d'une personne invitée.")
    if (
        organisation is not None
        and not member_organisations(committee.departement).filter(pk=organisation.pk).exists()
    ):
        raise WorkflowError("Cette organisation n'agit pas sur ce département.")
    with transaction.atomic():
        locked = _lock_open(committee)
        if (
            organisation is not None
            and locked.participants.filter(organisation=organisation).exists()
        ):
            raise WorkflowError("Cette organisation siège déjà dans ce comité.")
        member = CommitteeMember.objects.create(
            committee=locked,
            seat=Seat.ORGANISATION if organisation else Seat.INVITED,
            organisation=organisation,
            name="" if organisation else name,
            quality="" if organisation else quality,
        )
        record(
            user,
            "projects.committee.member",
            f"Membre ajouté au comité : {member}",
            locked,
            changes={"membres": [None, str(member)]},
        )
    return member


def record_attendance(committee, user, present) -> Committee:
    """After the meeting, the ARS records who attended (`present`: member ids); the others
    are recorded absent. Until the committee is closed it can be corrected (journaled)."""
    if not is_ars_for(user, committee.departement):
        raise PermissionDenied("Seule l'ARS du territoire relève les présences.")
    present = {int(pk) for pk in present}
    with transaction.atomic():
        locked = _lock_open(committee)
        if locked.meets_at > timezone.now():
            raise WorkflowError("Les présences se relèvent une fois le comité réuni.")
        seats = list(locked.participants.select_related("organisation"))
        if present - {m.pk for m in seats}:
            raise WorkflowError("Une personne cochée ne siège pas dans ce comité.")
        before = {str(m): m.attended for m in seats}
        for member in seats:
            member.attended = member.pk in present
        CommitteeMember.objects.bulk_update(seats, ["attended"])
        after = {str(m): m.attended for m in seats}
        label = {True: "présent", False: "absent", None: None}
        record(
            user,
            "projects.committee.attendance",
            f"Présences relevées : {locked}",
            locked,
            changes={
                who: [label[before[who]], label[now]]
                for who, now in after.items()
                if before[who] != now
            },
        )
    return locked


# --- Opinions --------------------------------------------------------------------------------


def opinion_seats(user, committee, seats=None) -> list[CommitteeMember]:
    """The seats for which this person records opinions: their organisation's, and for the
    ARS the user representative's (who has no account). `seats`: `members(committee)` if
    already read."""
    org = _org(user)
    if committee.closed_at or org is None or not org.covers(committee.departement):
        return []
    return [
        m
        for m in (members(committee) if seats is None else seats)
        if (m.organisation_id == org.pk and m.institution is not None)
        or (m.seat == Seat.USAGERS and org.kind in ARS_KINDS)
    ]


def _seat(user, committee, institution=None, member=None) -> CommitteeMember:
    seats = opinion_seats(user, committee)
    for seat in seats:
        if member is not None and seat.pk == getattr(member, "pk", member):
            return seat
        if member is None and (institution is None or seat.institution == institution):
            return seat
    raise PermissionDenied("Vous ne pouvez pas rendre cet avis.")


def record_opinion(
    committee, project, user, *, value, comment="", institution=None, member=None
) -> Opinion:
    """Give, or amend, a seat's opinion on a project. An amendment is a new version: the
    previous one stays in the history. `member` (a seat) or `institution` says for whom;
    neither: the person's own organisation."""
    seat = _seat(user, committee, institution, member)
    if value not in OpinionValue.values:
        raise WorkflowError(
            "Choisissez un avis : favorable, favorable avec réserves ou défavorable."
        )
    comment = (comment or "").strip()
    if len(comment) > TEXT_MAX:
        raise WorkflowError(f"Les observations comptent {TEXT_MAX} caractères au plus.")
    if not committee.projects.filter(pk=project.pk).exists():
        raise WorkflowError("Ce projet n'est pas à l'ordre du jour de ce comité.")
    with transaction.atomic():
        # Under the committee's lock: opinions of one seat follow each other, and an opinion
        # and the closing cannot cross.
        _lock_open(committee)
        current = Opinion.objects.filter(committee=committee, project=project, member=seat).first()
        opinion = Opinion.objects.create(
            committee=committee,
            project=project,
            member=seat,
            amends=current,
            institution=seat.institution,
            value=value,
            comment=comment,
            author=user,
            organisation=user.organisation,
            recorded_at=timezone.now(),
        )
        before = named(current or Opinion(), OPINION_FIELDS)
        record(
            user,
            "projects.opinion",
            f"{'Avis modifié' if current else 'Avis rendu'} ({opinion.get_institution_display()}) "
            f"– {seat} – {committee}",
            opinion,
            project=project,
            changes=changes(before, named(opinion, OPINION_FIELDS)),
        )
        notifications.notify_opinion(opinion)
    return opinion


# --- Closing, minutes ------------------------------------------------------------------------


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


def opinions_in_force(committee, projects) -> dict[int, list[Opinion]]:
    """Per project, the opinions in force, each with its earlier versions (`Opinion.history`)
    read in the same query, however often it was amended."""
    versions = list(
        Opinion.versions.filter(committee=committee, project__in=projects).select_related(
            "member__organisation"
        )
    )
    by_pk = {v.pk: v for v in versions}
    for version in versions:
        if version.amends_id in by_pk:
            version.amends = by_pk[version.amends_id]
    amended = {v.amends_id for v in versions}
    in_force = defaultdict(list)
    for version in versions:
        if version.pk not in amended:
            in_force[version.project_id].append(version)
    return in_force


def minutes_items(committee, projects) -> list[dict]:
    """What the minutes say of each project: opinions in force (each with its earlier
    versions), and the ARS decisions taken since the committee was convened."""
    opinions = opinions_in_force(committee, projects)
    decisions = defaultdict(list)  # one query for the agenda, not one per project
    for event in decisions_after(committee, projects):
        decisions[event.project_id].append(event)
    return [
        {"project": p, "opinions": opinions[p.pk], "decisions": decisions[p.pk]} for p in projects
    ]


def decisions_after(committee, projects):
    """The ARS decisions taken on the projects since the committee was convened (minutes)."""
    return ProjectEvent.objects.filter(
        project__in=projects,
        transition__in=DECISIONS[committee.kind],
        created_at__gte=committee.created_at,
    ).select_related("actor", "organisation", "committee_record__committee")


# --- The committee of an LI decision ---------------------------------------------------------


def decision_committees(project):
    """The LI committees that have met with this project on their agenda: where its LI
    decision may have been taken."""
    return project.committees.filter(
        kind=CommitteeKind.LI, departement=project.departement, meets_at__lte=timezone.now()
    ).order_by("-meets_at")


def file_decision_committee(event, committee=None, without_committee="") -> DecisionCommittee:
    """Record, with an LI decision, the committee in which it was taken or why none: called
    by `services.decide_letter` in the decision's transaction."""
    without_committee = (without_committee or "").strip()
    if committee is None and not without_committee:
        raise WorkflowError(
            "Indiquez le comité dans lequel la décision a été prise, ou pourquoi elle est prise "
            "sans comité."
        )
    if committee is not None and without_committee:
        raise WorkflowError("Une décision prise en comité n'a pas de motif « hors comité ».")
    if len(without_committee) > TEXT_MAX:
        raise WorkflowError(f"Le motif compte {TEXT_MAX} caractères au plus.")
    if (
        committee is not None
        and not decision_committees(event.project).filter(pk=committee.pk).exists()
    ):
        raise WorkflowError(
            "Ce comité n'a pas examiné cette lettre d'intention (ou ne s'est pas encore réuni)."
        )
    filed = DecisionCommittee.objects.create(
        event=event, committee=committee, without_committee=without_committee
    )
    where = f"prise en comité : {committee}" if committee else "prise hors comité"
    record(
        event.actor,
        "projects.decision.committee",
        f"{event.get_target_display()} – décision {where}",
        filed,
        project=event.project,
        changes={"motif hors comité": [None, without_committee]} if without_committee else None,
    )
    return filed


# --- Calendar --------------------------------------------------------------------------------


def committee_event(committee, host: str) -> ics.Event:
    """One 2-hour iCalendar event for a committee meeting, with its agenda (as prefetched by
    `visible_committees`: a leader's own projects only)."""
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


def organisations_in_scope(user):
    """The institutions an ARS person may seat in a committee (those of their territory)."""
    org = _org(user)
    if org is None or org.kind not in ARS_KINDS:
        return Organisation.objects.none()
    if org.departement_id:
        return member_organisations(org.departement)
    return Organisation.objects.filter(
        Q(region_id=org.region_id) | Q(departement__region_id=org.region_id),
        kind__in=list(OPINION_KINDS),
    ).order_by("kind", "name")
