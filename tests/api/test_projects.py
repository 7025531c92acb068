"""Projects through the API: each key sees its organisation's territory, and nothing else."""

import pytest

from projects.states import State

pytestmark = pytest.mark.django_db
URL = "/api/projects/"


def names(response):
    assert response.status_code == 200, response.content
    return sorted(p["name"] for p in response.json()["items"])


@pytest.mark.parametrize(
    "key, expected",
    [
        ("dd_nord", ["CPTS Flandre", "CPTS de Lille"]),
        ("cpam_nord", ["CPTS Flandre", "CPTS de Lille"]),
        ("dd_pdc", ["CPTS d'Arras"]),
        ("ars_north", ["CPTS Flandre", "CPTS d'Arras", "CPTS de Lille"]),
        ("urps_north", ["CPTS Flandre", "CPTS d'Arras", "CPTS de Lille"]),
        ("ars_south", ["CPTS d'Ajaccio"]),
        ("cpts", []),
    ],
)
def test_each_key_sees_its_territory(world, api_get, key, expected):
    response = api_get(URL, getattr(world.key, key))
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_project_fields(world, api_get):
    data = api_get(f"{URL}{world.lille.pk}", world.key.dd_nord).json()
    assert data["state"] == "ps_depose" and data["state_label"] == "Projet de santé déposé"
    assert data["departement"] == {"code": "59", "name": "Nord"}
    assert [c["insee"] for c in data["communes"]] == ["59350", "59512"]
    assert data["population"] == 334_000 and data["taille"] == 4
    assert data["ps_deadline"] == world.lille.ps_deadline.isoformat()
    assert data["ps_implicit_on"] == world.lille.ps_implicit_on.isoformat()
    assert data["opposition_ground"] is None and data["aci_signed_on"] is None


def test_another_territory_project_is_404(world, api_get):
    assert api_get(f"{URL}{world.arras.pk}", world.key.dd_nord).status_code == 404
    assert api_get(f"{URL}{world.lille.pk}", world.key.ars_south).status_code == 404
    assert api_get(f"{URL}{world.lille.pk}", world.key.cpts).status_code == 404
    assert api_get(f"{URL}{world.arras.pk}", world.key.ars_north).status_code == 200
    assert api_get(f"{URL}{world.arras.pk}").status_code == 401


def test_filters_match_the_dashboard(world, api_get):
    key = world.key.ars_north
    assert names(api_get(URL, key, state=State.PS_VALIDE)) == ["CPTS d'Arras"]
    assert names(api_get(URL, key, departement="62")) == ["CPTS d'Arras"]
    assert names(api_get(URL, key, departement="2A")) == []  # not hers: filtered, not widened
    assert names(api_get(URL, key, taille=1)) == ["CPTS Flandre"]
    assert names(api_get(URL, key, deadline_within=5)) == ["CPTS de Lille"]
    assert names(api_get(URL, key, deadline_within=4)) == []
    assert names(api_get(URL, key, name="lille")) == ["CPTS de Lille"]
    assert api_get(URL, key, taille=9).status_code == 422
    assert api_get(URL, key, state="nope").status_code == 422


def test_deadline_order_like_the_dashboard(world, api_get):
    from tests.world import make_project

    soon = make_project(
        "A CPTS", world.d1, State.PS_DEPOSE, ps_deadline=world.lille.ps_deadline.replace(day=1)
    )
    by_name = [p["id"] for p in api_get(URL, world.key.dd_nord).json()["items"]]
    by_deadline = [
        p["id"] for p in api_get(URL, world.key.dd_nord, order="ps_deadline").json()["items"]
    ]
    assert by_name[0] == soon.pk and len(by_name) == 3
    expected = sorted([soon, world.lille], key=lambda p: p.ps_deadline)
    assert by_deadline == [p.pk for p in expected] + [world.nord_emergence.pk]
    assert api_get(URL, world.key.dd_nord, order="state").status_code == 422


def test_pagination(world, api_get):
    first = api_get(URL, world.key.ars_north, page_size=2).json()
    second = api_get(URL, world.key.ars_north, page_size=2, page=2).json()
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert api_get(URL, world.key.ars_north, page_size=500).status_code == 422
    assert api_get(URL, world.key.ars_north, page=10**12).status_code == 422


def test_query_count_does_not_grow_with_the_page(world, api_get, django_assert_num_queries):
    from tests.world import make_project

    communes = list(world.lille.communes.all())
    for i in range(30):
        make_project(f"CPTS {i:02d}", world.d1, State.LI_DEPOSEE, communes, taille=2)
    # key lookup, page with its count, communes (the daily "last used" write happened already)
    api_get(URL, world.key.dd_nord, page_size=1)
    with django_assert_num_queries(3):
        small = api_get(URL, world.key.dd_nord, page_size=2)
    with django_assert_num_queries(3):
        large = api_get(URL, world.key.dd_nord, page_size=200)
    assert len(small.json()["items"]) == 2 and len(large.json()["items"]) == 32
