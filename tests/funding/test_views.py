"""Funding pages: role AND territory on every object; public simulator and grids."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from funding import services
from funding.models import Contract, CrisisDeclaration, IndicatorResult
from projects.models import Project
from projects.states import State
from tests.factories import DepartementFactory, UserFactory
from tests.world import institution_user, signed_contract

from .contract_life import close_year

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2023, 2, 6)


@pytest.fixture
def signed(aci_project):
    project, leader, ars = aci_project
    contract, cpam = signed_contract(project, ars, members=30, signed_on=SIGNED)
    services.start_mission(contract, cpam, "acces_soins", dt.date(2023, 8, 1))
    return contract, cpam, ars, leader


def _others(project):
    other_dep = DepartementFactory()
    return {
        "cpam_other": institution_user(OrganisationKind.CPAM, other_dep),
        "urps": institution_user(OrganisationKind.URPS, project.departement),
        "other_leader": UserFactory(),
    }


def test_simulator_is_public(client):
    response = client.get(reverse("funding:simulator"))
    assert response.status_code == 200
    response = client.get(
        reverse("funding:simulator"),
        {
            "size": 4,
            "members": 50,
            "signature_date": "2022-10-03",
            "optional": ["qualite", "accompagnement"],
            "snp_dispositif": "on",
            "crisis": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"]["total"] == Decimal("580000.00")
    assert "à confirmer" in html and "Diagramme en barres" in html
    labels = [bar["label"] for bar in response.context["result"]["bars"]]
    assert "Accès aux soins" in labels and len(labels) == 7  # SNP lines grouped under accès


def test_simulator_rejects_a_date_without_grid(client):
    response = client.get(
        reverse("funding:simulator"), {"size": 1, "members": 1, "signature_date": "2018-01-01"}
    )
    assert response.context["result"] is None
    assert "depuis l&#x27;accord du 20 juin 2019" in response.content.decode()


def test_grids_page_shows_sources_and_flags(client):
    html = client.get(reverse("funding:grids")).content.decode()
    assert "avenant 2" in html and "Seed 001" in html and "à confirmer" in html


def test_contract_list_by_role(client, signed):
    contract, cpam, ars, leader = signed
    url = reverse("funding:contracts")
    assert client.get(url).status_code == 302  # login
    others = _others(contract.project)
    for user, visible in ((cpam, True), (ars, True), (leader, True), (others["cpam_other"], False)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert (contract in response.context["contracts"]) is visible
    client.force_login(others["urps"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "who,status",
    [
        ("cpam", 200),
        ("ars", 200),
        ("leader", 200),
        ("cpam_other", 404),
        ("urps", 403),
        ("other_leader", 404),
    ],
)
def test_contract_detail_role_and_territory(client, signed, who, status):
    contract, cpam, ars, leader = signed
    users = {"cpam": cpam, "ars": ars, "leader": leader, **_others(contract.project)}
    client.force_login(users[who])
    response = client.get(reverse("funding:contract", args=[contract.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.context["payments"][0].amount == 60_000
        assert response.context["can_manage"] is (who == "cpam")


def test_schedule_exports(client, signed):
    contract, cpam, *_ = signed
    client.force_login(cpam)
    url = reverse("funding:contract", args=[contract.pk])
    csv = client.get(url, {"_export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffDate;Année du contrat") and "2023-02-06" in lines[1]
    xlsx = client.get(url, {"_export": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    listing = client.get(reverse("funding:contracts"), {"_export": "csv"})
    assert contract.project.name in listing.content.decode()


@pytest.mark.parametrize(
    "who, status",
    [("cpam", 200), ("ars", 200), ("leader", 200), ("cpam_other", 404), ("urps", 403),
     ("other_leader", 404)],
)  # fmt: skip
def test_results_page_is_read_only_for_every_role(client, signed, who, status):
    contract, cpam, ars, leader = signed
    mission = contract.missions.get(mission="acces_soins")
    indicator = services.add_indicator(
        mission, cpam, label="Demandes SAS abouties", thresholds=[("objectif", 100, 1)]
    )
    users = {"cpam": cpam, "ars": ars, "leader": leader, **_others(contract.project)}
    client.force_login(users[who])
    url = reverse("funding:results", args=[contract.pk, 1])
    assert client.post(url, {f"ind-{indicator.pk}": "120"}).status_code == 405
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'id="results-table"' in html and "Demandes SAS abouties" in html
        assert 'name="ind-' not in html and "Enregistrer" not in html
        assert "Ils ne se saisissent pas ici." in html
        evaluation = reverse("funding:evaluation", args=[contract.pk, 1])
        assert f'href="{evaluation}"' in html
    assert not IndicatorResult.objects.exists()


def test_results_come_from_the_closed_evaluation(client, signed):
    contract, cpam, ars, leader = signed
    mission = contract.missions.get(mission="acces_soins")
    indicator = services.add_indicator(
        mission, cpam, label="Demandes SAS abouties", thresholds=[("objectif", 100, 1)]
    )
    close_year(contract, leader, cpam, 1, {indicator: "120.5"})
    assert IndicatorResult.objects.get().value == Decimal("120.5")
    client.force_login(cpam)
    response = client.get(reverse("funding:results", args=[contract.pk, 1]))
    assert response.context["status"].label == "Clôturée par la CPAM"
    assert response.context["rows"][0]["value"] == Decimal("120.5")
    later = client.get(reverse("funding:results", args=[contract.pk, 5])).content.decode()
    assert "pas encore ouverte" in later and "ouverture le 6 février 2028" in later
    assert reverse("funding:evaluation", args=[contract.pk, 5]) not in later
    detail = client.get(reverse("funding:contract", args=[contract.pk]))
    year_1 = detail.context["years"][0]
    variable = next(
        r for r in year_1["rows"] if r["mission"] == "acces_soins" and "variable" in r["part"]
    )
    assert variable["amount"] == variable["maximum"] == Decimal("25500.00")


def test_signature_and_creation_through_the_pages(client, aci_project):
    project, leader, ars = aci_project
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    client.force_login(leader)
    url = reverse("funding:contract_create", args=[project.pk])
    assert client.post(url, {"members": 10}).status_code == 403
    client.force_login(cpam)
    response = client.post(url, {"members": 12, "optional": ["qualite"], "snp_dispositif": "on"})
    contract = Contract.objects.get(project=project)
    assert response.status_code == 302 and contract.snp_dispositif
    sign = reverse("funding:contract_sign", args=[contract.pk])
    yes = {"confirmed": "1"}  # each confirmed (the confirmation page: test_confirmations.py)
    client.post(sign, {"party": "cpts", "signed_on": "2023-03-01", **yes})  # not the CPAM's to sign
    client.post(sign, {"party": "cpam", "signed_on": "2023-03-02", **yes})
    client.post(sign, {"party": "ars", "signed_on": "2023-03-03", **yes})  # nor this one
    assert Contract.objects.get(pk=contract.pk).cpts_signed_on is None
    client.force_login(leader)
    client.post(sign, {"party": "cpts", "signed_on": "2023-03-01", **yes})
    assert not Contract.objects.get(pk=contract.pk).is_signed
    client.force_login(ars)
    client.post(sign, {"party": "ars", "signed_on": "2023-03-03", **yes})
    assert Contract.objects.get(pk=contract.pk).signed_on == dt.date(2023, 3, 3)
    assert Project.objects.get(pk=project.pk).state == State.ACI_SIGNE


def test_crisis_declarations_page_for_ars_only(client, signed):
    contract, cpam, ars, leader = signed
    url = reverse("funding:crises")
    assert client.get(url).status_code == 302
    client.force_login(cpam)
    assert client.get(url).status_code == 403
    client.force_login(ars)
    data = {
        "declared_on": "2023-11-06",
        "label": "Épidémie",
        "departements": [ars.organisation.departement_id],
    }
    # A declaration is final: the first post shows what will be declared and writes nothing.
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and 'id="confirm-crisis"' in confirm.content.decode()
    assert not CrisisDeclaration.objects.exists()
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    assert CrisisDeclaration.objects.get().label == "Épidémie"
    detail = client.get(reverse("funding:contract", args=[contract.pk]))
    assert any(p.kind == "crise" for p in detail.context["payments"])
    other = DepartementFactory()
    client.post(url, {"declared_on": "2023-11-07", "label": "x", "departements": [other.pk]})
    assert CrisisDeclaration.objects.count() == 1  # not in the form's choices


def _sign(project, ars, cpam):
    signed_contract(project, ars, members=10, signed_on=SIGNED, cpam=cpam)


@pytest.mark.parametrize("url", ["funding:contracts", "funding:entitlements_export"])
def test_list_and_export_queries_do_not_grow_with_contracts(client, signed, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.world import make_aci_project

    contract, cpam, *_ = signed
    client.force_login(cpam)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(url))
    for _ in range(3):
        project, leader, ars = make_aci_project(contract.project.departement)
        _sign(project, ars, cpam)
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse(url))
    assert len(four) == len(one)
    if url == "funding:contracts":
        assert len(response.context["contracts"]) == 4


@pytest.mark.parametrize(
    "value, message",
    [
        ("31/02/2024", "Saisissez une date valide"),
        ("demain", "Saisissez une date valide"),
        ("9999-12-31", "Simulation possible jusqu"),
        ("0001-01-01", "depuis l&#x27;accord du 20 juin 2019"),
    ],
)
def test_simulator_answers_a_bad_date_in_french(client, value, message):
    response = client.get(
        reverse("funding:simulator"), {"size": 1, "members": 1, "signature_date": value}
    )
    assert response.status_code == 200 and response.context["result"] is None
    assert message in response.content.decode()
