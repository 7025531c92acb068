"""Every funding write leaves one journal entry (who, organisation, old → new) in its transaction;
a refused write leaves none and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding import crises, evaluations, grants, services
from funding.base import FundingError
from funding.models import Contract, FirGrant, GridCell, IndicatorResult, PreAciSupport
from projects.models import Project
from projects.states import State
from tests.world import institution_user, project_in_state

from .conftest import SIGNED_ON
from .contract_life import close_year

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2023, 1, 16)


def funding_entries(**where):
    return list(AuditEntry.objects.filter(target_type__startswith="funding.", **where))


def last(action):
    return AuditEntry.objects.filter(action=action).latest("pk")


def test_contract_creation_is_journalled_with_the_actor_and_organisation(aci_project):
    project, leader, ars = aci_project
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    contract = services.create_contract(project, cpam, members=40, optional=("qualite",))
    entry = last("funding.contract.create")
    assert (entry.actor, entry.organisation) == (cpam, cpam.organisation)
    assert entry.project_id == project.pk and entry.target_type == "funding.contract"
    assert entry.target_id == contract.pk and entry.label == "Contrat ACI créé"
    assert entry.changes["members"] == [None, "40"]
    assert entry.changes["grid"] == [None, "ACI CPTS modifié par l'avenant 2 (JO du 31 mars 2022)"]
    assert "qualite" in entry.changes["missions"][1]


def test_refused_creations_write_nothing(aci_project):
    project, leader, ars = aci_project
    with pytest.raises(PermissionDenied):
        services.create_contract(project, leader, members=10)
    with pytest.raises(FundingError):
        services.create_contract(project, ars, members=10, optional=("inconnue",))
    with pytest.raises(FundingError):
        services.create_contract(project, ars, members=10**9)
    assert not Contract.objects.exists() and funding_entries() == []
    services.create_contract(project, ars, members=10)
    with pytest.raises(FundingError, match="déjà un contrat"):  # no integrity error (500)
        services.create_contract(project, ars, members=10)
    assert Contract.objects.count() == 1 and len(funding_entries()) == 1


def test_each_signature_is_journalled_old_to_new(aci_project):
    project, leader, ars = aci_project
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    contract = services.create_contract(project, cpam, members=10)
    services.record_signature(contract, cpam, "cpam", dt.date(2023, 1, 10))
    services.record_signature(contract, cpam, "cpam", dt.date(2023, 1, 12))  # corrected
    assert last("funding.contract.sign").changes == {"cpam_signed_on": ["2023-01-10", "2023-01-12"]}
    services.record_signature(contract, leader, "cpts", dt.date(2023, 1, 9))
    services.record_signature(contract, ars, "ars", SIGNED)
    entry = last("funding.contract.sign")
    assert entry.label == "Signature de l'ARS enregistrée : contrat signé par les trois parties"
    assert entry.changes["ars_signed_on"] == [None, "2023-01-16"]
    assert entry.changes["signed_on"] == [None, "2023-01-16"]
    assert entry.actor == ars and entry.organisation == ars.organisation
    assert AuditEntry.objects.filter(action="funding.contract.sign").count() == 4


def test_refused_signatures_write_nothing(signed):
    contract, cpam, ars, leader = signed
    before = AuditEntry.objects.count()
    with pytest.raises(FundingError):  # already signed by the three
        services.record_signature(contract, cpam, "cpam", dt.date(2024, 1, 1))
    with pytest.raises(FundingError):
        services.record_signature(contract, cpam, "notaire", dt.date(2024, 1, 1))
    with pytest.raises(PermissionDenied):  # each party signs for itself only
        services.record_signature(contract, ars, "cpts", dt.date(2024, 1, 1))
    assert AuditEntry.objects.count() == before
    assert Contract.objects.get(pk=contract.pk).cpam_signed_on == SIGNED_ON


def test_mission_start_and_its_correction(signed):
    contract, cpam, ars, leader = signed
    services.start_mission(contract, cpam, "parcours", dt.date(2023, 3, 1))
    services.start_mission(contract, cpam, "parcours", dt.date(2023, 4, 1))
    entry = last("funding.mission.start")
    assert entry.changes == {"started_on": ["2023-03-01", "2023-04-01"]}
    assert entry.label == "Démarrage de la mission « Parcours pluriprofessionnels »"
    assert entry.project_id == contract.project_id
    with pytest.raises(FundingError):  # before the signature
        services.start_mission(contract, cpam, "parcours", dt.date(2022, 1, 1))
    with pytest.raises(PermissionDenied):
        services.start_mission(contract, ars, "parcours", dt.date(2023, 5, 1))
    assert AuditEntry.objects.filter(action="funding.mission.start").count() == 2


def test_indicator_definition_is_journalled(signed):
    contract, cpam, ars, leader = signed
    mission = contract.missions.get(mission="parcours")
    indicator = services.add_indicator(
        mission, cpam, label="Patients inclus", weight="0.5",
        thresholds=[("socle", 50, "0.25"), ("objectif", 90, 1)],
    )  # fmt: skip
    entry = last("funding.indicator.add")
    assert entry.target_id == indicator.pk and entry.project_id == contract.project_id
    assert entry.changes["label"] == [None, "Patients inclus"]
    assert entry.changes["weight"] == [None, "0.5"]
    assert entry.changes["thresholds"] == [None, "socle 50 → 0.25 ; objectif 90 → 1"]
    with pytest.raises(FundingError):
        services.add_indicator(mission, cpam, label="x", thresholds=[("objectif", 1, 2)])
    with pytest.raises(FundingError):
        services.add_indicator(mission, cpam, label=" ", thresholds=[("objectif", 1, 1)])
    assert mission.indicators.count() == 1
    assert AuditEntry.objects.filter(action="funding.indicator.add").count() == 1


def test_results_are_journalled_when_the_evaluation_closes(signed):
    contract, cpam, ars, leader = signed
    services.start_mission(contract, cpam, "parcours", SIGNED_ON)
    mission = contract.missions.get(mission="parcours")
    first = services.add_indicator(mission, cpam, label="A", thresholds=[("objectif", 90, 1)])
    second = services.add_indicator(mission, cpam, label="B", thresholds=[("objectif", 3, 1)])
    close_year(contract, leader, cpam, 1, {first: Decimal("80.5"), second: Decimal(2)})
    entries = AuditEntry.objects.filter(action="funding.result.enter").order_by("pk")
    assert [e.changes for e in entries] == [
        {"value": [None, "80.5000"]},
        {"value": [None, "2.0000"]},
    ]
    assert entries[0].label == "Résultat de l'année 1 : « A »"
    assert entries[0].target_type == "funding.indicatorresult"
    assert (entries[0].actor, entries[0].project_id) == (cpam, contract.project_id)


def test_a_refused_closing_writes_no_result(signed):
    contract, cpam, ars, leader = signed
    mission = contract.missions.get(mission="parcours")
    first = services.add_indicator(mission, cpam, label="A", thresholds=[("objectif", 90, 1)])
    for user in (ars, leader):
        with pytest.raises(PermissionDenied):
            evaluations.close_evaluation(contract, user, 1)
    with pytest.raises(FundingError):  # nothing submitted yet
        evaluations.close_evaluation(contract, cpam, 1)
    evaluations.save_evaluation(contract, leader, 1, values={first: Decimal(75)})
    with pytest.raises(FundingError):  # still with the CPTS
        evaluations.close_evaluation(contract, cpam, 1)
    assert not IndicatorResult.objects.exists()
    assert not AuditEntry.objects.filter(action="funding.result.enter").exists()


def test_termination_is_journalled(signed):
    contract, cpam, ars, leader = signed
    with pytest.raises(FundingError):
        services.terminate_contract(contract, cpam, dt.date(2024, 7, 1), "   ")
    services.terminate_contract(contract, cpam, dt.date(2024, 7, 1), "Dissolution")
    entry = last("funding.contract.terminate")
    assert entry.changes == {
        "terminated_on": [None, "2024-07-01"],
        "termination_reason": ["", "Dissolution"],
        # 75 % of year 2's fonctionnement (45 000 €) for the 220 of its 366 days after the end
        "recovery": [None, "27049.18"],
    }
    assert AuditEntry.objects.filter(action="funding.contract.terminate").count() == 1


def test_crisis_declaration_is_journalled_without_a_project(signed):
    contract, cpam, ars, leader = signed
    dep = contract.project.departement
    with pytest.raises(PermissionDenied):
        crises.declare_crisis(cpam, declared_on=SIGNED, label="x", departements=[dep])
    with pytest.raises(FundingError):
        crises.declare_crisis(ars, declared_on=SIGNED, label="x" * 201, departements=[dep])
    assert not AuditEntry.objects.filter(action="funding.crisis.declare").exists()
    crisis = crises.declare_crisis(ars, declared_on=SIGNED, label="Canicule", departements=[dep])
    entry = last("funding.crisis.declare")
    assert entry.target_id == crisis.pk and entry.project_id is None
    assert entry.organisation == ars.organisation
    assert entry.changes == {
        "declared_on": [None, "2023-01-16"],
        "label": [None, "Canicule"],
        "departements": [None, dep.code],
    }


def test_pre_aci_grant_is_journalled_once():
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    Project.objects.filter(pk=project.pk).update(taille=3)
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    support = grants.grant_pre_aci_support(project, cpam, dt.date(2024, 5, 31))
    entry = last("funding.pre_aci.grant")
    assert entry.target_id == support.pk and entry.project_id == project.pk
    assert entry.changes == {
        "granted_on": [None, "2024-05-31"],
        "amount": [None, "25000.00"],
        "ps_due_on": [None, "2025-02-28"],
    }
    with pytest.raises(FundingError, match="déjà accordé"):  # no integrity error (500)
        grants.grant_pre_aci_support(project, cpam, dt.date(2024, 6, 1))
    assert PreAciSupport.objects.count() == 1
    assert AuditEntry.objects.filter(action="funding.pre_aci.grant").count() == 1


def test_fir_grant_is_journalled_and_bounded(aci_project):
    project, leader, ars = aci_project
    for amount in ("0", "0.001", "-5", "1e12", "9999999999.999", "NaN"):
        with pytest.raises(FundingError):
            grants.record_fir_grant(project, ars, amount=Decimal(amount), granted_on=SIGNED)
    with pytest.raises(PermissionDenied):
        grants.record_fir_grant(project, leader, amount=Decimal(1), granted_on=SIGNED)
    assert not FirGrant.objects.exists() and funding_entries() == []
    grants.record_fir_grant(project, ars, amount="35000", granted_on=SIGNED, note="Amorçage")
    assert last("funding.fir.grant").changes == {
        "granted_on": [None, "2023-01-16"],
        "amount": [None, "35000.00"],
        "note": [None, "Amorçage"],
    }


def test_grid_loading_is_journalled_as_the_system_when_it_changes_something():
    cell = GridCell.objects.get(grid__code="aci_2019", mission="qualite", part="fixed", size=1)
    GridCell.objects.filter(pk=cell.pk).update(amount=1)
    call_command("load_funding_grids")  # keeps the edit: nothing changes, nothing journalled
    assert not AuditEntry.objects.filter(action="funding.grid.load").exists()
    call_command("load_funding_grids", "--overwrite")
    entry = last("funding.grid.load")
    assert entry.actor is None and entry.organisation is None
    assert entry.changes == {"qualite fixed T1 amount": ["1.00", "7500.00"]}
    assert entry.label == "Grille « ACI CPTS du 20 juin 2019 » chargée depuis aci_2019.json"
