"""ARS decisions from the project page: buttons by permission, confirmation, clear refusals."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from projects import services
from projects.models import Project
from projects.states import OppositionGround, State
from tests.mails import sent_to
from tests.world import backdate_receipt, project_in_state

pytestmark = pytest.mark.django_db
# An LI decision names its committee or says why none (tests/projects/test_committee_decision.py).
HORS_COMITE = {"without_committee": "Urgence signalée par les porteurs"}


def action_url(project, name):
    return reverse("projects:action", args=[project.pk, name])


def decide(client, project, name, data):
    """Fill the form, then confirm: the two steps every decision goes through."""
    before = Project.objects.get(pk=project.pk).state
    first = client.post(action_url(project, name), data)
    assert first.status_code == 200 and "Confirmer" in first.content.decode()
    assert Project.objects.get(pk=project.pk).state == before  # nothing happened yet
    return client.post(action_url(project, name), {**data, "confirmed": "1"}, follow=True)


def test_buttons_follow_transition_permissions(world, login):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    detail = reverse("projects:detail", args=[project.pk])
    ars_page = login(world.ars_dd).get(detail).content.decode()
    assert action_url(project, "validate_li") in ars_page
    assert action_url(project, "reject_li") in ars_page
    assert action_url(project, "validate_ps") not in ars_page  # wrong state
    for user in (leader, world.cpam, world.urps):
        page = login(user).get(detail).content.decode()
        assert action_url(project, "validate_li") not in page
    assert login(world.cpam).get(action_url(project, "validate_li")).status_code == 403


def test_validate_letter_after_confirmation(world, login, mail_on_commit):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    with mail_on_commit(execute=True):
        page = decide(login(world.ars_dd), project, "validate_li", {"reason": "", **HORS_COMITE})
    assert Project.objects.get(pk=project.pk).state == State.LI_VALIDEE
    assert "c&#x27;est fait" in page.content.decode()
    sent = [m for m in mail.outbox if "Lettre d'intention validée" in m.subject]
    assert {leader.email, world.ars_dd.email} <= sent_to(sent)


def test_reject_needs_a_reason(world, login):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    response = login(world.ars_dd).post(action_url(project, "reject_li"), {"reason": ""})
    assert "Ce champ est obligatoire" in response.content.decode()
    decide(
        login(world.ars_dd),
        project,
        "reject_li",
        {"reason": "Territoire trop restreint", **HORS_COMITE},
    )
    project.refresh_from_db()
    assert project.state == State.LI_REJETEE
    assert project.events.last().reason == "Territoire trop restreint"


def test_request_missing_items_stops_the_clock_then_completion_restarts_it(world, login):
    project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept)
    due_on = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    decide(
        login(world.ars_dd),
        project,
        "request_ps_items",
        {"items": "Charte signée", "due_on": due_on},
    )
    project.refresh_from_db()
    assert project.state == State.PS_INCOMPLET and project.ps_deadline is None
    page = login(leader).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Charte signée" in page and "ne court qu'à compter" in page
    response = login(leader).post(reverse("projects:health_project_submit", args=[project.pk]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == State.PS_DEPOSE and project.ps_received_on is not None
    assert project.item_requests.get().completed_at is not None


def test_opposition_needs_one_of_the_two_legal_grounds_and_a_motive(world, login):
    project, _, _ = project_in_state(State.PS_DEPOSE, world.dept)
    client = login(world.ars_dd)
    response = client.post(action_url(project, "oppose_ps"), {"ground": "autre", "reason": "x"})
    assert "Sélectionnez un choix valide" in response.content.decode()
    decide(client, project, "oppose_ps", {"ground": OppositionGround.PRS, "reason": "Hors PRS"})
    project.refresh_from_db()
    assert project.state == State.PS_OPPOSE and project.opposition_ground == "prs"


def test_a_refusal_of_the_services_becomes_a_message(world, login):
    project, _, _ = project_in_state(State.PS_DEPOSE, world.dept)
    backdate_receipt(project, dt.date(2025, 1, 10))  # deadline long past
    page = decide(login(world.ars_dd), project, "validate_ps", {"reason": ""})
    assert "délai d&#x27;opposition de deux mois est expiré" in page.content.decode()
    assert Project.objects.get(pk=project.pk).state == State.PS_DEPOSE


def test_implicit_validation_attestation(world, login, mail_on_commit):
    from tests.projects.test_leader import pdf_text

    project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept)
    url = reverse("projects:implicit_attestation", args=[project.pk])
    assert login(leader).get(url).status_code == 404  # not (yet) validated
    backdate_receipt(project, dt.date(2026, 1, 15))
    with mail_on_commit(execute=True):  # the sweep, then the task issuing the attestation
        services.sweep_implicit_validations()
    text = " ".join(pdf_text(login(leader).get(url).content).split())
    assert "réputé validé à compter du 16 mars 2026" in text
    assert "L.232-3" in text
