"""Entitlement exports, mission deadlines, pre-ACI support and FIR grants through the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from funding.models import FirGrant, PreAciSupport
from projects.models import Project
from projects.states import State
from tests.factories import DepartementFactory
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db


def test_entitlements_export_per_contract_and_year(client, signed):
    contract, cpam, *_ = signed
    client.force_login(cpam)
    response = client.get(reverse("funding:entitlements_export"))
    rows = response.content.decode("utf-8").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0].startswith("\ufeffProjet;Département;Année du contrat;Ligne")
    assert any(";5;Fonctionnement de la communauté;part fixe;60000.00" in r for r in rows)
    assert any(r.endswith(";oui") for r in rows)  # cells to confirm say so
    xlsx = client.get(reverse("funding:entitlements_export"), {"_export": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    client.force_login(institution_user(OrganisationKind.CPAM, DepartementFactory()))
    other = client.get(reverse("funding:entitlements_export")).content.decode()
    assert contract.project.name not in other


def test_mission_start_deadlines_on_the_contract(client, signed):
    contract, cpam, *_ = signed
    client.force_login(cpam)
    missions = client.get(reverse("funding:contract", args=[contract.pk])).context["missions"]
    deadlines = {m["row"].mission: m["start_by"] for m in missions}
    assert deadlines["acces_soins"] == dt.date(2023, 8, 6)
    assert deadlines["crise_sanitaire"] == dt.date(2023, 8, 6)
    assert deadlines["parcours"] == deadlines["prevention"] == dt.date(2024, 2, 6)


def test_mission_start_through_the_page(client, signed):
    contract, cpam, ars, leader = signed
    url = reverse("funding:mission_start", args=[contract.pk])
    data = {"mission": "parcours", "started_on": "2023-09-01"}
    client.force_login(ars)
    assert client.post(url, data).status_code == 403
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 403
    client.force_login(cpam)
    client.post(url, {**data, "confirmed": "1"})
    assert contract.missions.get(mission="parcours").started_on == dt.date(2023, 9, 1)


def test_pre_aci_support_granted_by_cpam_and_overdue_flagged(client):
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    Project.objects.filter(pk=project.pk).update(taille=1)
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    url = reverse("funding:pre_aci_grant", args=[project.pk])
    client.force_login(ars)
    assert client.post(url, {"granted_on": "2024-01-10"}).status_code == 403
    client.force_login(institution_user(OrganisationKind.CPAM, DepartementFactory()))
    assert client.post(url, {"granted_on": "2024-01-10"}).status_code == 404
    client.force_login(cpam)
    # A grant is final: the first post shows the amount and writes nothing.
    asked = client.post(url, {"granted_on": "2024-01-10"})
    assert asked.status_code == 200 and "15\xa0000,00 €" in asked.content.decode()
    assert not PreAciSupport.objects.exists()
    assert client.post(url, {"granted_on": "2024-01-10", "confirmed": "1"}).status_code == 302
    support = PreAciSupport.objects.get()
    assert support.amount == Decimal("15000.00") and support.ps_due_on == dt.date(2024, 10, 10)
    page = client.get(reverse("funding:contracts"))
    assert support.pk in page.context["overdue"]  # today is past 10/10/2024, no PS deposited
    assert "délai dépassé" in page.content.decode()


def test_fir_grant_by_ars_of_the_territory(client):
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    url = reverse("funding:fir_grant", args=[project.pk])
    data = {"granted_on": "2024-01-10", "amount": "35000", "note": "Amorçage"}
    client.force_login(institution_user(OrganisationKind.CPAM, project.departement))
    assert client.post(url, data).status_code == 403
    client.force_login(ars)
    asked = client.post(url, data)
    assert asked.status_code == 200 and 'id="confirm-grant"' in asked.content.decode()
    assert not FirGrant.objects.exists()
    client.post(url, {**data, "confirmed": "1"})
    assert FirGrant.objects.get().amount == 35_000
    assert "Amorçage" in client.get(reverse("funding:contracts")).content.decode()
