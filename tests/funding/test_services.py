"""Contracts, signatures, results, crises and pre-ACI support through the services (database)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import OrganisationKind
from funding import calc, crises, evaluations, grants, services, terms
from funding.grid_store import load_grid_set
from funding.models import Contract, GridCell, IndicatorResult
from projects.models import Project
from projects.states import State
from tests.factories import DepartementFactory
from tests.world import institution_user, project_in_state, signed_contract

from .contract_life import close_year

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2023, 1, 16)


def _signed_contract(aci_project, members=40, optional=("qualite",)):
    project, leader, ars = aci_project
    contract, cpam = signed_contract(
        project, ars, members=members, optional=optional, signed_on=SIGNED
    )
    return contract, cpam, ars, leader


def test_grids_are_loaded_by_the_migration_and_admin_edits_count():
    assert GridCell.objects.filter(grid__code="aci_2019").count() == 13 * 4
    assert GridCell.objects.filter(grid__code="avenant_2").count() == 15 * 4 + 2 * 4
    cell = GridCell.objects.get(grid__code="avenant_2", mission="parcours", part="fixed", size=2)
    cell.amount = Decimal("36000")
    cell.to_confirm = True
    cell.save()
    grid = load_grid_set().by_code("avenant_2")
    assert grid.amount("parcours", "fixed", 2) == 36_000
    assert grid.cell("parcours", "fixed").to_confirm


def test_load_command_keeps_admin_edits_unless_overwrite():
    from django.core.management import call_command

    cell = GridCell.objects.get(grid__code="aci_2019", mission="qualite", part="fixed", size=1)
    GridCell.objects.filter(pk=cell.pk).update(amount=1)
    call_command("load_funding_grids")
    cell.refresh_from_db()
    assert cell.amount == 1
    call_command("load_funding_grids", "--overwrite")
    cell.refresh_from_db()
    assert cell.amount == 7_500


def test_three_signatures_sign_the_contract_and_the_project(aci_project):
    contract, *_ = _signed_contract(aci_project)
    project = Project.objects.get(pk=contract.project_id)
    assert contract.signed_on == SIGNED and contract.grid.code == "avenant_2"
    assert project.state == State.ACI_SIGNE and project.aci_signed_on == SIGNED
    assert sorted(contract.missions.values_list("mission", flat=True)) == [
        "acces_soins",
        "crise_sanitaire",
        "parcours",
        "prevention",
        "qualite",
    ]


def test_two_signatures_do_not_sign(aci_project):
    project, leader, ars = aci_project
    contract = services.create_contract(project, ars, members=10)
    services.record_signature(contract, leader, "cpts", SIGNED)
    contract = services.record_signature(contract, ars, "ars", SIGNED)
    assert not contract.is_signed
    assert Project.objects.get(pk=project.pk).state == State.ACI_PREPARATION


def test_grid_follows_signature_date(aci_project):
    project, leader, ars = aci_project
    contract, _ = signed_contract(project, ars, members=10, signed_on=dt.date(2021, 11, 2))
    assert contract.grid.code == "aci_2019"


@pytest.mark.parametrize(
    "party,kind,other_dep",
    [
        ("cpam", OrganisationKind.ARS_DD, False),  # wrong role
        ("ars", OrganisationKind.CPAM, False),
        ("cpam", OrganisationKind.CPAM, True),  # wrong territory
        ("cpts", OrganisationKind.URPS, False),
        ("cpts", OrganisationKind.ARS_DD, False),  # the CPTS signs for itself
        ("cpts", OrganisationKind.CPAM, False),
    ],
)
def test_signatures_need_role_and_territory(aci_project, party, kind, other_dep):
    project, leader, ars = aci_project
    contract = services.create_contract(project, ars, members=10)
    dep = DepartementFactory() if other_dep else project.departement
    with pytest.raises(PermissionDenied):
        services.record_signature(contract, institution_user(kind, dep), party, SIGNED)
    if party != "cpts":
        with pytest.raises(PermissionDenied):
            services.record_signature(contract, leader, party, SIGNED)


def test_contract_needs_aci_preparation():
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    with pytest.raises(services.FundingError):
        services.create_contract(project, ars, members=10)


def test_indicator_results_drive_variable_part(aci_project):
    contract, cpam, ars, leader = _signed_contract(aci_project)
    services.start_mission(contract, cpam, "parcours", SIGNED)
    parcours = contract.missions.get(mission="parcours")
    first = services.add_indicator(
        parcours,
        cpam,
        label="Patients inclus",
        weight="0.5",
        thresholds=[("socle", 50, "0.25"), ("intermédiaire", 70, "0.6"), ("objectif", 90, 1)],
    )
    second = services.add_indicator(
        parcours, cpam, label="Protocoles", weight="0.5", thresholds=[("objectif", 3, 1)]
    )
    assert not hasattr(services, "enter_result") and not hasattr(services, "enter_results")
    with pytest.raises(PermissionDenied):  # the ARS does not close an evaluation
        close_year(contract, leader, ars, 1, {first: Decimal(90), second: Decimal(3)})
    assert not IndicatorResult.objects.exists()
    evaluations.request_corrections(contract, cpam, 1, "Valeurs à revoir.")
    close_year(contract, leader, cpam, 1, {first: Decimal(75), second: Decimal(3)})
    lines = terms.entitlements(Contract.objects.all())
    year_1 = {(x.mission, x.part): x.amount for x in lines[contract.pk][1]}
    assert year_1["parcours", "variable"] == Decimal("28000.00")  # (0.5x0.6 + 0.5x1) x 35 000
    assert year_1["parcours", "fixed"] == 35_000
    assert year_1["prevention", "fixed"] == 0  # not started


def test_crisis_declarations_by_territory(aci_project):
    contract, cpam, ars, leader = _signed_contract(aci_project)
    dep = contract.project.departement
    with pytest.raises(PermissionDenied):
        crises.declare_crisis(cpam, declared_on=SIGNED, label="x", departements=[dep])
    with pytest.raises(PermissionDenied):  # a DD acts on its département only
        crises.declare_crisis(ars, declared_on=SIGNED, label="x", region=dep.region)
    other_region_ars = institution_user(OrganisationKind.ARS, DepartementFactory())
    with pytest.raises(PermissionDenied):
        crises.declare_crisis(other_region_ars, declared_on=SIGNED, label="x", departements=[dep])
    siege = institution_user(OrganisationKind.ARS, region=dep.region)
    crises.declare_crisis(
        siege, declared_on=dt.date(2023, 3, 1), label="Canicule", region=dep.region
    )
    crises.declare_crisis(ars, declared_on=dt.date(2023, 5, 1), label="Bis", departements=[dep])
    crises.declare_crisis(
        ars, declared_on=dt.date(2024, 4, 2), label="Épidémie", departements=[dep]
    )
    lines = terms.entitlements(Contract.objects.all())
    crisis = [
        next(
            x.amount
            for x in lines[contract.pk][y]
            if x.mission == calc.CRISIS and x.part == "variable"
        )
        for y in (1, 2, 3)
    ]
    assert crisis == [70_000, 70_000, 0]


def test_termination(aci_project):
    contract, cpam, ars, leader = _signed_contract(aci_project)
    with pytest.raises(PermissionDenied):
        services.terminate_contract(contract, ars, dt.date(2024, 7, 1), "Dissolution")
    services.terminate_contract(contract, cpam, dt.date(2024, 7, 1), "Dissolution")
    signed = terms.contract_terms(Contract.objects.filter(pk=contract.pk))[contract.pk]
    payments = calc.schedule(signed)
    assert payments[-1].kind == "recuperation" and payments[-1].amount < 0


def test_pre_aci_support_and_its_9_month_deadline():
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    Project.objects.filter(pk=project.pk).update(taille=3)
    project.refresh_from_db()
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    with pytest.raises(PermissionDenied):
        grants.grant_pre_aci_support(project, ars, dt.date(2024, 5, 31))
    support = grants.grant_pre_aci_support(project, cpam, dt.date(2024, 5, 31))
    assert support.amount == 25_000 and support.ps_due_on == dt.date(2025, 2, 28)
    assert list(grants.overdue_pre_aci(dt.date(2025, 2, 28))) == []
    assert list(grants.overdue_pre_aci(dt.date(2025, 3, 1))) == [support]


def test_pre_aci_refused_before_association():
    project, leader, ars = project_in_state(State.LI_DEPOSEE)
    Project.objects.filter(pk=project.pk).update(taille=1)
    project.refresh_from_db()
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    with pytest.raises(services.FundingError):
        grants.grant_pre_aci_support(project, cpam, dt.date(2024, 5, 31))


def test_fir_grant_by_ars_only(aci_project):
    project, leader, ars = aci_project
    grant = grants.record_fir_grant(project, ars, amount=Decimal("35000"), granted_on=SIGNED)
    assert grant.amount == 35_000
    with pytest.raises(PermissionDenied):
        grants.record_fir_grant(project, leader, amount=Decimal("1"), granted_on=SIGNED)


def test_stored_grid_keeps_the_data_files_line_order():
    grid = load_grid_set().by_code("avenant_2")
    assert grid.top_missions == (
        "acces_soins",
        "parcours",
        "prevention",
        "crise_sanitaire",
        "qualite",
        "accompagnement",
    )
    assert grid.mission_order[:3] == ("fonctionnement", "acces_soins", "snp_compensation")


def test_a_signed_contract_cannot_be_signed_again(aci_project):
    contract, cpam, ars, leader = _signed_contract(aci_project)
    with pytest.raises(services.FundingError):
        services.record_signature(contract, cpam, "cpam", dt.date(2024, 1, 1))
