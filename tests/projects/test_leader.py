"""The project leader's journey: project, LI, association, PS, acknowledgments."""

import datetime as dt
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.models import Project
from projects.states import State
from tests.factories import CommuneFactory
from tests.world import LI_SECTIONS, MINIMAL_PDF, PS_SECTIONS, WITHOUT_COMMITTEE, project_in_state

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return out.stdout.decode()


def test_leader_creates_a_project_and_saves_a_draft_letter(world, login):
    client = login(world.leader)
    response = client.post(
        reverse("projects:create"), {"name": "CPTS des Coteaux", "departement": world.dept.pk}
    )
    project = Project.objects.get(name="CPTS des Coteaux")
    assert response.url == reverse("projects:letter", args=[project.pk])
    assert project.members.get().user == world.leader

    url = reverse("projects:letter", args=[project.pk])
    client.post(url, {"territory": "Le canton", "save": "1"})
    page = client.post(url, {"territory": "Le canton", "check": "1"}, follow=True)
    project.letter.refresh_from_db()
    assert project.letter.territory == "Le canton"
    html = page.content.decode()
    assert "Sections à compléter" in html and "calendrier prévisionnel" in html
    assert project.state == State.EMERGENCE


def test_institutions_cannot_create_projects(world, login):
    response = login(world.ars_dd).post(
        reverse("projects:create"), {"name": "X", "departement": world.dept.pk}
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_incomplete_letter_cannot_be_submitted(world, login):
    client = login(world.leader)
    client.post(reverse("projects:create"), {"name": "P", "departement": world.dept.pk})
    project = Project.objects.get()
    submit = reverse("projects:letter_submit", args=[project.pk])
    page = client.get(submit).content.decode()
    assert "Le dossier est incomplet" in page and "Le territoire est vide" in page
    assert "confirm-submit" not in page
    client.post(submit)
    project.refresh_from_db()
    assert project.state == State.EMERGENCE


def test_a_letter_without_a_territory_cannot_be_submitted(world, login):
    client = login(world.leader)
    client.post(reverse("projects:create"), {"name": "P", "departement": world.dept.pk})
    project = Project.objects.get()
    client.post(reverse("projects:letter", args=[project.pk]), LI_SECTIONS)
    submit = reverse("projects:letter_submit", args=[project.pk])
    page = client.get(submit).content.decode()
    assert "Le territoire est vide" in page and "Le dossier est incomplet" not in page
    assert reverse("projects:territory", args=[project.pk]) in page
    # Even posted without the confirmation page, the service refuses and says why.
    response = client.post(submit, follow=True)
    assert "aucune commune" in response.content.decode()
    project.refresh_from_db()
    assert project.state == State.EMERGENCE and project.li_submitted_at is None


def test_submitting_the_letter_needs_confirmation_and_gives_an_acknowledgment(
    world, login, mail_on_commit
):
    client = login(world.leader)
    client.post(reverse("projects:create"), {"name": "P", "departement": world.dept.pk})
    project = Project.objects.get()
    project.communes.add(CommuneFactory(departement=world.dept))  # the territory, chosen
    response = client.post(
        reverse("projects:letter", args=[project.pk]), {**LI_SECTIONS, "submit": "1"}
    )
    # Saving with "submit" leads to the confirmation step, not to the submission.
    assert response.url == reverse("projects:letter_submit", args=[project.pk])
    project.refresh_from_db()
    assert project.state == State.EMERGENCE
    assert "Je confirme le dépôt" in client.get(response.url).content.decode()

    with mail_on_commit(execute=True):  # and the task issuing the acknowledgment
        response = client.post(response.url)
    assert response.url == reverse("projects:acknowledgment", args=[project.pk, "li"])
    project.refresh_from_db()
    assert project.state == State.LI_DEPOSEE
    pdf = client.get(reverse("projects:acknowledgment_pdf", args=[project.pk, "li"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Accusé de réception de la lettre d'intention" in text
    assert project.li_submitted_at.astimezone().strftime("%Y") in text


def _association_post(**overrides):
    data = {
        "name": "Association CPTS du Val",
        "rna": "w123456789",
        "siret": "",
        "general_assembly_on": "2026-02-01",
        "statutes": SimpleUploadedFile("statuts.pdf", MINIMAL_PDF, "application/pdf"),
        "confirm": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("rna", "W12345678", "W suivie de 9 chiffres"),
        ("rna", "X123456789", "W suivie de 9 chiffres"),
        ("siret", "73282932000075", "clé de contrôle"),
        ("siret", "1234", "14 chiffres"),
        (
            "statutes",
            SimpleUploadedFile("statuts.pdf", b"<html>not a pdf</html>", "application/pdf"),
            "doit être un PDF",
        ),
        ("confirm", "", "Ce champ est obligatoire"),
    ],
)
def test_association_form_rejects_bad_input(world, login, field, value, error):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    response = login(leader).post(
        reverse("projects:association", args=[project.pk]), _association_post(**{field: value})
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Project.objects.get(pk=project.pk).state == State.LI_VALIDEE


def test_association_with_valid_siret_and_private_statutes(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    response = login(leader).post(
        reverse("projects:association", args=[project.pk]),
        _association_post(siret="732 829 320 00074"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(pk=project.pk)
    assert project.state == State.ASSOCIATION_CONSTITUEE
    assert project.association.rna == "W123456789"
    assert project.association.siret == "73282932000074"
    stored = tmp_path / project.association.statutes.name
    assert stored.read_bytes() == MINIMAL_PDF
    # Served only through the permission-checked view.
    url = reverse("projects:statutes", args=[project.pk])
    assert b"".join(login(leader).get(url).streaming_content) == MINIMAL_PDF
    assert login(world.ars_dd_other).get(url).status_code == 404


def test_health_project_submission_acknowledgment_states_the_implicit_date(
    world, login, mail_on_commit
):
    project, leader, _ = project_in_state(State.ASSOCIATION_CONSTITUEE, world.dept)
    client = login(leader)
    url = reverse("projects:health_project", args=[project.pk])
    client.post(url, {**PS_SECTIONS, "needs": "", "save": "1"})
    page = client.get(reverse("projects:health_project_submit", args=[project.pk]))
    assert "besoins identifiés" in page.content.decode()
    client.post(url, {**PS_SECTIONS, "save": "1"})
    with mail_on_commit(execute=True):  # and the task issuing the acknowledgment
        response = client.post(reverse("projects:health_project_submit", args=[project.pk]))
    assert response.url == reverse("projects:acknowledgment", args=[project.pk, "ps"])
    project.refresh_from_db()
    assert project.state == State.PS_DEPOSE
    text = pdf_text(
        client.get(reverse("projects:acknowledgment_pdf", args=[project.pk, "ps"])).content
    )
    assert "réputé validé" in text
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    implicit = project.ps_implicit_on
    assert f"{implicit.day} {months[implicit.month - 1]} {implicit.year}" in " ".join(text.split())
    assert implicit == project.ps_deadline + dt.timedelta(days=1)


def test_project_page_shows_timeline_deadline_and_hand(world, login):
    project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept)
    html = login(leader).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "L&#x27;ARS (délégation départementale)" in html
    assert "Date limite d&#x27;opposition" in html
    events = ["submit_li", "validate_li", "constitute_association", "submit_ps"]
    assert [e for e in events if f'data-event="{e}"' in html] == events
    for label in ("Lettre d&#x27;intention déposée", "Association constituée"):
        assert label in html


def test_a_filed_letter_is_no_longer_editable(world, login):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    before = project.letter.territory
    response = login(leader).post(
        reverse("projects:letter", args=[project.pk]), {**LI_SECTIONS, "territory": "Changé"}
    )
    assert response.url == reverse("projects:detail", args=[project.pk])
    project.letter.refresh_from_db()
    assert project.letter.territory == before
