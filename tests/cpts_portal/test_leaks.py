"""Nothing leaks in passing: overlap warnings and maps name only public projects, and pages for
a signed-in person are never kept by a cache."""

import json

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from accounts.tokens import create_token
from projects import maps
from projects.states import State
from tests.factories import OrganisationFactory, UserFactory
from tests.world import force_state, fresh_departement, new_project, row_of_communes

pytestmark = pytest.mark.django_db
SECRET = "CPTS Secrète"


@pytest.fixture
def neighbours():
    """Communes 0-3 in a row; another project holds 1 and 2; mine is being drafted."""
    dept = fresh_departement()
    communes = row_of_communes(dept, 4)
    other, _ = new_project(dept, name=SECRET)
    other.communes.set(communes[1:3])
    mine, leader = new_project(dept, name="CPTS du Val")
    return mine, leader, other, communes


def fill_of(svg, commune):
    """The fill of the group holding the commune's outline."""
    group = svg.rindex('<g fill="', 0, svg.index(f"<title>{commune.name} ("))
    return svg[group + 9 : svg.index('"', group + 9)]


def territory_views(client, mine, commune_ids):
    """The warning after saving, the live preview and the map, as the leader sees them."""
    url = reverse("projects:territory", args=[mine.pk])
    saved = client.post(url, {"insee": commune_ids}, follow=True).content.decode()
    preview = client.get(
        reverse("projects:territory_preview", args=[mine.pk]), {"insee": commune_ids}
    )
    svg = client.get(reverse("projects:territory_map", args=[mine.pk])).content.decode()
    return saved, json.loads(preview.content), svg


@pytest.mark.parametrize("state", [State.LI_DEPOSEE, State.PS_DEPOSE, State.ACI_PREPARATION])
def test_a_leader_learns_a_commune_is_taken_not_by_which_project(client, neighbours, state):
    mine, leader, other, communes = neighbours
    other = force_state(other, state)
    client.force_login(leader)
    saved, preview, svg = territory_views(client, mine, [communes[0].insee, communes[1].insee])
    public = state == State.ACI_PREPARATION
    for text in (saved, preview["overlaps"][0], svg):
        assert communes[1].name in text  # the commune that is taken
        assert (SECRET in text) == public
        assert ("une autre CPTS en projet" in text) == (not public)
    assert (other.get_state_display().lower() in saved.lower()) == public
    # The other project's commune outside my territory: drawn as any neighbour unless public.
    assert fill_of(svg, communes[2]) == (maps.OTHER_CPTS if public else maps.NEIGHBOUR)
    assert ("Autre CPTS active" in svg) == public


def test_the_map_marks_an_overlap_even_when_the_project_is_not_public(neighbours):
    mine, _, other, communes = neighbours
    force_state(other, State.LI_VALIDEE)
    mine.communes.set(communes[:2])
    svg = str(maps.project_map(mine))
    assert "Chevauchement avec une autre CPTS active" in svg and SECRET not in svg


def test_signed_in_pages_are_private_and_never_stored(client):
    anonymous = client.get(reverse("funding:simulator"))
    assert "Cache-Control" not in anonymous
    client.force_login(UserFactory())
    for name in ("projects:list", "funding:simulator", "reminders:list"):
        assert client.get(reverse(name))["Cache-Control"] == "private, no-store", name


def test_api_answers_with_a_key_are_private_but_open_data_stays_public(client):
    org = OrganisationFactory(kind=OrganisationKind.CPAM)
    _, key = create_token(org, "SI CPAM")
    response = client.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    client.force_login(UserFactory())
    response = client.get("/api/opendata/cpts")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
