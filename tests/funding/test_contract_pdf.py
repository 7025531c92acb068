"""The ACI contract PDF with its annexes, for the parties of the territory only."""

import subprocess

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from funding import services
from tests.factories import DepartementFactory
from tests.world import institution_user, signed_contract

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_contract_pdf_has_parties_missions_indicators_and_amounts(client, aci_project):
    project, leader, ars = aci_project
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    contract = services.create_contract(project, cpam, members=45, optional=["qualite"])
    access = contract.missions.get(mission="acces_soins")
    services.add_indicator(
        access, cpam, label="Patients sans médecin traitant orientés",
        thresholds=[("socle", 10, "0.5"), ("objectif", 30, "1")],
    )  # fmt: skip
    client.force_login(cpam)
    response = client.get(reverse("funding:contract_pdf", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert project.association.rna in text and cpam.organisation.name in text
    assert "Annexe 1" in text and "Accès aux soins" in text and "Qualité" in text
    assert "Patients sans médecin traitant orientés" in text and "objectif : 30 → 1" in text
    assert "Total" in text and "€" in text and "Date et signature" in text

    client.force_login(institution_user(OrganisationKind.CPAM, DepartementFactory()))
    assert client.get(reverse("funding:contract_pdf", args=[contract.pk])).status_code == 404


def test_signed_contract_is_stored_with_the_project_and_reproducible(client, aci_project):
    import datetime as dt

    from projects import documents
    from projects.models import DocumentKind, IssuedDocument

    project, leader, ars = aci_project
    contract, cpam = signed_contract(project, ars, members=45, signed_on=dt.date(2026, 6, 2))
    client.force_login(cpam)
    pending = client.get(reverse("funding:contract_pdf", args=[contract.pk]))
    assert pending.status_code == 404 and "en cours de préparation" in pending.content.decode()
    assert not IssuedDocument.objects.filter(kind=DocumentKind.ACI_CONTRACT).exists()
    documents.issue_documents.run([project.pk])  # queued on commit by the last signature
    first = client.get(reverse("funding:contract_pdf", args=[contract.pk])).content
    again = client.get(reverse("funding:contract_pdf", args=[contract.pk])).content
    assert first == again
    stored = IssuedDocument.objects.get(project=project, kind=DocumentKind.ACI_CONTRACT)
    assert documents.reproduce(stored) == first
    assert "signé le 2 juin 2026" in pdf_text(first) and "1 juin 2031" in pdf_text(first)
