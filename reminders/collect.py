"""Every deadline in the life of a CPTS, computed from the projects and their contracts.

The dates themselves come from funding/deadlines.py (one tested function each); this module
only says which apply to which project, who has the hand, and whether they are still open.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet

from funding import deadlines, evaluations, milestones
from funding.models import Contract, ContractMission, PreAciSupport
from projects.deadlines import PRE_ACI_START_TO_CONFIRM
from projects.models import MissingItemsRequest
from projects.states import State

# Who must act before the deadline.
CPTS, ARS, ASSURANCE_MALADIE = "cpts", "ars", "assurance_maladie"
HOLDER_LABELS = {CPTS: "Porteurs (CPTS)", ARS: "ARS", ASSURANCE_MALADIE: "Assurance Maladie"}

MISSION_LABELS = {
    "acces_soins": "accès aux soins",
    "crise_sanitaire": "crises sanitaires graves",
    "parcours": "parcours pluriprofessionnels",
    "prevention": "prévention",
}


class Deadline(NamedTuple):
    """A tuple, not a dataclass: a regional list builds some 1 700 of them per render."""

    project_id: int
    project_name: str
    kind: str
    label: str
    due: dt.date
    holder: str
    # An open deadline is one whose obligation is not yet known to be met.
    open: bool = True
    # Why the date is not settled, when no source gives it: shown "à confirmer".
    to_confirm: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.project_id}:{self.due.isoformat()}"

    @property
    def holder_label(self) -> str:
        return HOLDER_LABELS[self.holder]

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days

    def is_overdue(self, today: dt.date) -> bool:
        return self.open and self.due < today


def _opposition(project) -> list[Deadline]:
    if project.state != State.PS_DEPOSE or project.ps_deadline is None:
        return []
    label = "Fin du délai d'opposition au projet de santé (réputé validé le lendemain)"
    return [Deadline(project.pk, project.name, "opposition", label, project.ps_deadline, ARS)]


def _missing_items(project, request) -> list[Deadline]:
    """The date the ARS gave to provide missing items: the leaders are reminded before it."""
    if request is None or project.state != State.PS_INCOMPLET:
        return []
    label = "Pièces demandées par l'ARS à fournir (le délai de deux mois est suspendu)"
    # One kind per request: a later request with the same date is reminded again.
    kind = f"missing_items_{request.pk}"
    return [Deadline(project.pk, project.name, kind, label, request.due_on, CPTS)]


def _pre_aci(project, support) -> list[Deadline]:
    if support is None:
        return []
    label = "Dépôt du projet de santé (engagement de l'accompagnement pré-ACI)"
    still_due = project.ps_submitted_at is None
    return [
        Deadline(
            project.pk, project.name, "pre_aci_ps", label, support.ps_due_on, CPTS, still_due,
            to_confirm=PRE_ACI_START_TO_CONFIRM,
        )
    ]  # fmt: skip


@lru_cache(maxsize=4096)
def _dates(signed: dt.date) -> tuple:
    """A contract's dates, each from its function, once per signature day (a pure function of
    it): each render of a regional list computed some 1 600 of them."""
    return (
        {m: deadlines.mission_start_deadline(signed, m) for m in MISSION_LABELS},
        {m: deadlines.mission_deployment_deadline(signed, m) for m in MISSION_LABELS},
        tuple(deadlines.crisis_plan_dates(signed)),
        tuple(deadlines.evaluation_dates(signed)),
        deadlines.contract_end(signed),
    )


def _contract(project, contract, done) -> list[Deadline]:
    """`done`: (contract pk, kind, mission, year) → "done" for the milestones done and, as
    ("evaluation", year), the status of each evaluation started."""
    if contract is None or contract.signed_on is None or contract.terminated_on:
        return []
    items, pk, started = [], contract.pk, contract.started
    starts, deployments, crisis_plans, evaluation_dates, end = _dates(contract.signed_on)
    for mission, name in MISSION_LABELS.items():
        if mission not in started or contract.ended_on:
            continue
        items.append(Deadline(
            project.pk, project.name, f"start_{mission}", f"Démarrage de la mission {name}",
            starts[mission], CPTS, started[mission] is None,
        ))  # fmt: skip
        items.append(Deadline(
            project.pk, project.name, f"deploy_{mission}",
            f"Déploiement complet de la mission {name}",
            deployments[mission], CPTS,
            (pk, "mission_deployed", mission, 0) not in done,
        ))  # fmt: skip
    if "crise_sanitaire" in started and not contract.ended_on:
        for year, due in enumerate(crisis_plans, start=1):
            label = "Plan d'action crises sanitaires" + (" (mise à jour)" if year > 1 else "")
            still = (pk, "crisis_plan", "", year) not in done
            items.append(Deadline(
                project.pk, project.name, "crisis_plan", label, due, CPTS, still,
                to_confirm=deadlines.ANNIVERSARY_TO_CONFIRM,
            ))  # fmt: skip
    for year, due in enumerate(evaluation_dates, start=1):
        label = f"Évaluation annuelle des indicateurs et solde (année {year})"
        status = done.get((pk, "evaluation", "", year))
        # The CPTS enters and submits; once submitted the CPAM reviews and closes.
        holder = ASSURANCE_MALADIE if status == "submitted" else CPTS
        # An imported contract's early years may have been evaluated before the portal.
        before = (pk, "evaluation_before", "", year) in done
        items.append(Deadline(
            project.pk, project.name, "evaluation", label, due, holder,
            status != "closed" and not before,
            to_confirm=deadlines.ANNIVERSARY_TO_CONFIRM,
        ))  # fmt: skip
    # Open until the next contract is signed (it then becomes the latest signed one).
    label = "Fin du contrat ACI : renouvellement à signer"
    items.append(Deadline(project.pk, project.name, "contract_end", label, end, ASSURANCE_MALADIE))
    return items


class ProjectRow(NamedTuple):
    """What the deadlines read of a project (a model instance reads the same)."""

    pk: int
    name: str
    state: str
    ps_submitted_at: dt.datetime | None
    ps_deadline: dt.date | None


@dataclass(frozen=True)
class SignedContract:
    """What the deadlines read of a signed contract: plain values, not a model instance (a
    regional list reads some 1 500 contracts; building their models cost most of the page)."""

    pk: int
    signed_on: dt.date
    terminated_on: dt.date | None
    ended_on: dt.date | None
    started: dict  # mission → the day it started (None: not yet)


def _latest_signed(ids) -> tuple[dict, dict]:
    """Project pk → its latest signed contract; and what is done on them (see `_contract`)."""
    latest = {}
    signed = Contract.objects.filter(project_id__in=ids, signed_on__isnull=False)
    fields = ("pk", "project_id", "signed_on", "terminated_on", "ended_on")
    for pk, project_id, *dates in signed.order_by("sequence").values_list(*fields):
        latest[project_id] = (pk, *dates)  # the last in sequence wins
    # Matched by a subquery, not the latest ones' pks bound one by one (three lists of some
    # hundred ids cost a regional list more than their rows): the earlier contracts' rows come
    # too, and are never looked up.
    pks = signed.order_by().values("pk")
    started = defaultdict(dict)
    missions = ContractMission.objects.filter(contract_id__in=pks).order_by()  # no join to sort
    for contract_id, mission, started_on in missions.values_list(
        "contract_id", "mission", "started_on"
    ):
        started[contract_id][mission] = started_on
    contracts = {
        project_id: SignedContract(pk, signed_on, terminated, ended, started[pk])
        for project_id, (pk, signed_on, terminated, ended) in latest.items()
    }
    done = dict.fromkeys(milestones.done_keys(pks), "done")
    for (pk, year), status in evaluations.statuses(pks).items():
        done[pk, "evaluation", "", year] = status
    return contracts, done


def _may_have_deadlines(until: dt.date | None) -> Q:
    """The projects the functions above may give a deadline (due by `until`), a superset: they
    still decide. Most projects of a région have none yet: reading them all cost a regional
    list a third of its deadlines' time."""
    opposition = Q(state=State.PS_DEPOSE)
    if until is not None:
        opposition &= Q(ps_deadline__lte=until)
    return (
        opposition
        | Q(state=State.PS_INCOMPLET)
        | Exists(PreAciSupport.objects.filter(project=OuterRef("pk")))
        | Exists(Contract.objects.filter(project=OuterRef("pk"), signed_on__isnull=False))
    )


def deadlines_for(projects, until: dt.date | None = None) -> list[Deadline]:
    """All deadlines of the given projects (a queryset or a list), sorted by date, in bounded
    queries; with `until`, only those due by that day."""
    # A queryset's rows are matched by a subquery: binding some 1 500 ids (a regional ARS)
    # cost more than the rest of its page.
    if isinstance(projects, QuerySet):
        ids = projects.values("pk")
        # Plain rows, not models: a project's state machine costs more to build than to read.
        rows = projects.filter(_may_have_deadlines(until))
        projects = list(rows.values_list(*ProjectRow._fields, named=True))
    else:
        ids = [p.pk for p in projects]
    supports = PreAciSupport.objects.filter(project_id__in=ids)
    requests = MissingItemsRequest.objects.filter(project_id__in=ids, completed_at__isnull=True)
    if until is not None:  # a stored date, one support per project: none due later is read
        supports = supports.filter(ps_due_on__lte=until)
    # Only the columns read below, as named rows (`_pre_aci`, `_missing_items` read attributes).
    supports = {
        s.project_id: s for s in supports.values_list("project_id", "ps_due_on", named=True)
    }
    requests = {
        r.project_id: r for r in requests.values_list("project_id", "pk", "due_on", named=True)
    }
    contracts, done = _latest_signed(ids)
    items = []
    for project in projects:
        items += _opposition(project)
        items += _missing_items(project, requests.get(project.pk))
        items += _pre_aci(project, supports.get(project.pk))
        items += _contract(project, contracts.get(project.pk), done)
    if until is not None:  # the contracts' dates come from their rules, not from SQL
        items = [d for d in items if d.due <= until]
    return sorted(items, key=attrgetter("due", "project_name", "kind"))


def current(items, today: dt.date, horizon_days: int = 90) -> list[Deadline]:
    """What a person should see: open deadlines already passed (`Deadline.is_overdue`), and
    those within the horizon; in the order of `items` (by date: the overdue first)."""
    limit = today + dt.timedelta(days=horizon_days)
    return [d for d in items if d.due <= limit and (d.open or d.due >= today)]
