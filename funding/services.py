"""Funding actions (writes) and the bridge from stored contracts to `funding.calc`.

Every action checks role and territory, then writes in one transaction.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.errors import UserError
from projects import deadlines
from projects import permissions as project_perms
from projects import services as project_services
from projects.states import State
from territories.models import Departement

from . import calc
from .grid_store import load_grid_set
from .models import (
    Contract,
    ContractMission,
    CrisisDeclaration,
    FirGrant,
    GridVersion,
    Indicator,
    IndicatorResult,
    PreAciSupport,
)
from .permissions import can_manage_contract

PARTIES = ("cpts", "cpam", "ars")
PRE_ACI_STATES = {
    State.ASSOCIATION_CONSTITUEE,
    State.PS_DEPOSE,
    State.PS_INCOMPLET,
    State.PS_VALIDE,
    State.PS_REPUTE_VALIDE,
    State.ACI_PREPARATION,
}


class FundingError(UserError):
    """An action the contract or project does not allow; the message is for the user."""


def _deny_unless(allowed: bool):
    if not allowed:
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")


# --- Contracts ------------------------------------------------------------------------------


def create_contract(project, user, *, members: int, optional=(), snp_dispositif=False):
    """The ACI contract being prepared: socle missions always, optional ones by choice."""
    _deny_unless(project_perms.ars_or_assurance_maladie(project, user))
    if project.state != State.ACI_PREPARATION:
        raise FundingError("Le contrat se prépare à l'étape « ACI en préparation » du projet.")
    if not project.taille:
        raise FundingError("La taille de la CPTS n'est pas connue (territoire sans population).")
    grid = load_grid_set().in_force(timezone.localdate())
    unknown = set(optional) - set(grid.optional_missions)
    if unknown:
        raise FundingError(f"Missions optionnelles inconnues : {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        contract = Contract.objects.create(
            project=project,
            size=project.taille,
            members=members,
            snp_dispositif=snp_dispositif,
            grid=GridVersion.objects.get(code=grid.code),
        )
        chosen = [*grid.socle_missions, *(m for m in grid.optional_missions if m in optional)]
        ContractMission.objects.bulk_create(
            ContractMission(contract=contract, mission=code) for code in chosen
        )
    return contract


def _may_sign_for(contract, user, party: str) -> bool:
    project = contract.project
    if party == "cpam":
        return project_perms.is_assurance_maladie_of(project, user)
    if party == "ars":
        return project_perms.is_ars_of(project, user)
    # The CPTS signs on paper; the institution collecting the contract records the date
    # (the project transition to "ACI signé" must be fired by the ARS or the Assurance Maladie).
    return project_perms.ars_or_assurance_maladie(project, user)


def record_signature(contract, user, party: str, signed_on: dt.date) -> Contract:
    """Record one party's signature; with all three, the contract is signed under the grid in
    force on the last signature date and the project moves to "ACI signé"."""
    if party not in PARTIES:
        raise FundingError("Signataire inconnu.")
    _deny_unless(_may_sign_for(contract, user, party))
    with transaction.atomic():
        locked = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
        if locked.is_signed:
            raise FundingError("Le contrat est déjà signé par les trois parties.")
        setattr(locked, f"{party}_signed_on", signed_on)
        dates = [getattr(locked, f"{p}_signed_on") for p in PARTIES]
        if all(dates):
            locked.signed_on = max(dates)
            grid = load_grid_set().in_force(locked.signed_on)
            locked.grid = GridVersion.objects.get(code=grid.code)
            locked.size = locked.project.taille or locked.size
            project_services.sign_aci(locked.project, user, locked.signed_on)
        locked.save()
    return locked


def start_mission(contract, user, mission: str, started_on: dt.date) -> ContractMission:
    _deny_unless(can_manage_contract(contract, user))
    if not contract.is_signed or started_on < contract.signed_on:
        raise FundingError("Une mission démarre après la signature du contrat.")
    row = contract.missions.filter(mission=mission).first()
    if row is None:
        raise FundingError("Cette mission n'est pas au contrat.")
    row.started_on = started_on
    row.save(update_fields=["started_on"])
    return row


def add_indicator(contract_mission, user, *, label, thresholds, weight=1, higher_is_better=True):
    """`thresholds`: [(level, value, rate)], e.g. socle / intermédiaire / objectif."""
    _deny_unless(can_manage_contract(contract_mission.contract, user))
    rows = [
        {"level": level, "value": str(Decimal(str(value))), "rate": str(Decimal(str(rate)))}
        for level, value, rate in thresholds
    ]
    if any(not Decimal(0) <= Decimal(r["rate"]) <= 1 for r in rows):
        raise FundingError("Un palier donne une part de l'enveloppe entre 0 et 1.")
    return Indicator.objects.create(
        mission=contract_mission,
        label=label,
        weight=Decimal(str(weight)),
        higher_is_better=higher_is_better,
        thresholds=rows,
    )


def enter_result(indicator, user, year: int, value) -> IndicatorResult:
    _deny_unless(can_manage_contract(indicator.mission.contract, user))
    if not 1 <= year <= calc.CONTRACT_YEARS:
        raise FundingError("L'année du contrat va de 1 à 5.")
    result, _ = IndicatorResult.objects.update_or_create(
        indicator=indicator, year=year, defaults={"value": value, "entered_by": user}
    )
    return result


def terminate_contract(contract, user, terminated_on: dt.date, reason: str) -> Contract:
    _deny_unless(can_manage_contract(contract, user))
    if not contract.is_signed or terminated_on < contract.signed_on:
        raise FundingError("Seul un contrat signé peut être résilié, après sa signature.")
    contract.terminated_on = terminated_on
    contract.termination_reason = reason
    contract.save(update_fields=["terminated_on", "termination_reason"])
    return contract


# --- ARS: crises, FIR ---------------------------------------------------------------------


def declare_crisis(user, *, declared_on, label, region=None, departements=()):
    """A serious crisis characterised by the ARS: a siège on its région (whole or some
    départements), a délégation départementale on its own département only."""
    if not (user and user.is_authenticated and user.is_ars):
        raise PermissionDenied("Seule l'ARS caractérise une crise sanitaire grave.")
    org = user.organisation
    if region is None and not departements:
        raise FundingError("Indiquez la région ou les départements concernés.")
    if org.kind == "ars":
        allowed = (region is None or region.pk == org.region_id) and all(
            d.region_id == org.region_id for d in departements
        )
    else:
        allowed = region is None and all(d.pk == org.departement_id for d in departements)
    _deny_unless(allowed)
    with transaction.atomic():
        crisis = CrisisDeclaration.objects.create(
            declared_on=declared_on, label=label, region=region, declared_by=user
        )
        crisis.departements.set(departements)
    return crisis


def record_fir_grant(project, user, *, amount, granted_on, note=""):
    _deny_unless(project_perms.is_ars_of(project, user))
    if Decimal(amount) <= 0:
        raise FundingError("Le montant doit être positif.")
    return FirGrant.objects.create(
        project=project, amount=amount, granted_on=granted_on, note=note, granted_by=user
    )


# --- Pre-ACI accompaniment ------------------------------------------------------------------


def grant_pre_aci_support(project, user, granted_on: dt.date) -> PreAciSupport:
    _deny_unless(project_perms.is_assurance_maladie_of(project, user))
    if project.state not in PRE_ACI_STATES:
        raise FundingError("Réservé aux associations dont la LI est validée, sans contrat ACI.")
    if not project.taille:
        raise FundingError("La taille de la CPTS n'est pas connue.")
    one_off = load_grid_set().in_force(granted_on).one_off(calc.PRE_ACI)
    if one_off is None:
        raise FundingError("La grille en vigueur ne prévoit pas d'accompagnement pré-ACI.")
    return PreAciSupport.objects.create(
        project=project,
        granted_on=granted_on,
        amount=one_off.amounts[project.taille],
        ps_due_on=deadlines.pre_aci_ps_deadline(granted_on),
        granted_by=user,
    )


def overdue_pre_aci(today: dt.date):
    """Supports whose projet de santé was not deposited in time: flagged to the CPAM (what
    follows is to confirm, domain.md §4)."""
    return PreAciSupport.objects.select_related("project").filter(
        ps_due_on__lt=today, project__ps_submitted_at__isnull=True
    )


# --- From stored contracts to calc ----------------------------------------------------------


def crisis_dates_by_departement(departement_ids=None) -> dict[int, list[dt.date]]:
    """Crisis declarations per département (région-wide ones included), in two queries."""
    by_region = defaultdict(list)
    dates = defaultdict(list)
    crises = CrisisDeclaration.objects.prefetch_related("departements")
    for crisis in crises:
        if crisis.region_id:
            by_region[crisis.region_id].append(crisis.declared_on)
        for dep in crisis.departements.all():
            dates[dep.pk].append(crisis.declared_on)
    if by_region:
        deps = Departement.objects.filter(region_id__in=by_region)
        if departement_ids is not None:
            deps = deps.filter(pk__in=departement_ids)
        for dep_id, region_id in deps.values_list("pk", "region_id"):
            dates[dep_id].extend(by_region[region_id])
    return dates


def contract_terms(queryset, grid_set: calc.GridSet | None = None, crises=None):
    """Contract pk → `calc.ContractTerms` for the signed contracts of `queryset`.

    Reads plain rows (no model instances) in five queries whatever the number of contracts,
    plus two for the grids and two for the crises when not given."""
    grid_set = grid_set or load_grid_set()
    crises = crisis_dates_by_departement() if crises is None else crises
    signed = queryset.filter(signed_on__isnull=False).order_by()
    rows = signed.values_list(
        "pk",
        "grid__code",
        "size",
        "members",
        "signed_on",
        "snp_dispositif",
        "terminated_on",
        "project__departement_id",
    )
    starts = defaultdict(dict)
    mission_of = {}
    for pk, contract_id, code, started_on in ContractMission.objects.filter(
        contract__in=signed.values("pk")
    ).values_list("pk", "contract_id", "mission", "started_on"):
        starts[contract_id][code] = started_on
        mission_of[pk] = (contract_id, code)
    indicators, parsed = {}, {}
    for pk, mission_id, weight, higher, thresholds in Indicator.objects.filter(
        mission__contract__in=signed.values("pk")
    ).values_list("pk", "mission_id", "weight", "higher_is_better", "thresholds"):
        key = tuple((str(t["value"]), str(t["rate"])) for t in thresholds)
        if key not in parsed:  # negotiated thresholds repeat a lot across contracts
            parsed[key] = [(Decimal(v), Decimal(r)) for v, r in key]
        indicators[pk] = (mission_of[mission_id], weight, higher, parsed[key])
    weighted = defaultdict(list)  # (contract, year, mission) → [(weight, rate)]
    for indicator_id, year, value in IndicatorResult.objects.filter(
        indicator__mission__contract__in=signed.values("pk")
    ).values_list("indicator_id", "year", "value"):
        (contract_id, code), weight, higher, pairs = indicators[indicator_id]
        weighted[contract_id, year, code].append(
            (weight, calc.indicator_rate(value, pairs, higher))
        )
    shares = defaultdict(lambda: defaultdict(dict))
    for (contract_id, year, code), pairs in weighted.items():
        shares[contract_id][year][code] = calc.variable_share(pairs)
    out = {}
    for pk, grid_code, size, members, signed_on, snp, ended, dep_id in rows:
        extra = grid_set.additional_fonctionnement(size, signed_on)
        out[pk] = calc.ContractTerms(
            grid=grid_set.by_code(grid_code),
            size=size,
            members=members,
            signed_on=signed_on,
            starts=starts[pk],
            snp_dispositif=snp,
            shares_by_year=shares[pk],
            crisis_dates=[d for d in crises.get(dep_id, ()) if d >= signed_on],
            one_offs=[(calc.ADDITIONNEL, extra[0], extra[1])] if extra else [],
            terminated_on=ended,
        )
    return out


def entitlements(queryset) -> dict[int, dict[int, list[calc.Line]]]:
    """Contract pk → year → entitlement lines, for many contracts with bounded queries."""
    out = {}
    for pk, terms in contract_terms(queryset).items():
        triggers = calc.crisis_triggers(terms.crisis_dates)
        out[pk] = {
            year: calc.year_entitlement(terms, year, triggers) for year in range(1, terms.years + 1)
        }
    return out
