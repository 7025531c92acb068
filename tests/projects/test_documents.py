"""Documents issued to the file by the transitions' task: rendered (text checked by pdftotext),
stored, reproducible, and only served by the pages."""

import datetime as dt
import hashlib
import subprocess

import pytest
import time_machine
from django.urls import reverse

from projects import documents, services
from projects.models import DocumentKind, IssuedDocument
from projects.states import OppositionGround, State
from tests.world import WITHOUT_COMMITTEE, fill_letter, new_project, project_in_state

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def issued_text(project, kind):
    due, document = documents.stored(project, kind)
    assert due and document, "issued by the task the transition queued"
    content = document.file.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert documents.reproduce(document) == content, "same data, same issue date: same bytes"
    return document, pdf_text(content)


def test_acknowledgments_state_the_receipt_and_the_implicit_decision_date(mail_on_commit):
    with time_machine.travel(dt.datetime(2026, 3, 15, 9, tzinfo=dt.UTC), tick=False):
        with mail_on_commit(execute=True):
            project, _, _ = project_in_state(State.PS_DEPOSE)
        project.refresh_from_db()
        _, li_text = issued_text(project, DocumentKind.ACK_LI)
        _, ps_text = issued_text(project, DocumentKind.ACK_PS)
    assert "Accusé de réception de la lettre d'intention" in li_text
    assert "15 mars 2026" in li_text and project.name in li_text
    assert "Accusé de réception du projet de santé" in ps_text
    assert "16 mai 2026" in ps_text  # deemed validated from the day after 15 May


def test_decision_letters_carry_the_institution_the_decision_and_its_motive(mail_on_commit):
    project, leader, ars = project_in_state(State.LI_DEPOSEE)
    with mail_on_commit(execute=True):
        services.decide_letter(
            project, ars, "changes", "Préciser le territoire", without_committee=WITHOUT_COMMITTEE
        )
    first, text = issued_text(project, DocumentKind.LI_DECISION)
    assert ars.organisation.name in text
    assert "Des modifications sont demandées" in text and "Préciser le territoire" in text
    with mail_on_commit(execute=True):
        services.submit_letter(project, leader)
        services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    second, text = issued_text(project, DocumentKind.LI_DECISION)
    assert second.pk != first.pk and "La lettre d'intention est validée" in text
    assert IssuedDocument.objects.filter(project=project, kind="li_decision").count() == 2

    project, _, ars = project_in_state(State.PS_DEPOSE)
    with mail_on_commit(execute=True):
        services.oppose_health_project(project, ars, OppositionGround.TERRITORY, "Chevauchement")
    _, text = issued_text(project, DocumentKind.PS_DECISION)
    assert "s'oppose au projet de santé" in text
    assert "territoire d'action n'est pas pertinent" in text and "Chevauchement" in text

    project, _, ars = project_in_state(State.PS_DEPOSE)
    with mail_on_commit(execute=True):
        services.validate_health_project(project, ars, "Conforme au PRS")
    _, text = issued_text(project, DocumentKind.PS_DECISION)
    assert "Le projet de santé est validé" in text and ars.organisation.name in text


def test_implicit_attestation_and_one_stored_copy_per_document(client, mail_on_commit):
    project, leader, _ = project_in_state(State.PS_DEPOSE, received=dt.date(2026, 1, 10))
    assert documents.stored(project, DocumentKind.IMPLICIT_ATTESTATION) == (False, None)
    with mail_on_commit(execute=True):
        services.sweep_implicit_validations()
    project.refresh_from_db()
    document, text = issued_text(project, DocumentKind.IMPLICIT_ATTESTATION)
    assert "réputé validé à compter du 11 mars 2026" in text and "L.232-3" in text
    client.force_login(leader)
    url = reverse("projects:implicit_attestation", args=[project.pk])
    served = client.get(url).content
    assert hashlib.sha256(served).hexdigest() == document.sha256
    assert documents.issue_documents.run([project.pk]) == 4  # a re-delivered task: no new copy
    assert IssuedDocument.objects.filter(project=project, kind="implicit").count() == 1


def test_a_page_never_issues_a_document_it_says_when_one_is_being_prepared(client):
    project, leader, _ = project_in_state(State.PS_DEPOSE)  # the task has not run yet
    client.force_login(leader)
    for url in (
        reverse("projects:acknowledgment_pdf", args=[project.pk, "ps"]),
        reverse("projects:decision_letter", args=[project.pk, "li"]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Document en cours de préparation" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_decision_letter_url_is_scoped_and_404_before_a_decision(client):
    project, leader = new_project()
    fill_letter(project)
    services.submit_letter(project, leader)
    client.force_login(leader)
    url = reverse("projects:decision_letter", args=[project.pk, "li"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("projects:decision_letter", args=[project.pk, "x"])).status_code == 404
    )
