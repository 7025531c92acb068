"""Who may do what (issue 15, checked against the rule book) and what the project page says
once the projet de santé is decided."""

import datetime as dt
import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from projects import services
from projects.states import ACTIVE_STATES, OppositionGround, State
from tests.projects.test_ars import action_url, decide
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db


# --- Abandon (leaders only) and classement sans suite (the ARS, with a reason) ---------------


def test_only_the_leaders_abandon_their_project():
    project, leader, ars = project_in_state(State.LI_VALIDEE)
    siege = institution_user(OrganisationKind.ARS, region=project.departement.region)
    for institution in (ars, siege):
        with pytest.raises(PermissionDenied):
            services.abandon(project, institution, "L'ARS n'abandonne pas un projet")
    assert services.abandon(project, leader, "Équipe dissoute").state == State.ABANDONNE


def test_the_ars_closes_sans_suite_with_a_reason_and_the_file_is_closed():
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    with pytest.raises(services.WorkflowError, match="classé sans suite"):
        services.close_without_follow_up(project, ars, "  ")
    for nobody in (leader, institution_user(OrganisationKind.ARS_DD)):  # other département
        with pytest.raises(PermissionDenied):
            services.close_without_follow_up(project, nobody, "Sans nouvelles")
    closed = services.close_without_follow_up(project, ars, "Sans nouvelles depuis un an")
    assert closed.state == State.CLASSE_SANS_SUITE and closed.state not in ACTIVE_STATES
    event = closed.events.last()
    assert (event.transition, event.reason, event.actor) == (
        "close_without_follow_up",
        "Sans nouvelles depuis un an",
        ars,
    )
    with pytest.raises(services.WorkflowError):  # final
        services.abandon(closed, leader, "Trop tard")


def test_never_sans_suite_while_the_ars_must_decide_nor_once_the_ps_is_validated():
    for state in (State.LI_DEPOSEE, State.PS_DEPOSE, State.PS_VALIDE, State.ACI_PREPARATION):
        project, _, ars = project_in_state(state)
        with pytest.raises(services.WorkflowError, match="Action impossible"):
            services.close_without_follow_up(project, ars, "Sans nouvelles")


def test_sans_suite_button_for_the_ars_through_the_confirmation(world, login):
    project, leader, _ = project_in_state(State.LI_VALIDEE, world.dept)
    detail = reverse("projects:detail", args=[project.pk])
    url = action_url(project, "close_without_follow_up")
    assert url in login(world.ars_dd).get(detail).content.decode()
    leader_page = login(leader).get(detail).content.decode()
    assert url not in leader_page and action_url(project, "abandon") in leader_page
    assert action_url(project, "abandon") not in login(world.ars_dd).get(detail).content.decode()
    assert login(leader).get(url).status_code == 403
    assert login(world.cpam).get(url).status_code == 403
    page = decide(login(world.ars_dd), project, "close_without_follow_up", {"reason": "Silence"})
    assert "Classé sans suite" in page.content.decode()
    assert "Décision de classement sans suite (PDF)" in page.content.decode()


# --- The project page follows the state -----------------------------------------------------

RUNNING_CLOCK = "À défaut d'opposition, le projet est réputé validé"


def page(client, project, user):
    client.force_login(user)
    return html.unescape(client.get(reverse("projects:detail", args=[project.pk])).content.decode())


def test_page_shows_the_running_clock_only_while_the_ars_may_oppose(client):
    project, leader, ars = project_in_state(State.PS_DEPOSE, received=dt.date(2026, 11, 1))
    assert RUNNING_CLOCK in page(client, project, leader)
    assert "réputé validé à compter du 2 janvier 2027" in page(client, project, leader)

    services.validate_health_project(project, ars)
    text = page(client, project, leader)
    assert RUNNING_CLOCK not in text and "Projet de santé validé par l'ARS le" in text

    services.start_aci(project, ars)
    text = page(client, project, ars)
    assert RUNNING_CLOCK not in text and "Projet de santé validé par l'ARS le" in text


def test_page_after_an_opposition_and_after_the_implicit_validation(client):
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    services.oppose_health_project(project, ars, OppositionGround.TERRITORY, "Chevauchement")
    text = page(client, project, leader)
    assert RUNNING_CLOCK not in text
    assert "Opposition de l'ARS au projet de santé le" in text
    assert "le territoire d'action n'est pas pertinent" in text

    project, leader, _ = project_in_state(State.PS_DEPOSE, received=dt.date(2026, 1, 10))
    services.sweep_implicit_validations()
    text = page(client, project, leader)
    assert RUNNING_CLOCK not in text
    assert "Projet de santé réputé validé à compter du 11 mars 2026" in text


def test_page_while_items_are_missing_and_once_closed(client):
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    services.request_missing_items(
        project, ars, "Statuts", timezone.localdate() + dt.timedelta(days=30)
    )
    text = page(client, project, leader)
    assert RUNNING_CLOCK not in text and "ne court qu'à compter de leur réception" in text

    project, leader, ars = project_in_state(State.LI_VALIDEE)
    services.close_without_follow_up(project, ars, "Sans nouvelles")
    assert "Dossier classé sans suite par l'ARS le" in page(client, project, leader)
    project, leader, _ = project_in_state(State.LI_VALIDEE)
    services.abandon(project, leader, "Équipe dissoute")
    assert "Dossier abandonné par ses porteurs le" in page(client, project, leader)


def test_indicative_ps_deadline_is_flagged_to_confirm_on_the_page(client):
    project, leader, _ = project_in_state(State.ASSOCIATION_CONSTITUEE)
    text = page(client, project, leader)
    assert 'id="deadline-to-confirm"' in text and "à confirmer" in text
    assert "sans accompagnement pré-ACI" in text
    project, leader, _ = project_in_state(State.PS_DEPOSE)
    assert 'id="deadline-to-confirm"' not in page(client, project, leader)  # a legal date
