"""Deployment milestones marked done by the Assurance Maladie of the territory (who and when):
a mission started (its start date counts for the money), a mission fully deployed, the crisis
action plan of a contract year delivered. Done, they leave the overdue lists of /echeances/;
the fourth milestone, a yearly evaluation closed, is the evaluation itself."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import services as contract_services
from .base import FundingError, deny_unless, journal
from .deadlines import CONTRACT_YEARS
from .followup_models import ACI_DATE, Milestone, MilestoneKind
from .models import Contract
from .permissions import can_mark_milestone

Kind = MilestoneKind
FIELDS = ("kind", "mission", "year", "done_on")
CRISIS_MISSION = "crise_sanitaire"


def _check(contract, kind, mission, year, done_on) -> None:
    if kind not in dict(Kind.markable()):  # an evaluation made before the portal: reprise only
        raise FundingError("Jalon inconnu.")
    if not contract.is_signed:
        raise FundingError("Les jalons suivent la signature du contrat.")
    first = max(contract.signed_on, dt.date.fromisoformat(ACI_DATE))
    if not first <= done_on <= timezone.localdate():
        raise FundingError(
            "La date d'un jalon suit la signature du contrat et ne peut pas être dans le futur."
        )
    missions = {m.mission: m for m in contract.missions.all()}
    if kind == Kind.CRISIS_PLAN:
        if CRISIS_MISSION not in missions:
            raise FundingError("Ce contrat n'a pas de mission crises sanitaires graves.")
        if not 1 <= year <= CONTRACT_YEARS:
            raise FundingError(f"L'année du contrat va de 1 à {CONTRACT_YEARS}.")
        return
    if mission not in missions:
        raise FundingError("Cette mission n'est pas au contrat.")
    started = missions[mission].started_on
    if kind == Kind.MISSION_DEPLOYED and (started is None or started > done_on):
        raise FundingError("Une mission est déployée après avoir démarré.")


def mark_milestone(contract, user, *, kind: str, done_on: dt.date, mission: str = "", year=0):
    deny_unless(can_mark_milestone(contract, user))
    if kind == Kind.CRISIS_PLAN:
        mission = ""
    else:
        year = 0
    with transaction.atomic():
        locked = Contract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
        _check(locked, kind, mission, year, done_on)
        done = Milestone.objects.filter(contract=locked, kind=kind, mission=mission, year=year)
        if done.exists():
            raise FundingError("Ce jalon est déjà marqué comme réalisé.")
        if kind == Kind.MISSION_STARTED:
            # The start date pays the mission's fixed part pro rata: the contract's one door.
            contract_services.start_mission(locked, user, mission, done_on)
        milestone = Milestone.objects.create(
            contract=locked, kind=kind, mission=mission, year=year, done_on=done_on, done_by=user
        )
        journal(
            user, "funding.milestone.done", f"Jalon réalisé : {milestone.get_kind_display()}",
            milestone, FIELDS, project=locked.project_id,
        )  # fmt: skip
    return milestone


def done_keys(contract_ids) -> set[tuple[int, str, str, int]]:
    """(contract pk, kind, mission, year) of every milestone done, for the deadline lists."""
    rows = Milestone.objects.filter(contract_id__in=contract_ids).order_by()  # a set: no sort
    return set(rows.values_list("contract_id", "kind", "mission", "year"))
