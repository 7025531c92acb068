"""Territory pages: role and territory on every request, all-or-nothing saves, live preview."""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from projects.states import State
from territories.models import Commune, Epci
from tests.factories import UserFactory
from tests.world import (
    force_state,
    fresh_departement,
    institution_user,
    new_project,
    row_of_communes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    dept = fresh_departement()
    project, leader = new_project(dept, name="CPTS du Val")
    communes = row_of_communes(dept, 3)
    return dept, project, leader, communes


def url(name, project):
    names = {"project": "territory", "preview": "territory_preview", "project_map": "territory_map"}
    return reverse(f"projects:{names[name]}", args=[project.pk])


def test_leader_builds_the_territory(client, setup):
    _, project, leader, communes = setup
    client.force_login(leader)
    page = client.get(url("project", project))
    assert page.status_code == 200
    assert b'id="territory-form"' in page.content and b"<svg" in page.content
    response = client.post(
        url("project", project), {"insee": [communes[0].insee], "codes": communes[1].insee}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert set(project.communes.all()) == set(communes[:2])
    assert project.population == 20_000 and project.taille == 1
    page = client.get(url("project", project))
    assert "Territoire enregistré." in page.content.decode()


def test_bad_input_saves_nothing_and_says_why(client, setup):
    _, project, leader, communes = setup
    client.force_login(leader)
    response = client.post(url("project", project), {"insee": [communes[0].insee, "12ABC"]})
    assert response.status_code == 200
    assert "Code(s) INSEE inconnu(s) : 12ABC." in response.content.decode()
    assert project.communes.count() == 0
    response = client.post(url("project", project), {"codes": ""})
    assert "au moins une commune" in response.content.decode()


def test_overlap_warning_after_saving_a_draft(client, setup):
    dept, project, leader, communes = setup
    other, other_leader = new_project(dept, name="CPTS des Coteaux")
    client.force_login(other_leader)
    client.post(url("project", other), {"insee": [communes[0].insee]})
    force_state(other, State.LI_DEPOSEE)
    client.force_login(leader)
    response = client.post(url("project", project), {"insee": [communes[0].insee]}, follow=True)
    text = response.content.decode()
    assert "Attention, chevauchement" in text and "une autre CPTS en projet" in text
    assert "CPTS des Coteaux" not in text  # not public yet (issue 17)
    assert project.communes.count() == 1


@pytest.mark.parametrize(
    "kind",
    [OrganisationKind.ARS_DD, OrganisationKind.ARS, OrganisationKind.CPAM, OrganisationKind.URPS],
)
def test_institutions_of_the_territory_view_but_do_not_edit(client, setup, kind):
    dept, project, _, communes = setup
    client.force_login(institution_user(kind, dept))
    page = client.get(url("project", project))
    assert page.status_code == 200
    assert b'id="territory-form"' not in page.content
    assert client.post(url("project", project), {"insee": [communes[0].insee]}).status_code == 403
    assert client.get(url("project_map", project)).status_code == 200
    assert project.communes.count() == 0


@pytest.mark.parametrize("kind", [OrganisationKind.ARS_DD, OrganisationKind.ARS, None])
def test_outside_the_territory_the_project_does_not_exist(client, setup, kind):
    _, project, _, communes = setup
    other_dept = fresh_departement()
    client.force_login(institution_user(kind, other_dept) if kind else UserFactory())
    for name in ("project", "preview", "project_map"):
        assert client.get(url(name, project)).status_code == 404
    assert client.post(url("project", project), {"insee": [communes[0].insee]}).status_code == 404


def test_anonymous_is_sent_to_login(client, setup):
    _, project, _, _ = setup
    for target in (url("project", project), reverse("territories:commune_search")):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response.url


def test_frozen_territory_is_read_only_for_its_leader(client, setup):
    _, project, leader, communes = setup
    force_state(project, State.LI_VALIDEE)
    client.force_login(leader)
    page = client.get(url("project", project))
    assert b'id="territory-form"' not in page.content
    response = client.post(url("project", project), {"insee": [communes[0].insee]})
    assert "ne peut plus être modifié" in response.content.decode()
    assert project.communes.count() == 0


def test_live_preview(client, setup):
    dept, project, leader, communes = setup
    elsewhere = row_of_communes(fresh_departement(), 1)[0]
    client.force_login(leader)
    data = client.get(
        url("preview", project),
        {"insee": [c.insee for c in communes] + ["00000", elsewhere.insee]},
    ).json()
    assert data["count"] == 3 and data["population"] == 30_000 and data["taille"] == 1
    assert len(data["errors"]) == 2
    assert data["map"].startswith("<svg") and data["map"].count("<path") >= 3
    empty = client.get(url("preview", project)).json()
    assert empty["count"] == 0 and empty["taille"] is None


def test_commune_search_endpoint(client, setup):
    _, _, leader, communes = setup
    client.force_login(leader)
    data = client.get(reverse("territories:commune_search"), {"q": communes[0].insee}).json()
    assert data["communes"][0]["insee"] == communes[0].insee
    assert data["communes"][0]["population"] == 10_000


def test_institution_map_by_role(client, setup):
    dept, project, leader, communes = setup
    client.force_login(leader)
    client.post(url("project", project), {"insee": [c.insee for c in communes]})
    force_state(project, State.LI_DEPOSEE)
    map_url = reverse("projects:institution_map")
    for kind in (OrganisationKind.ARS_DD, OrganisationKind.ARS, OrganisationKind.CPAM):
        client.force_login(institution_user(kind, dept))
        page = client.get(map_url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "CPTS du Val" in text and "Lettre d&#x27;intention déposée" in text
        assert ("Chevauchements entre CPTS actives" in text) == (kind != OrganisationKind.CPAM)
    client.force_login(leader)
    assert client.get(map_url).status_code == 403
    client.force_login(institution_user(OrganisationKind.ARS_DD, fresh_departement()))
    assert "CPTS du Val" not in client.get(map_url).content.decode()


def test_regional_map_zooms_only_on_its_own_departements(client, setup):
    dept, _, _, _ = setup
    client.force_login(institution_user(OrganisationKind.ARS, dept))
    map_url = reverse("projects:institution_map")
    assert client.get(map_url, {"departement": dept.code}).status_code == 200
    other = fresh_departement()
    assert client.get(map_url, {"departement": other.code}).status_code == 404


def test_territories_menu(client, setup):
    dept, project, leader, communes = setup
    client.force_login(leader)
    client.post(url("project", project), {"insee": [c.insee for c in communes]})
    page = client.get(reverse("projects:territories"))
    assert page.status_code == 200
    assert url("project", project) in page.content.decode()
    client.force_login(UserFactory())
    assert (
        url("project", project) not in client.get(reverse("projects:territories")).content.decode()
    )
    client.force_login(institution_user(OrganisationKind.CPAM, dept))
    assert client.get(reverse("projects:territories")).url == reverse("projects:institution_map")


def test_a_whole_epci_at_once(client, setup):
    dept, _, leader, communes = setup
    epci = Epci.objects.create(
        code="200000001", name="Communauté de communes du Val Vert", kind="CC"
    )
    Commune.objects.filter(pk__in=[c.pk for c in communes[:2]]).update(epci=epci)
    client.force_login(leader)
    data = client.get(reverse("territories:commune_search"), {"q": "val vert"}).json()
    assert data["epcis"] == [
        {
            "id": epci.pk,
            "name": epci.name,
            "url": reverse("territories:epci_communes", args=[epci.pk]),
        }
    ]
    members = client.get(data["epcis"][0]["url"]).json()["communes"]
    assert {c["insee"] for c in members} == {c.insee for c in communes[:2]}
