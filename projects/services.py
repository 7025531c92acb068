"""Workflow actions. Views, admin, API and Celery tasks all go through these functions.

One door: `apply_transition` fires a django-fsm transition on locked projects, saves them, writes
their history and queues the mails and documents on commit. `perform` is one locked row through
it; the scheduler's implicit validation is a locked batch through it.
"""

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from accounts.models import Organisation, OrganisationKind
from audit.services import as_text, changes, record
from common import bounds
from outbox.services import enqueue_task

from . import committees, documents, missing_items, notifications
from .errors import WorkflowError
from .journal import named
from .models import (
    Association,
    LetterOfIntent,
    MissingItemsRequest,
    Project,
    ProjectEvent,
    ProjectMember,
)
from .states import CONTRACT_STATES, DecisionKind, OppositionGround, State
from .territory import check_territory_for_submission

logger = logging.getLogger(__name__)

LEGAL_GROUND_PS = "Art. L.1434-12 du code de la santé publique"
# Decisions born of the administration's silence, with their legal ground.
IMPLICIT_DECISIONS = {
    "deem_ps_validated": f"{LEGAL_GROUND_PS} – silence gardé pendant deux mois",
}


def _lock(project_or_id) -> Project:
    pk = getattr(project_or_id, "pk", project_or_id)
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("departement__region")
        .get(pk=pk)
    )


def effective_on(project: Project, name: str) -> dt.date:
    """The day the decision takes legal effect: an implicit validation from the day after the
    opposition deadline (L.1434-12 CSP), whenever it is recorded; any other decision today."""
    if name in IMPLICIT_DECISIONS:
        return project.ps_implicit_on
    return timezone.localdate()


def _values(project: Project) -> dict:
    return {f.name: getattr(project, f.attname) for f in Project._meta.concrete_fields}


def _fire(project: Project, name: str, actor, reason: str, legal_ground: str, kwargs):
    """Run transition `name` on a locked project in memory (conditions, permission and the
    transition's own code); its unsaved history row and the fields it changed."""
    method = getattr(project, name)
    if not can_proceed(method, check_conditions=False):
        raise WorkflowError(f"Action impossible dans l'état « {project.get_state_display()} ».")
    if not can_proceed(method):
        raise WorkflowError(_condition_message(project, name))
    if not has_transition_perm(method, actor):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
    before, source = _values(project), project.state
    method(**kwargs)
    implicit = name in IMPLICIT_DECISIONS
    event = ProjectEvent(
        project=project,
        transition=name,
        source=source,
        target=project.state,
        actor=actor,
        organisation=getattr(actor, "organisation", None),
        decision_kind=DecisionKind.IMPLICIT if implicit else DecisionKind.EXPLICIT,
        legal_ground=IMPLICIT_DECISIONS[name] if implicit else legal_ground,
        reason=reason,
        effective_on=effective_on(project, name),
    )
    return event, {field for field, value in _values(project).items() if before[field] != value}


def _update(projects: list[Project], fields: set[str], source: str) -> None:
    """One UPDATE for a batch, guarded by the source state like ConcurrentTransitionMixin's save.

    Each field is set to one value, or to a CASE with one branch per distinct value (a batch's
    rows share their new state and have few decision dates) rather than bulk_update's branch
    per row, whose expressions cost Django more than all the rest of the sweep.
    """
    values = {}
    for name in fields:
        field = Project._meta.get_field(name)
        by_value = defaultdict(list)
        for project in projects:
            by_value[getattr(project, field.attname)].append(project.pk)
        if len(by_value) == 1:
            values[field.attname] = next(iter(by_value))
            continue
        case = Case(
            *(When(pk__in=pks, then=Value(v, output_field=field)) for v, pks in by_value.items()),
            output_field=field,
        )
        cast = connection.features.requires_casted_case_in_updates
        values[field.attname] = Cast(case, output_field=field) if cast else case
    rows = Project.objects.filter(pk__in=[p.pk for p in projects], state=source)
    if rows.update(**values) != len(projects):  # rows are locked: a miss means a bug
        raise ConcurrentTransition("Un projet a changé d'état pendant la transition.")


def _save(events: list[ProjectEvent], fields: set[str]) -> None:
    """Save the transitioned projects (one project: its own save(), which
    ConcurrentTransitionMixin guards; a batch: one UPDATE per source state), then their history
    in one INSERT."""
    if len(events) == 1:
        events[0].project.save()
    else:
        for source in {event.source for event in events}:
            _update([e.project for e in events if e.source == source], fields, source)
    ProjectEvent.objects.bulk_create(events)


def apply_transition(
    projects: list[Project], name: str, actor, *, reason: str = "", legal_ground: str = "", **kwargs
) -> list[ProjectEvent]:
    """Fire transition `name` on projects the caller locked, in the caller's transaction.

    Saves them and their history (effective date: `effective_on`) and writes to the outbox one
    task mailing the people concerned and one issuing the documents the files now call for.
    """
    events, fields = [], {"state"}
    for project in projects:
        event, changed = _fire(project, name, actor, reason, legal_ground, kwargs)
        events.append(event)
        fields |= changed
    _save(events, fields)
    event_ids, project_ids = [e.pk for e in events], [p.pk for p in projects]
    enqueue_task(notifications.notify_events.name, event_ids)
    enqueue_task(documents.issue_documents.name, project_ids)
    return events


def perform(
    project, name: str, actor, *, reason: str = "", legal_ground: str = "", **kwargs
) -> Project:
    """Fire transition `name` on the project for `actor` (None = the scheduler)."""
    with transaction.atomic():
        locked = _lock(project)
        apply_transition([locked], name, actor, reason=reason, legal_ground=legal_ground, **kwargs)
    logger.info("project %s: %s by %s -> %s", locked.pk, name, actor, locked.state)
    return locked


def _condition_message(project: Project, name: str) -> str:
    if name == "submit_li":
        missing = project.letter.missing_sections() if hasattr(project, "letter") else []
        return "La lettre d'intention est incomplète : " + ", ".join(missing or ["non rédigée"])
    if name == "refile_ps" and not project.revised_since_opposition():
        if project.opposition_ground == OppositionGround.TERRITORY:
            return (
                "L'ARS s'est opposée pour territoire non pertinent : modifiez le territoire "
                "avant de déposer à nouveau le projet de santé."
            )
        return "Modifiez le projet de santé avant de le déposer à nouveau."
    if name in ("submit_ps", "complete_ps", "refile_ps"):
        if not project.association_is_valid():
            return "L'association doit être constituée avec un numéro RNA valide (W + 9 chiffres)."
        missing = (
            project.health_project.missing_sections() if hasattr(project, "health_project") else []
        )
        return "Le projet de santé est incomplet : " + ", ".join(missing or ["non rédigé"])
    if name == "constitute_association":
        return "L'association doit avoir un numéro RNA valide (W + 9 chiffres) et une date d'AG."
    if name in ("validate_ps", "oppose_ps", "request_ps_items"):
        return (
            "Le délai d'opposition de deux mois est expiré : le projet de santé est réputé validé."
        )
    if name == "deem_ps_validated":
        return "Le délai d'opposition n'est pas encore expiré."
    if name == "sign_aci":
        return "L'ACI est signé à la troisième signature du contrat, enregistrée sur sa page."
    return "Les conditions de cette action ne sont pas remplies."


# --- Project leaders ---------------------------------------------------------------------


def create_project(user, name: str, departement) -> Project:
    if user.is_institution:
        raise PermissionDenied("Les institutions ne créent pas de projet.")
    name = bounds.require_text(name, "le nom du projet", error=WorkflowError)
    with transaction.atomic():
        project = Project.objects.create(name=name, departement=departement)
        ProjectMember.objects.create(project=project, user=user, is_lead=True)
        LetterOfIntent.objects.create(project=project)
        record(
            user,
            "projects.create",
            "Projet créé ; son créateur en est le porteur principal",
            project,
            project=project,
            changes=changes({}, named(project, ["name", "departement"])),
        )
    return project


def submit_letter(project, user) -> Project:
    with transaction.atomic():  # the territory check's locks hold until the LI is filed
        check_territory_for_submission(project)
        return perform(project, "submit_li", user)


ASSOCIATION_FIELDS = ("name", "rna", "siret", "general_assembly_on", "statutes")


def constitute_association(
    project, user, *, name, rna, general_assembly_on, siret="", statutes=None
):
    rna = (rna or "").strip().upper()
    name = bounds.require_text(name, "le nom de l'association", error=WorkflowError)
    bounds.GENERAL_ASSEMBLY.require(general_assembly_on, WorkflowError)
    with transaction.atomic():
        locked = _lock(project)
        existing = getattr(locked, "association", None)
        before = named(existing or Association(), ASSOCIATION_FIELDS)
        org = existing.organisation if existing and existing.organisation_id else None
        if org is None:
            org = Organisation.objects.create(kind=OrganisationKind.CPTS, name=name)
        elif org.name != name:
            org.name = name
            org.save(update_fields=["name"])
        association, _ = Association.objects.update_or_create(
            project=locked,
            defaults={
                "name": name,
                "rna": rna,
                "siret": siret,
                "general_assembly_on": general_assembly_on,
                "organisation": org,
                **({"statutes": statutes} if statutes else {}),
            },
        )
        record(
            user,
            "projects.association",
            "Association enregistrée",
            association,
            project=locked,
            changes=changes(before, named(association, ASSOCIATION_FIELDS)),
        )
        return perform(locked, "constitute_association", user)


def submit_health_project(project, user) -> Project:
    return perform(project, "submit_ps", user)


def complete_health_project(project, user) -> Project:
    """The leaders confirm the requested items are provided: the request closes and the
    two-month clock starts again from today (CRPA L.114-5)."""
    with transaction.atomic():
        locked = perform(project, "complete_ps", user)
        for asked in MissingItemsRequest.objects.select_for_update().filter(
            project=locked, completed_at__isnull=True
        ):
            asked.completed_at, asked.completed_by = timezone.now(), user
            asked.save(update_fields=["completed_at", "completed_by"])
            record(
                user,
                "projects.items_provided",
                "Pièces demandées fournies ; le délai de deux mois court à nouveau",
                asked,
                project=locked,
                changes={"reçu complet le": [None, as_text(locked.ps_received_on)]},
            )
    return locked


def refile_health_project(project, user) -> Project:
    """After an opposition, file the revised PS again: a new two-month clock. A changed
    territory is checked as at the LI submission (communes, région, overlaps)."""
    with transaction.atomic():  # the territory check's locks hold until the PS is filed
        check_territory_for_submission(project)
        return perform(project, "refile_ps", user)


# --- ARS -------------------------------------------------------------------------------

LI_DECISIONS = {
    "validate": "validate_li",
    "changes": "request_li_changes",
    "reject": "reject_li",
}


def decide_letter(
    project,
    user,
    decision: str,
    reason: str = "",
    *,
    committee=None,
    without_committee: str = "",
) -> Project:
    """The ARS's decision on the LI, with the committee in which it was taken, or why it is
    taken without one (one of the two, `committees.file_decision_committee`)."""
    if decision not in LI_DECISIONS:
        raise WorkflowError("Décision inconnue.")
    if decision != "validate" and not reason.strip():
        raise WorkflowError("Indiquez le motif de la décision.")
    with transaction.atomic():
        locked = _lock(project)
        (event,) = apply_transition([locked], LI_DECISIONS[decision], user, reason=reason)
        committees.file_decision_committee(event, committee, without_committee)
    return locked


def request_missing_items(project, user, items, due_on: dt.date) -> Project:
    """The ARS lists the items missing from a filed PS and the date to provide them by: the
    clock stops until the leaders provide them. At least one item (else it would only restart
    the clock), a date within `items_due_bounds`, one open request at a time."""
    listed = missing_items.parse_items(items)
    missing_items.check_due_on(due_on, timezone.localdate())
    text = "\n".join(listed)
    with transaction.atomic():
        locked = _lock(project)
        if MissingItemsRequest.objects.filter(project=locked, completed_at__isnull=True).exists():
            raise WorkflowError("Une demande de pièces est déjà en cours pour ce projet.")
        reason = f"{text}\n\nÀ fournir au plus tard le {due_on:%d/%m/%Y}."
        locked = perform(locked, "request_ps_items", user, reason=reason)
        asked = MissingItemsRequest.objects.create(
            project=locked, items=text, due_on=due_on, requested_by=user
        )
        record(
            user,
            "projects.request_items",
            "Pièces manquantes demandées",
            asked,
            project=locked,
            changes=changes({}, named(asked, ["items", "due_on"])),
        )
    return locked


def validate_health_project(project, user, reason: str = "") -> Project:
    return perform(project, "validate_ps", user, reason=reason, legal_ground=LEGAL_GROUND_PS)


def oppose_health_project(project, user, ground: str, reason: str) -> Project:
    if ground not in OppositionGround.values:
        raise WorkflowError("Une opposition doit reposer sur l'un des deux motifs légaux.")
    if not reason.strip():
        raise WorkflowError("Une opposition doit être motivée.")
    label = OppositionGround(ground).label
    return perform(
        project,
        "oppose_ps",
        user,
        ground=ground,
        reason=reason,
        legal_ground=f"{LEGAL_GROUND_PS} – {label}",
    )


# --- ACI and closing -------------------------------------------------------------------


def start_aci(project, user) -> Project:
    return perform(project, "start_aci", user)


def sign_aci(project, user, signed_on: dt.date) -> Project:
    """Only from `funding.services.record_signature`, at a contract's third signature: the
    first contract, or a renewal (the next contract). No page, admin action or API offers it."""
    bounds.SIGNATURE.require(signed_on, WorkflowError)
    name = "renew_aci" if project.state in CONTRACT_STATES else "sign_aci"
    return perform(project, name, user, signed_on=signed_on)


def terminate_aci(project, user, reason: str) -> Project:
    """The running contract is terminated (funding.services.terminate_contract)."""
    return perform(project, "terminate_aci", user, reason=reason)


def end_aci(project) -> Project:
    """The contract reached its five years with no renewal (the scheduler, no person)."""
    return perform(project, "end_aci", None)


def abandon(project, user, reason: str) -> Project:
    """The leaders give up their project (only they may: `Project.abandon`)."""
    if not reason.strip():
        raise WorkflowError("Indiquez pourquoi le projet est abandonné.")
    return perform(project, "abandon", user, reason=reason)


def close_without_follow_up(project, user, reason: str) -> Project:
    """The ARS closes "sans suite" a file that waits on its leaders: a decision, with its
    reason, notified by a letter stating the voies et délais de recours."""
    if not reason.strip():
        raise WorkflowError("Indiquez pourquoi le dossier est classé sans suite.")
    return perform(project, "close_without_follow_up", user, reason=reason)


# --- The scheduler: implicit validation (L.1434-12 CSP) -------------------------------------


def sweep_implicit_validations(batch_size: int | None = None) -> int:
    """Deem validated every PS whose opposition deadline has passed with no decision.

    Batches of locked rows, keyset on pk, each through `apply_transition` in its own
    transaction: a constant number of statements per batch, and a crash loses at most the
    batch under way. Idempotent (done rows no longer match) and safe beside ARS decisions: a row
    an agent holds is skipped (SKIP LOCKED) and the agent's transition re-checks the state under
    its lock; if the PS is still due, the next run takes it.
    """
    batch_size = batch_size or settings.CPTS_IMPLICIT_SWEEP_BATCH_SIZE
    today = timezone.localdate()
    done, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Project.objects.filter(state=State.PS_DEPOSE, ps_deadline__lt=today, pk__gt=after)
                .order_by("pk")
                .select_for_update(of=("self",), skip_locked=True)[:batch_size]
            )
            if not batch:
                return done
            apply_transition(batch, "deem_ps_validated", None)
        done, after = done + len(batch), batch[-1].pk
        logger.info("implicit validation: %s projects deemed validated", len(batch))
        if len(batch) < batch_size:
            return done


# --- One entry point by transition name, for the admin, the web views and the API ------------


def _li(data) -> dict:
    """The committee of an LI decision, as the forms give it."""
    return {
        "committee": data.get("committee"),
        "without_committee": data.get("without_committee") or "",
    }


_ACTIONS = {
    "submit_li": lambda p, u, **d: submit_letter(p, u),
    "validate_li": lambda p, u, reason="", **d: decide_letter(p, u, "validate", reason, **_li(d)),
    "request_li_changes": lambda p, u, reason="", **d: decide_letter(
        p, u, "changes", reason, **_li(d)
    ),
    "reject_li": lambda p, u, reason="", **d: decide_letter(p, u, "reject", reason, **_li(d)),
    "submit_ps": lambda p, u, **d: submit_health_project(p, u),
    "refile_ps": lambda p, u, **d: refile_health_project(p, u),
    "request_ps_items": lambda p, u, items="", due_on=None, **d: request_missing_items(
        p, u, items, due_on
    ),
    "complete_ps": lambda p, u, **d: complete_health_project(p, u),
    "validate_ps": lambda p, u, reason="", **d: validate_health_project(p, u, reason),
    "oppose_ps": lambda p, u, ground="", reason="", **d: oppose_health_project(
        p, u, ground, reason
    ),
    "start_aci": lambda p, u, **d: start_aci(p, u),
    "abandon": lambda p, u, reason="", **d: abandon(p, u, reason),
    "close_without_follow_up": lambda p, u, reason="", **d: close_without_follow_up(p, u, reason),
}


def run_action(project, name: str, actor, **data) -> Project:
    """Run the business action behind transition `name` (the association has its own service)."""
    if name not in _ACTIONS:
        raise WorkflowError("Action inconnue.")
    return _ACTIONS[name](project, actor, **data)
