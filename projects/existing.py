"""CPTS that exist outside the portal, brought in at the state they reached elsewhere.

The checks are the online journey's (`projects.territory`: communes of the région, whole cities
by arrondissement, no overlap with an active CPTS); the workflow happened elsewhere, so the state
is set at creation, with one history entry "reprise de l'existant" saying who and from which
file. `funding.reprise` reads the file and adds the contracts.
"""

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationKind
from audit.services import changes, record
from territories.models import Commune
from territories.services import summarise

from . import notifications
from . import permissions as perms
from .deadlines import implicit_validation_date, opposition_deadline
from .errors import WorkflowError
from .journal import named
from .models import Invitation, LetterOfIntent, Project, ProjectEvent
from .states import ACTIVE_STATES, DecisionKind, State
from .territory import Overlap, preview_selection

REPRISE = "Reprise de l'existant"
TRANSITION = "import_existing"
# States that hold a received projet de santé: its two-month clock runs from `ps_received_on`.
CLOCK_STATES = {
    State.PS_DEPOSE,
    State.PS_VALIDE,
    State.PS_REPUTE_VALIDE,
    State.PS_OPPOSE,
    State.ACI_PREPARATION,
    State.ACI_SIGNE,
}
IMPORTED_FIELDS = [
    "name",
    "departement",
    "state",
    "population",
    "taille",
    "population_source",
    "ps_received_on",
    "ps_deadline",
    "aci_signed_on",
]


@dataclass
class ExistingCpts:
    """One CPTS as a file describes it, once its values are checked."""

    name: str
    departement: object
    communes: list = field(default_factory=list)
    state: str = State.EMERGENCE
    ps_received_on: dt.date | None = None
    aci_signed_on: dt.date | None = None


def territory_errors(departement, insee_codes) -> tuple[list[Commune], list[str]]:
    """The communes of these codes and what is wrong with them, as the territory page says it:
    unknown codes, whole Paris/Lyon/Marseille, communes outside the département's région."""
    if not [c for c in insee_codes if c.strip()]:
        return [], ["Le territoire doit comporter au moins une commune."]
    # An existing CPTS filed its LI long ago: its région is its département's (not the région
    # its communes would point to for a file not yet filed).
    filed = SimpleNamespace(departement=departement, li_submitted_at="avant le portail")
    return preview_selection(filed, insee_codes)


def holders(commune_ids) -> dict[int, Project]:
    """{commune pk: the active CPTS holding it} for a whole file in one query (the rule of
    `territory.find_overlaps`: a commune belongs to one active CPTS only)."""
    through = Project.communes.through
    rows = through.objects.filter(
        commune_id__in=list(commune_ids), project__state__in=ACTIVE_STATES
    ).select_related("project")
    return {row.commune_id: row.project for row in rows}


def overlap_messages(communes, held: dict[int, Project]) -> list[str]:
    """What `territory.Overlap` says of the communes of `held` (from `holders`) in this
    territory, one message per CPTS holding some."""
    by_project = {}
    for commune in communes:
        if commune.pk in held:
            project = held[commune.pk]
            by_project.setdefault(project.pk, Overlap(project=project)).communes.append(commune)
    return [overlap.message for overlap in by_project.values()]


def existing_projects(departements) -> dict[tuple[int, str], Project]:
    """{(département pk, casefolded name): project}: a CPTS is the same when its département
    and name match (case and outer spaces aside)."""
    projects = Project.objects.filter(departement__in=list(departements))
    return {(p.departement_id, p.name.strip().casefold()): p for p in projects}


def lock_communes(commune_ids) -> None:
    """Lock the communes an import is about to take, in pk order like the LI submission
    (`territory.check_territory_for_submission`), so an online submission of one of them waits
    for the import's outcome instead of passing the overlap check beside it."""
    list(Commune.objects.select_for_update().filter(pk__in=commune_ids).order_by("pk").values("pk"))


def may_import(user) -> bool:
    """The ARS siège (for its région) and the administrators."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.kind == OrganisationKind.ARS)
    )


def import_existing(cpts: list[ExistingCpts], actor, *, source: str) -> list[Project]:
    """Create these projects in their states, in the caller's transaction (one for the whole
    file). `actor`: the person importing, or None for the command line; `source` names the file
    (and who ran a command) in each history entry. Refuses a CPTS whose communes an active CPTS
    holds (checked again under the communes' locks)."""
    if actor is not None and not may_import(actor):
        raise PermissionDenied("La reprise de l'existant est réservée à l'ARS (siège).")
    org = getattr(actor, "organisation", None)
    if org is not None and not all(org.covers(row.departement) for row in cpts):
        raise PermissionDenied("Une ARS ne reprend que les CPTS de sa région.")
    with transaction.atomic():
        known = existing_projects({row.departement.pk for row in cpts})
        if twice := [
            r.name for r in cpts if (r.departement.pk, r.name.strip().casefold()) in known
        ]:
            raise WorkflowError(f"Déjà dans le portail : {', '.join(twice)}.")
        commune_ids = {c.pk for row in cpts for c in row.communes}
        lock_communes(commune_ids)
        held = holders(commune_ids)
        for row in cpts:
            if row.state in ACTIVE_STATES and (overlaps := overlap_messages(row.communes, held)):
                raise WorkflowError(f"{row.name} : " + " ; ".join(overlaps))
        projects = Project.objects.bulk_create([_project(row) for row in cpts])
        through = Project.communes.through
        through.objects.bulk_create(
            through(project_id=p.pk, commune_id=c.pk)
            for p, row in zip(projects, cpts, strict=True)
            for c in row.communes
        )
        LetterOfIntent.objects.bulk_create(LetterOfIntent(project=p) for p in projects)
        reason = f"{REPRISE} : {source}"
        ProjectEvent.objects.bulk_create(_event(p, actor, reason) for p in projects)
        for project in projects:
            record(
                actor,
                "projects.import",
                f"{REPRISE} ({project.get_state_display().lower()})",
                project,
                project=project,
                changes=changes({}, named(project, IMPORTED_FIELDS)),
            )
    return projects


def _project(row: ExistingCpts) -> Project:
    summary = summarise(row.communes)
    project = Project(
        name=row.name.strip(),
        departement=row.departement,
        state=row.state,
        population=summary.population,
        taille=summary.taille,
        population_source=", ".join(sorted({c.source for c in row.communes})),
        aci_signed_on=row.aci_signed_on if row.state == State.ACI_SIGNE else None,
    )
    if row.state in CLOCK_STATES and row.ps_received_on:
        project._start_clock(row.ps_received_on)  # the sweep deems a due ps_depose validated
        if row.state == State.PS_REPUTE_VALIDE:
            project.ps_decided_on = project.ps_implicit_on
    return project


def implicit_validation_not_due(state, received) -> dt.date | None:
    """For a PS said deemed validated: the day it would be, if that day has not come yet."""
    if state != State.PS_REPUTE_VALIDE or received is None:
        return None
    arises = implicit_validation_date(opposition_deadline(received))
    return arises if arises > timezone.localdate() else None


def _event(project: Project, actor, reason: str) -> ProjectEvent:
    return ProjectEvent(
        project=project,
        transition=TRANSITION,
        source=State.EMERGENCE,
        target=project.state,
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=getattr(actor, "organisation", None),
        decision_kind=DecisionKind.EXPLICIT,
        legal_ground=REPRISE,
        reason=reason,
        effective_on=timezone.localdate(),
    )


def invite_first_leader(project, actor, email: str, accept_url_for):
    """An imported CPTS has no leader on the portal: the ARS of its territory invites the
    first one (then the leaders invite each other, `exchanges.invite_coleader`)."""
    if not (perms.is_ars_of(project, actor) or getattr(actor, "is_superuser", False)):
        raise PermissionDenied("Seule l'ARS du territoire invite le premier porteur.")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise WorkflowError("Adresse électronique invalide.") from None
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.members.exists():
            raise WorkflowError("Ce projet a déjà ses porteurs : ce sont eux qui invitent.")
        invitation = Invitation.objects.create(project=locked, email=email, invited_by=actor)
        record(
            actor,
            "projects.invitation",
            f"Invitation du premier porteur envoyée à {email}",
            invitation,
            project=locked,
        )
        notifications.notify_invitation(invitation, accept_url_for(invitation))
    return invitation
