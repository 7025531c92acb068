"""Workflow actions. Views, admin, API and Celery tasks all go through these functions.

Each action locks the project row, checks role + territory + conditions, applies the
django-fsm transition, saves and writes its history row in one transaction.
"""

import datetime as dt
import logging
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from accounts.models import Organisation, OrganisationKind
from audit.services import changes, record

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
from .states import DecisionKind, OppositionGround, State
from .territory import check_territory_for_submission

logger = logging.getLogger(__name__)

LEGAL_GROUND_PS = "Art. L.1434-12 du code de la santé publique"


def _lock(project_or_id) -> Project:
    pk = getattr(project_or_id, "pk", project_or_id)
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("departement__region")
        .get(pk=pk)
    )


def perform(
    project,
    name: str,
    actor,
    *,
    reason: str = "",
    legal_ground: str = "",
    decision_kind: str = DecisionKind.EXPLICIT,
    **kwargs,
) -> Project:
    """Fire transition `name` on the project for `actor` (None = the scheduler)."""
    with transaction.atomic():
        locked = _lock(project)
        method = getattr(locked, name)
        if not can_proceed(method, check_conditions=False):
            raise WorkflowError(f"Action impossible dans l'état « {locked.get_state_display()} ».")
        if not can_proceed(method):
            raise WorkflowError(_condition_message(locked, name))
        if not has_transition_perm(method, actor):
            raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
        source = locked.state
        method(**kwargs)
        locked.save()
        ProjectEvent.objects.create(
            project=locked,
            transition=name,
            source=source,
            target=locked.state,
            actor=actor,
            organisation=getattr(actor, "organisation", None),
            decision_kind=decision_kind,
            legal_ground=legal_ground,
            reason=reason,
            effective_on=timezone.localdate(),
        )
    logger.info("project %s: %s by %s (%s -> %s)", locked.pk, name, actor, source, locked.state)
    return locked


def _condition_message(project: Project, name: str) -> str:
    if name == "submit_li":
        missing = project.letter.missing_sections() if hasattr(project, "letter") else []
        return "La lettre d'intention est incomplète : " + ", ".join(missing or ["non rédigée"])
    if name in ("submit_ps", "complete_ps"):
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
    return "Les conditions de cette action ne sont pas remplies."


# --- Project leaders ---------------------------------------------------------------------


def create_project(user, name: str, departement) -> Project:
    if user.is_institution:
        raise PermissionDenied("Les institutions ne créent pas de projet.")
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
    with transaction.atomic():
        locked = perform(project, "complete_ps", user)
        MissingItemsRequest.objects.filter(project=locked, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    return locked


# --- ARS -------------------------------------------------------------------------------

LI_DECISIONS = {
    "validate": "validate_li",
    "changes": "request_li_changes",
    "reject": "reject_li",
}


def decide_letter(project, user, decision: str, reason: str = "") -> Project:
    if decision not in LI_DECISIONS:
        raise WorkflowError("Décision inconnue.")
    if decision != "validate" and not reason.strip():
        raise WorkflowError("Indiquez le motif de la décision.")
    return perform(project, LI_DECISIONS[decision], user, reason=reason)


def request_missing_items(project, user, items: str) -> Project:
    if not items.strip():
        raise WorkflowError("Listez les pièces manquantes.")
    with transaction.atomic():
        locked = perform(project, "request_ps_items", user, reason=items)
        asked = MissingItemsRequest.objects.create(project=locked, items=items, requested_by=user)
        record(
            user,
            "projects.request_items",
            "Pièces manquantes demandées",
            asked,
            project=locked,
            changes=changes({}, named(asked, ["items"])),
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
    return perform(project, "sign_aci", user, signed_on=signed_on)


def abandon(project, user, reason: str) -> Project:
    if not reason.strip():
        raise WorkflowError("Indiquez pourquoi le projet est abandonné.")
    return perform(project, "abandon", user, reason=reason)


# --- The scheduler: implicit validation (L.1434-12 CSP) -------------------------------------


def _among(ids: list[int]) -> tuple[str, list]:
    """SQL condition 'id among these' and its parameters.

    PostgreSQL takes the batch as one array parameter (parsed and planned far faster than
    2 000 placeholders); other databases get a plain IN list.
    """
    if connection.vendor == "postgresql":
        return "id = ANY(%s)", [ids]
    return f"id IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _deem_validated(ids: list[int]) -> None:
    """Move a locked batch to "réputé validé" and write its history rows: two statements.

    No per-row save and no transition call: a deliberate bulk write, guarded by the source
    state, with the history written by INSERT ... SELECT (no per-row Python objects).
    """
    event, project = ProjectEvent._meta, Project._meta
    among, among_params = _among(ids)
    created_at = event.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {project.db_table} SET state = %s, ps_decided_on = ps_implicit_on"
            f" WHERE state = %s AND {among}",
            [State.PS_REPUTE_VALIDE.value, State.PS_DEPOSE.value, *among_params],
        )
        cursor.execute(
            f"INSERT INTO {event.db_table} (project_id, transition, source, target,"
            " decision_kind, legal_ground, reason, effective_on, created_at)"
            f" SELECT id, %s, %s, %s, %s, %s, '', ps_implicit_on, %s FROM {project.db_table}"
            f" WHERE {among}",
            [
                "deem_ps_validated",
                State.PS_DEPOSE.value,
                State.PS_REPUTE_VALIDE.value,
                DecisionKind.IMPLICIT.value,
                f"{LEGAL_GROUND_PS} – silence gardé pendant deux mois",
                created_at,
                *among_params,
            ],
        )


def apply_implicit_validations(today: dt.date | None = None, batch_size: int | None = None) -> int:
    """Deem validated every PS whose opposition deadline has passed with no decision.

    Idempotent and safe to run concurrently with ARS decisions: rows an ARS agent holds are
    skipped (SKIP LOCKED) and the agent's own transition re-checks the state under its lock.
    Works in bounded batches with a constant number of queries per batch (`_deem_validated`).
    """
    today = today or timezone.localdate()
    batch_size = batch_size or settings.CPTS_IMPLICIT_SWEEP_BATCH_SIZE
    done, after = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                # Keyset on pk: each batch starts where the last one ended (no rescans).
                Project.objects.filter(state=State.PS_DEPOSE, ps_deadline__lt=today, pk__gt=after)
                .order_by("pk")
                .select_for_update(of=("self",), skip_locked=True)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            _deem_validated(ids)
        done, after = done + len(ids), ids[-1]
        logger.info("implicit validation: %s projects deemed validated", len(ids))
        if len(ids) < batch_size:
            return done


def sweep_implicit_validations(today: dt.date | None = None, workers: int | None = None) -> int:
    """`apply_implicit_validations` on several connections at once, as the scheduler runs it.

    SKIP LOCKED shares the batches out: each connection takes rows the others do not hold, so
    no project is taken twice, and each batch still commits with its history. Serial on SQLite
    (one writer) and when the caller holds a transaction: other connections would not see its
    uncommitted rows.
    """
    workers = workers or settings.CPTS_IMPLICIT_SWEEP_WORKERS
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return apply_implicit_validations(today)
    done, errors = [], []

    def work():
        try:
            done.append(apply_implicit_validations(today))
        except Exception as exc:  # re-raised in the caller's thread, for Celery's retry
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, name=f"sweep-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(done)


# --- One entry point by transition name, for the admin, the web views and the API ------------

_ACTIONS = {
    "submit_li": lambda p, u, **d: submit_letter(p, u),
    "validate_li": lambda p, u, reason="", **d: decide_letter(p, u, "validate", reason),
    "request_li_changes": lambda p, u, reason="", **d: decide_letter(p, u, "changes", reason),
    "reject_li": lambda p, u, reason="", **d: decide_letter(p, u, "reject", reason),
    "submit_ps": lambda p, u, **d: submit_health_project(p, u),
    "request_ps_items": lambda p, u, items="", **d: request_missing_items(p, u, items),
    "complete_ps": lambda p, u, **d: complete_health_project(p, u),
    "validate_ps": lambda p, u, reason="", **d: validate_health_project(p, u, reason),
    "oppose_ps": lambda p, u, ground="", reason="", **d: oppose_health_project(
        p, u, ground, reason
    ),
    "start_aci": lambda p, u, **d: start_aci(p, u),
    "sign_aci": lambda p, u, signed_on=None, **d: sign_aci(p, u, signed_on),
    "abandon": lambda p, u, reason="", **d: abandon(p, u, reason),
}


def run_action(project, name: str, actor, **data) -> Project:
    """Run the business action behind transition `name` (the association has its own service)."""
    if name not in _ACTIONS:
        raise WorkflowError("Action inconnue.")
    return _ACTIONS[name](project, actor, **data)
