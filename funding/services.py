"""The contract's writes: creation, signatures, missions, indicators, termination (avenants:
funding.avenants; indicator results only by closing the yearly evaluation, funding.evaluations).
Each checks role and territory, locks the rows it decides on and journals the change in one
transaction; a refusal writes nothing."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit.services import snapshot
from projects import services as project_services
from projects.models import Project
from projects.states import State

from . import deadlines, renewal, termination
from .base import FundingError, deny_unless, journal
from .deadlines import CONTRACT_YEARS, contract_anniversary
from .grid_store import load_grid_set
from .models import (
    Contract,
    ContractMission,
    GridVersion,
    Indicator,
)
from .permissions import can_manage_contract, can_prepare_contract, can_sign_for
from .signatures import PARTIES, check_mission_date, check_signature_date

MAX_MEMBERS = 100_000
TEXT_LIMIT = 2_000

CONTRACT_FIELDS = ("size", "members", "snp_dispositif", "grid")
SIGNED_ON = ("cpts_signed_on", "cpam_signed_on", "ars_signed_on", "signed_on")
SIGNATURE_FIELDS = (*SIGNED_ON, "grid", "size")
INDICATOR_FIELDS = ("label", "weight", "higher_is_better")


def _locked(contract) -> Contract:
    locked = Contract.objects.select_for_update(of=("self",)).select_related("grid")
    return locked.get(pk=contract.pk)


def _later_socle_missions(contract) -> set[str]:
    """Socle missions of the grids paying the contract's years: one a later grid adds (the
    crisis mission of avenant 2 for a 2020 contract) joins the contract when it starts."""
    grid_set = load_grid_set()
    return {
        code
        for year in range(1, CONTRACT_YEARS + 1)
        for code in grid_set.in_force(contract_anniversary(contract.signed_on, year)).socle_missions
    }


def _mission_name(contract, code: str) -> str:
    missions = contract.grid.missions if contract.grid_id else {}
    if code not in missions:  # a mission a later grid added (the crisis mission of avenant 2)
        later = GridVersion.objects.filter(missions__has_key=code).order_by("-valid_from")
        missions = later.values_list("missions", flat=True).first() or {}
    return (missions.get(code) or {}).get("label", code)


# --- Creation and signatures ------------------------------------------------------------------


def create_contract(project, user, *, members: int, optional=(), snp_dispositif=False):
    """The ACI contract being prepared: socle missions always, optional ones by choice."""
    deny_unless(can_prepare_contract(project, user))
    if not 0 <= members <= MAX_MEMBERS:
        raise FundingError(f"Le nombre de membres va de 0 à {MAX_MEMBERS}.")
    grid = load_grid_set().in_force(timezone.localdate())
    unknown = set(optional) - set(grid.optional_missions)
    if unknown:
        raise FundingError(f"Missions optionnelles inconnues : {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        previous = Contract.current_of(project)
        renewal.check_next_contract(project, previous, timezone.localdate())
        if not project.taille:
            raise FundingError(
                "La taille de la CPTS n'est pas connue (territoire sans population)."
            )
        contract = Contract.objects.create(
            project=project,
            sequence=previous.sequence + 1 if previous else 1,
            size=project.taille,
            members=members,
            snp_dispositif=snp_dispositif,
            grid=GridVersion.objects.get(code=grid.code),
        )
        chosen = [*grid.socle_missions, *(m for m in grid.optional_missions if m in optional)]
        ContractMission.objects.bulk_create(
            ContractMission(contract=contract, mission=code) for code in chosen
        )
        journal(
            user, "funding.contract.create", "Contrat ACI créé", contract, CONTRACT_FIELDS,
            project=project, extra={"missions": [None, ", ".join(chosen)]},
        )  # fmt: skip
    return contract


def record_signature(contract, user, party: str, signed_on: dt.date) -> Contract:
    """Record one party's signature, by that party (`signatures.parties_of`); at the third, the
    contract is signed under the grid in force on the last signature date and the project moves
    to "ACI signé" (the only way there)."""
    if party not in PARTIES:
        raise FundingError("Signataire inconnu.")
    deny_unless(can_sign_for(contract, user, party))
    check_signature_date(signed_on)
    with transaction.atomic():
        locked = _locked(contract)
        if locked.is_signed:
            raise FundingError("Le contrat est déjà signé par les trois parties.")
        before = snapshot(locked, SIGNATURE_FIELDS)
        setattr(locked, f"{party}_signed_on", signed_on)
        dates = [getattr(locked, f"{p}_signed_on") for p in PARTIES]
        label = f"Signature {PARTIES[party]} enregistrée"
        if all(dates):
            locked.signed_on = max(dates)
            grid = load_grid_set().in_force(locked.signed_on)
            locked.grid = GridVersion.objects.get(code=grid.code)
            locked.size = locked.project.taille or locked.size
            label += " : contrat signé par les trois parties"
        locked.save()
        if locked.is_signed:  # the transition's condition reads the saved contract
            project_services.sign_aci(locked.project, user, locked.signed_on)
            renewal.close_predecessor(locked, user)
        journal(
            user, "funding.contract.sign", label, locked, SIGNATURE_FIELDS, before,
            project=locked.project_id,
        )  # fmt: skip
    return locked


# --- Missions, indicators ---------------------------------------------------------------------


def start_mission(contract, user, mission: str, started_on: dt.date) -> ContractMission:
    deny_unless(can_manage_contract(contract, user))
    with transaction.atomic():
        locked = _locked(contract)
        if not locked.is_signed:
            raise FundingError("Une mission démarre après la signature du contrat.")
        check_mission_date(started_on, locked.signed_on)
        row = locked.missions.select_for_update().filter(mission=mission).first()
        if row is None and mission in _later_socle_missions(locked):
            row = ContractMission.objects.create(contract=locked, mission=mission)
        if row is None:
            raise FundingError("Cette mission n'est pas au contrat.")
        before = snapshot(row, ["started_on"])
        row.started_on = started_on
        row.save(update_fields=["started_on"])
        label = f"Démarrage de la mission « {_mission_name(locked, mission)} »"
        journal(
            user, "funding.mission.start", label, row, ["started_on"], before,
            project=locked.project_id,
        )  # fmt: skip
    return row


def _thresholds(thresholds) -> list[dict]:
    """[(level, value, rate)] as stored (strings: no amount ever passes through a float)."""
    rows = []
    for level, value, rate in thresholds:
        value, rate = Decimal(str(value)), Decimal(str(rate))
        if not value.is_finite() or not rate.is_finite() or not 0 <= rate <= 1:
            raise FundingError("Un palier donne une part de l'enveloppe entre 0 et 1.")
        rows.append({"level": str(level)[:40], "value": str(value), "rate": str(rate)})
    return rows


def add_indicator(contract_mission, user, *, label, thresholds, weight=1, higher_is_better=True):
    """`thresholds`: [(level, value, rate)], e.g. socle / intermédiaire / objectif."""
    contract = contract_mission.contract
    deny_unless(can_manage_contract(contract, user))
    label, weight = str(label).strip(), Decimal(str(weight))
    if not label or len(label) > 300:
        raise FundingError("Nommez l'indicateur (300 caractères au plus).")
    if not weight.is_finite() or not 0 <= weight <= 1:
        raise FundingError("Le poids d'un indicateur va de 0 à 1.")
    rows = _thresholds(thresholds)
    with transaction.atomic():
        indicator = Indicator.objects.create(
            mission=contract_mission,
            label=label,
            weight=weight,
            higher_is_better=higher_is_better,
            thresholds=rows,
        )
        paliers = " ; ".join(f"{r['level']} {r['value']} → {r['rate']}" for r in rows)
        name = _mission_name(contract, contract_mission.mission)
        journal(
            user, "funding.indicator.add", f"Indicateur ajouté à la mission « {name} »",
            indicator, INDICATOR_FIELDS, project=contract.project_id,
            extra={"thresholds": [None, paliers]},
        )  # fmt: skip
    return indicator


# --- Termination ----------------------------------------------------------------------------------


def terminate_contract(contract, user, terminated_on: dt.date, reason: str) -> Contract:
    """The Assurance Maladie terminates a running contract: advances are recovered pro rata
    temporis (the schedule's recovery line, `termination.recovery`), and the project's state
    becomes "ACI résilié" when it was its running contract."""
    deny_unless(can_manage_contract(contract, user))
    reason = reason.strip()
    if not reason or len(reason) > TEXT_LIMIT:
        raise FundingError(f"Indiquez le motif ({TEXT_LIMIT} caractères au plus).")
    if terminated_on > timezone.localdate():
        raise FundingError("La date de résiliation ne peut pas être dans le futur.")
    with transaction.atomic():
        locked = _locked(contract)
        if not locked.is_signed or terminated_on < locked.signed_on:
            raise FundingError("Seul un contrat signé peut être résilié, après sa signature.")
        if locked.terminated_on or locked.ended_on:
            raise FundingError("Ce contrat est déjà résilié ou échu.")
        if terminated_on > deadlines.contract_end(locked.signed_on):
            raise FundingError("Ce contrat a pris fin avant cette date.")
        fields = ["terminated_on", "termination_reason"]
        before = snapshot(locked, fields)
        locked.terminated_on, locked.termination_reason = terminated_on, reason
        locked.save(update_fields=fields)
        recovered = termination.recovery(locked)
        journal(
            user, "funding.contract.terminate",
            f"Contrat résilié : avances à récupérer {recovered} €", locked, fields, before,
            project=locked.project_id, extra={"recovery": [None, str(recovered)]},
        )  # fmt: skip
        project = Project.objects.get(pk=locked.project_id)
        later = Contract.objects.filter(
            project_id=locked.project_id, sequence__gt=locked.sequence, signed_on__isnull=False
        )
        if project.state == State.ACI_SIGNE and not later.exists():
            project_services.terminate_aci(project, user, reason)
    return locked
