"""After an opposition the leaders revise and file the projet de santé again: a new two-month
clock from the new receipt (L.1434-12 CSP), the opposition kept in the history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import OrganisationKind
from projects import drafts, services
from projects import territory as territory_services
from projects.models import Project
from projects.states import OppositionGround, State
from tests.factories import UserFactory
from tests.world import (
    PS_SECTIONS,
    force_state,
    institution_user,
    new_project,
    project_in_state,
    row_of_communes,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=9):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def opposed_on_territory(time_machine, ground=OppositionGround.TERRITORY):
    """A PS received on 2 March 2026 (deadline 2 May), opposed on 20 March."""
    time_machine.move_to(at(dt.date(2026, 3, 2)))
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    assert project.ps_deadline == dt.date(2026, 5, 2)
    time_machine.move_to(at(dt.date(2026, 3, 20)))
    project = services.oppose_health_project(project, ars, ground, "Territoire incohérent")
    return project, leader, ars


def change_territory(project, leader, n=2):
    communes = row_of_communes(project.departement, n)
    return territory_services.save_territory(project, leader, [c.insee for c in communes])[0]


def test_refiling_after_a_territorial_opposition_starts_a_new_clock(time_machine):
    project, leader, _ = opposed_on_territory(time_machine)
    time_machine.move_to(at(dt.date(2026, 3, 25)))
    with pytest.raises(services.WorkflowError, match="modifiez le territoire"):
        services.refile_health_project(project, leader)
    same = list(project.communes.values_list("insee", flat=True))
    territory_services.save_territory(project, leader, same)  # saved again, unchanged
    with pytest.raises(services.WorkflowError, match="modifiez le territoire"):
        services.refile_health_project(project, leader)
    project = change_territory(project, leader)
    time_machine.move_to(at(dt.date(2026, 3, 31)))
    project = services.refile_health_project(project, leader)
    assert project.state == State.PS_DEPOSE and project.opposition_ground == ""
    assert project.ps_received_on == dt.date(2026, 3, 31)
    assert project.ps_deadline == dt.date(2026, 5, 31)
    assert project.ps_implicit_on == dt.date(2026, 6, 1)
    history = list(project.events.order_by("pk").values_list("transition", flat=True))
    assert history[-2:] == ["oppose_ps", "refile_ps"]  # the opposition stays on record


def test_the_old_clock_no_longer_counts_the_new_one_does(time_machine):
    project, leader, _ = opposed_on_territory(time_machine)
    project = change_territory(project, leader)
    time_machine.move_to(at(dt.date(2026, 3, 31)))
    services.refile_health_project(project, leader)
    time_machine.move_to(at(dt.date(2026, 5, 10)))  # past the first deadline (2 May)
    assert services.sweep_implicit_validations() == 0
    time_machine.move_to(at(dt.date(2026, 5, 31), 23))  # the new deadline day itself
    assert services.sweep_implicit_validations() == 0
    time_machine.move_to(at(dt.date(2026, 6, 1), 0))
    assert services.sweep_implicit_validations() == 1
    project = Project.objects.get(pk=project.pk)
    assert project.state == State.PS_REPUTE_VALIDE
    assert project.events.last().effective_on == dt.date(2026, 6, 1)


def test_the_changed_territory_is_checked_for_overlaps_at_refiling(time_machine):
    project, leader, _ = opposed_on_territory(time_machine)
    neighbour, neighbour_leader = new_project(project.departement, name="CPTS voisine")
    taken = row_of_communes(project.departement, 1)
    territory_services.save_territory(neighbour, neighbour_leader, [taken[0].insee])
    force_state(neighbour, State.LI_DEPOSEE)
    territory_services.save_territory(project, leader, [taken[0].insee])  # a warning only
    with pytest.raises(services.WorkflowError, match="chevauche"):
        services.refile_health_project(project, leader)
    assert Project.objects.get(pk=project.pk).state == State.PS_OPPOSE


def test_after_an_opposition_on_the_prs_the_revised_ps_is_refiled(time_machine):
    project, leader, _ = opposed_on_territory(time_machine, OppositionGround.PRS)
    with pytest.raises(services.WorkflowError, match="Modifiez le projet de santé"):
        services.refile_health_project(project, leader)
    time_machine.move_to(at(dt.date(2026, 4, 3)))
    drafts.save_draft(
        project, leader, "health_project", {**PS_SECTIONS, "needs": "Besoins revus (PRS)"}
    )
    project = services.refile_health_project(project, leader)
    assert (project.state, project.ps_deadline) == (State.PS_DEPOSE, dt.date(2026, 6, 3))


def test_a_first_filing_cannot_be_used_after_an_opposition(time_machine):
    project, leader, _ = opposed_on_territory(time_machine)
    change_territory(project, leader)
    with pytest.raises(services.WorkflowError, match="impossible"):
        services.submit_health_project(project, leader)


@pytest.mark.parametrize(
    "kind", [OrganisationKind.ARS_DD, OrganisationKind.ARS, OrganisationKind.CPAM, None]
)
def test_only_the_leaders_refile(time_machine, kind):
    project, leader, _ = opposed_on_territory(time_machine)
    change_territory(project, leader)
    other = institution_user(kind, project.departement) if kind else UserFactory()
    with pytest.raises(PermissionDenied):
        services.refile_health_project(project, other)
    assert Project.objects.get(pk=project.pk).state == State.PS_OPPOSE


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("leader", 302),
        ("ars_dd", 403),
        ("ars", 403),
        ("cpam", 403),
        ("urps", 403),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_refile_page_per_role(time_machine, client, role, expected):
    project, leader, _ = opposed_on_territory(time_machine)
    change_territory(project, leader)
    url = reverse("projects:health_project_submit", args=[project.pk])
    people = {
        "leader": leader,
        "stranger": UserFactory(),
        **{
            k.value: institution_user(k, project.departement)
            for k in (
                OrganisationKind.ARS_DD,
                OrganisationKind.ARS,
                OrganisationKind.CPAM,
                OrganisationKind.URPS,
            )
        },
    }
    if role != "anonymous":
        client.force_login(people[role])
        if role == "leader":
            page = client.get(url).content.decode()
            assert "Déposer à nouveau le projet de santé" in page
    response = client.post(url)
    assert response.status_code == expected
    state = Project.objects.get(pk=project.pk).state
    assert state == (State.PS_DEPOSE if role == "leader" else State.PS_OPPOSE)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
