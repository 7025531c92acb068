"""Through the pages: a refused or invalid form saves nothing, the contract page shows the funding
journal to those who may see the contract, and every export is a neutralised French CSV/XLSX."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from audit.services import record
from funding import services
from funding.models import Contract, FirGrant, IndicatorResult
from projects.models import Project
from tests.world import institution_user

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://exemple.invalid","clic")'


def _messages(response):
    """The messages waiting to be shown (they pile up over redirects)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_no_form_writes_results_outside_the_evaluation(client, signed):
    contract, cpam, *_ = signed
    mission = contract.missions.get(mission="acces_soins")
    first = services.add_indicator(mission, cpam, label="SAS", thresholds=[("objectif", 9, 1)])
    client.force_login(cpam)
    for year in (1, 5):
        url = reverse("funding:results", args=[contract.pk, year])
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url, {f"ind-{first.pk}": "12"}).status_code == 405
    assert not IndicatorResult.objects.exists()
    assert not AuditEntry.objects.filter(action="funding.result.enter").exists()


@pytest.mark.parametrize("members", ["-1", "10000000000", "douze", ""])
def test_invalid_contract_form_creates_nothing(client, aci_project, members):
    project, leader, ars = aci_project
    client.force_login(ars)
    response = client.post(
        reverse("funding:contract_create", args=[project.pk]), {"members": members}
    )
    assert response.status_code == 200 and not Contract.objects.exists()
    assert not AuditEntry.objects.filter(action="funding.contract.create").exists()


def test_refused_actions_come_back_as_messages_and_save_nothing(client, signed):
    contract, cpam, ars, leader = signed
    client.force_login(cpam)
    url = reverse("funding:mission_start", args=[contract.pk])
    data = {"mission": "parcours", "started_on": "2020-01-01", "confirmed": "1"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert _messages(response) == ["Une mission démarre après la signature du contrat."]
    response = client.post(url, {"mission": "parcours", "started_on": "pas une date"})
    assert _messages(response)[-1].startswith("Formulaire incomplet")
    assert contract.missions.get(mission="parcours").started_on is None
    sign = reverse("funding:contract_sign", args=[contract.pk])
    response = client.post(sign, {"party": "cpam", "signed_on": "2024-01-01", "confirmed": "1"})
    assert _messages(response)[-1] == "Le contrat est déjà signé par les trois parties."
    assert not AuditEntry.objects.filter(action="funding.mission.start").exists()


def test_fir_amount_beyond_the_column_is_refused_not_a_server_error(client, aci_project):
    project, leader, ars = aci_project
    client.force_login(ars)
    url = reverse("funding:fir_grant", args=[project.pk])
    for amount in ("1e15", "12345678901.5", "NaN"):
        response = client.post(url, {"granted_on": "2024-01-10", "amount": amount})
        assert response.status_code == 302, amount
    assert not FirGrant.objects.exists()


def test_the_contract_page_shows_the_funding_journal(client, signed):
    contract, cpam, ars, leader = signed
    services.start_mission(contract, cpam, "parcours", dt.date(2023, 9, 1))
    # The project's own entries are on the project's page, not the contract's.
    record(ars, "projects.test", "Entrée du projet", contract.project, project=contract.project)
    url = reverse("funding:contract", args=[contract.pk])
    for user in (cpam, ars, leader):
        client.force_login(user)
        response = client.get(url)
        entries = list(response.context["journal"])
        assert [e.action for e in entries][:2] == ["funding.mission.start", "funding.contract.sign"]
        assert all(e.target_type.startswith("funding.") for e in entries)
        html = response.content.decode()
        assert "Journal des modifications" in html and "2023-09-01" in html
        assert "Entrée du projet" not in html
    assert len(entries) == 5  # creation, three signatures, the mission start


def _rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and response["Content-Type"].startswith("text/csv")
    return [line.split(";") for line in text[1:].splitlines()]


def test_exports_are_neutralised_french_csv(client, signed):
    contract, cpam, *_ = signed
    Project.objects.filter(pk=contract.project_id).update(name=FORMULA)
    client.force_login(cpam)
    listing = _rows(client.get(reverse("funding:contracts"), {"_export": "csv"}))
    assert listing[0][:2] == ["Projet", "Département"] and listing[1][0].startswith("\"'=HYPER")
    rights = _rows(client.get(reverse("funding:entitlements_export")))
    assert all(row[0].startswith("\"'=HYPER") for row in rights[1:]) and len(rights) > 5
    schedule = _rows(
        client.get(reverse("funding:contract", args=[contract.pk]), {"_export": "csv"})
    )
    assert schedule[0] == ["Date", "Année du contrat", "Nature", "Libellé", "Montant (€)"]
    assert Decimal(schedule[1][-1]) == 60_000


def test_xlsx_exports_are_neutralised_too(client, signed):
    contract, cpam, *_ = signed
    Project.objects.filter(pk=contract.project_id).update(name=FORMULA)
    client.force_login(cpam)
    for url in (reverse("funding:contracts"), reverse("funding:entitlements_export")):
        content = client.get(url, {"_export": "xlsx"}).content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet["A2"].value == "'" + FORMULA


def test_an_unknown_export_format_is_no_server_error(client, signed):
    contract, cpam, *_ = signed
    client.force_login(cpam)
    response = client.get(reverse("funding:entitlements_export"), {"_export": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    page = client.get(reverse("funding:contracts"), {"_export": "pdf"})
    assert page.status_code == 200 and "Contrats ACI" in page.content.decode()


def test_the_journal_is_not_shown_outside_the_contract(client, signed):
    contract, cpam, *_ = signed
    other = institution_user(OrganisationKind.CPAM)
    client.force_login(other)
    assert client.get(reverse("funding:contract", args=[contract.pk])).status_code == 404
