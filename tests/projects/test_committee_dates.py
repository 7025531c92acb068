"""A committee meets within a sane window (issue 17): from 1 January 2019, at most
COMMITTEE_HORIZON after it is convened — in the form, the service and the database."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects import committees
from projects.collaboration import COMMITTEE_EARLIEST, COMMITTEE_HORIZON, Committee
from projects.errors import WorkflowError
from projects.states import State
from tests.world import project_in_state

pytestmark = pytest.mark.django_db


def post(client, world, when: str):
    return client.post(
        reverse("projects:committee_create"),
        {
            "kind": "li",
            "departement": world.dept.pk,
            "meets_at": when,
            "place": "Salle",
            "organisations": [world.cpam.organisation.pk],
        },
    )


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("0001-01-01T00:00", "avant le 1er janvier 2019"),
        ("2018-12-31T23:59", "avant le 1er janvier 2019"),
        ("9999-12-31T23:59", "deux ans à l&#x27;avance"),
        ("0000-01-01T00:00", "Saisissez une date et une heure valides"),
    ],
)
def test_the_form_refuses_dates_out_of_the_window(world, login, when, message):
    response = post(login(world.ars_dd), world, when)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Committee.objects.exists()


def test_the_window_edges_are_accepted(world, login):
    client = login(world.ars_dd)
    assert post(client, world, "2019-01-01T00:00").status_code == 302
    far = timezone.localtime() + COMMITTEE_HORIZON - dt.timedelta(minutes=5)
    assert post(client, world, far.strftime("%Y-%m-%dT%H:%M")).status_code == 302
    assert Committee.objects.count() == 2
    for url in (reverse("projects:committees"), reverse("projects:committee_ics")):
        assert client.get(url).status_code == 200


def test_the_service_refuses_them_too(world):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    for meets_at, message in (
        (dt.datetime(1, 1, 1, tzinfo=dt.UTC), "2019"),
        (COMMITTEE_EARLIEST - dt.timedelta(seconds=1), "2019"),
        (timezone.now() + COMMITTEE_HORIZON + dt.timedelta(hours=1), "deux ans"),
    ):
        with pytest.raises(WorkflowError, match=message):
            committees.create_committee(
                world.ars_dd,
                kind="li",
                departement=world.dept,
                meets_at=meets_at,
                place="Salle",
                projects=[project],
            )
    assert not Committee.objects.exists()


@pytest.mark.parametrize(
    "meets_at",
    [
        dt.datetime(1, 1, 2, tzinfo=dt.UTC),
        dt.datetime(2018, 12, 31, 22, 59, tzinfo=dt.UTC),  # 23:59 in Paris
        timezone.now() + COMMITTEE_HORIZON + dt.timedelta(days=1),
    ],
)
def test_the_database_refuses_them_whatever_the_path(world, meets_at):
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(
            kind="li",
            departement=world.dept,
            meets_at=meets_at,
            place="Salle",
            created_by=world.ars_dd,
        )


def test_the_pages_and_the_api_answer_with_the_earliest_committee(world, login, client):
    from accounts.tokens import create_token

    Committee.objects.create(
        kind="li",
        departement=world.dept,
        meets_at=COMMITTEE_EARLIEST,
        place="Salle",
        created_by=world.ars_dd,
    )
    user = login(world.cpam)
    for url in (reverse("projects:committees"), reverse("projects:committee_ics")):
        assert user.get(url).status_code == 200
    _, key = create_token(world.cpam.organisation, "CPAM")
    response = client.get("/api/committees/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and len(response.json()["items"]) == 1
