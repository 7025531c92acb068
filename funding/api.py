"""API router for ACI contracts and their yearly entitlements (ARS and Assurance Maladie keys)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api_auth import acting_organisation
from accounts.models import ARS_KINDS, ASSURANCE_MALADIE_KINDS
from common.api import Pages
from projects.api import organisation_projects

from . import calc
from .grid_store import load_grid_set
from .models import Contract, ContractMission
from .presentation import line_label, mission_label
from .terms import contract_terms

router = Router(tags=["contrats ACI"])

FUNDING_KINDS = ARS_KINDS | ASSURANCE_MALADIE_KINDS


def organisation_contracts(org):
    """Contracts of the organisation's territory; only the ARS and the Assurance Maladie see
    contracts at all (as on the web, where others get 403)."""
    if org.kind not in FUNDING_KINDS:
        raise HttpError(403, "Les contrats ACI sont réservés à l'ARS et à l'Assurance Maladie.")
    return (
        Contract.objects.filter(project__in=organisation_projects(org).values("pk"))
        .select_related("project__departement", "grid")
        .prefetch_related(Prefetch("missions", queryset=ContractMission.objects.order_by("pk")))
    )


class ProjectRef(Schema):
    id: int
    name: str
    departement: str

    @staticmethod
    def resolve_departement(obj):
        return obj.departement.code


class MissionOut(Schema):
    mission: str
    started_on: dt.date | None


class ContractOut(Schema):
    id: int
    project: ProjectRef
    grid: str | None = Field(..., description="code de la grille (fixé à la signature)")
    size: int
    members: int
    snp_dispositif: bool
    cpts_signed_on: dt.date | None
    cpam_signed_on: dt.date | None
    ars_signed_on: dt.date | None
    signed_on: dt.date | None
    terminated_on: dt.date | None
    missions: list[MissionOut]

    @staticmethod
    def resolve_grid(obj):
        return obj.grid.code if obj.grid_id else None

    @staticmethod
    def resolve_missions(obj):
        return obj.missions.all()


class ContractFilters(Schema):
    signed: bool | None = Field(None, description="signés par les trois parties (ou non)")
    terminated: bool | None = None
    departement: str | None = Field(None, pattern=r"^[0-9][0-9AB][0-9]?$", description="code")


@router.get("", response=list[ContractOut], summary="Contrats ACI du territoire")
@paginate(Pages)
def contract_list(request, filters: Query[ContractFilters]):
    queryset = organisation_contracts(acting_organisation(request))
    if filters.signed is not None:
        queryset = queryset.filter(signed_on__isnull=not filters.signed)
    if filters.terminated is not None:
        queryset = queryset.filter(terminated_on__isnull=not filters.terminated)
    if filters.departement:
        queryset = queryset.filter(project__departement__code=filters.departement)
    return queryset.order_by("project__name", "pk")


@router.get("/{contract_id}", response=ContractOut, summary="Un contrat ACI")
def contract_detail(request, contract_id: int):
    return get_object_or_404(organisation_contracts(acting_organisation(request)), pk=contract_id)


class LineOut(Schema):
    mission: str
    mission_label: str
    part: str
    label: str
    amount: Decimal = Field(..., description="droit de l'année (€)")
    maximum: Decimal = Field(..., description="plafond de la grille (€)")
    to_confirm: bool


class YearOut(Schema):
    year: int
    starts_on: dt.date
    ends_before: dt.date
    grid: str = Field(..., description="grille en vigueur au premier jour de l'année (à confirmer)")
    size: int = Field(..., description="taille en vigueur au premier jour (avenants compris)")
    members: int = Field(..., description="membres retenus pour la majoration taille 4")
    members_declared: bool = Field(..., description="nombre déclaré (pas de liste des membres)")
    total: Decimal
    lines: list[LineOut]


class EntitlementsOut(Schema):
    contract_id: int
    grid: str | None
    years: list[YearOut] = Field(..., description="vide tant que le contrat n'est pas signé")


@router.get(
    "/{contract_id}/entitlements",
    response=EntitlementsOut,
    summary="Droits à financement par année du contrat",
)
def contract_entitlements(request, contract_id: int):
    contract = get_object_or_404(
        organisation_contracts(acting_organisation(request)), pk=contract_id
    )
    terms = contract_terms(Contract.objects.filter(pk=contract.pk), grid_set=load_grid_set())
    years = []
    if contract.pk in terms:
        t = terms[contract.pk]
        triggers = calc.crisis_triggers(t.crisis_dates)
        for year in range(1, t.years + 1):
            lines = calc.year_entitlement(t, year, triggers)
            starts_on, ends_before = calc.contract_year_bounds(t.signed_on, year)
            year_terms = t.for_year(year)
            years.append(
                {
                    "year": year,
                    "starts_on": starts_on,
                    "ends_before": ends_before,
                    "grid": year_terms.grid.code,
                    "size": year_terms.size,
                    "members": year_terms.members,
                    "members_declared": year_terms.members_declared,
                    "total": calc.total(lines),
                    "lines": [
                        {
                            **line._asdict(),
                            "mission_label": mission_label(year_terms.grid, line.mission),
                            "label": line_label(year_terms.grid, line.mission, line.part),
                        }
                        for line in lines
                    ],
                }
            )
    grid = contract.grid.code if contract.grid_id else None
    return {"contract_id": contract.pk, "grid": grid, "years": years}
