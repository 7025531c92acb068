"""The leaders' forms and services and the dashboard filters keep to their bounds."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from projects import exchanges, services
from projects.errors import WorkflowError
from projects.models import Association, Project
from projects.states import State
from tests.world import new_project, project_in_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", ["99999999999", "NaN", "1e309", "-1", "2.5", "3651"])
def test_the_deadline_filter_refuses_what_it_cannot_count(world, login, days):
    response = login(world.ars_dd).get(reverse("projects:list"), {"deadline_within": days})
    assert response.status_code == 200
    assert response.context["filter"].form.errors  # said in French, nothing listed wrongly


def test_the_deadline_filter_takes_ten_years(world, login):
    response = login(world.ars_dd).get(reverse("projects:list"), {"deadline_within": "3650"})
    assert response.status_code == 200 and not response.context["filter"].form.errors


def test_the_api_deadline_filter_is_bounded_alike(client):
    from projects.api import ProjectFilters

    assert ProjectFilters.model_json_schema()["properties"]["deadline_within"]["anyOf"][0] == {
        "maximum": 3650,
        "minimum": 0,
        "type": "integer",
    }


@pytest.mark.parametrize(
    ("day", "error"), [("1901-06-30", "01/07/1901"), ("9999-12-31", "dans le futur")]
)
def test_a_general_assembly_out_of_bounds_is_refused(world, login, day, error):
    project, leader, ars = project_in_state(State.LI_VALIDEE, world.dept)
    data = {
        "name": "Association",
        "rna": "W123456789",
        "general_assembly_on": day,
        "confirm": "on",
    }
    response = login(leader).post(reverse("projects:association", args=[project.pk]), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Association.objects.filter(project=project).exists()
    with pytest.raises(WorkflowError, match=error):
        services.constitute_association(
            project, leader, name="Association", rna="W123456789",
            general_assembly_on=dt.date.fromisoformat(day),
        )  # fmt: skip


def test_a_project_name_on_two_lines_is_refused(world, login):
    data = {"name": "CPTS\r\nBcc: intrus@example.org", "departement": world.dept.pk}
    response = login(world.leader).post(reverse("projects:create"), data)
    assert response.status_code == 200 and "tient sur une ligne" in response.content.decode()
    assert not Project.objects.exists()
    with pytest.raises(WorkflowError):
        services.create_project(world.leader, "CPTS\nBis", world.dept)


def test_services_refuse_nul_and_oversized_texts(world):
    project, leader = new_project(world.dept)
    with pytest.raises(WorkflowError):
        exchanges.post_message(project, leader, "nul\x00")
    with pytest.raises(WorkflowError):
        exchanges.post_message(project, leader, "x" * 5001)
    with pytest.raises(WorkflowError):
        exchanges.invite_coleader(project, leader, "a@b.fr\r\nBcc: c@d.fr", lambda i: "/")


def test_the_database_keeps_project_dates_in_range(world):
    project, _ = new_project(world.dept)
    for field, value in [
        ("ps_received_on", dt.date(1, 1, 1)),
        ("aci_signed_on", dt.date(9999, 12, 31)),
        ("population", 10**9),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Project.objects.filter(pk=project.pk).update(**{field: value})
