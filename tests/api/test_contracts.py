"""ACI contracts and entitlements through the API: ARS and Assurance Maladie of the territory."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import OrganisationKind
from funding import services as funding
from funding.models import Contract
from funding.terms import entitlements
from tests.world import institution_user, make_aci_project, signed_contract

pytestmark = pytest.mark.django_db
URL = "/api/contracts/"


def contract_in(departement, sign=True):
    project, leader, ars = make_aci_project(departement)
    if sign:
        terms = dict(members=40, optional=("qualite",), signed_on=dt.date(2023, 1, 16))
        return signed_contract(project, ars, **terms)[0]
    cpam = institution_user(OrganisationKind.CPAM, departement)
    return funding.create_contract(project, cpam, members=40, optional=("qualite",))


@pytest.fixture
def contracts(world):
    return contract_in(world.d1), contract_in(world.d2, sign=False)


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(c["id"] for c in response.json()["items"])


def test_scope_per_key(world, contracts, api_get):
    nord, pdc = contracts
    assert ids(api_get(URL, world.key.dd_nord)) == [nord.pk]
    assert ids(api_get(URL, world.key.cpam_nord)) == [nord.pk]
    assert ids(api_get(URL, world.key.ars_north)) == sorted([nord.pk, pdc.pk])
    assert ids(api_get(URL, world.key.ars_south)) == []
    assert api_get(URL, world.key.urps_north).status_code == 403  # as on the web
    assert api_get(URL, world.key.cpts).status_code == 403
    assert api_get(URL).status_code == 401
    assert api_get(f"{URL}{pdc.pk}", world.key.dd_nord).status_code == 404
    assert api_get(f"{URL}{nord.pk}/entitlements", world.key.ars_south).status_code == 404
    assert api_get(f"{URL}{nord.pk}/entitlements", world.key.urps_north).status_code == 403


def test_contract_fields_and_filters(world, contracts, api_get):
    nord, pdc = contracts
    data = api_get(f"{URL}{nord.pk}", world.key.cpam_nord).json()
    assert data["grid"] == "avenant_2" and data["signed_on"] == "2023-01-16"
    assert data["project"]["id"] == nord.project_id and data["project"]["departement"] == "59"
    assert data["size"] == 2 and data["members"] == 40
    assert "qualite" in {m["mission"] for m in data["missions"]}
    key = world.key.ars_north
    assert ids(api_get(URL, key, signed="true")) == [nord.pk]
    assert ids(api_get(URL, key, signed="false")) == [pdc.pk]
    assert ids(api_get(URL, key, departement="62")) == [pdc.pk]


def test_entitlements_match_the_funding_service(world, contracts, api_get):
    nord, pdc = contracts
    data = api_get(f"{URL}{nord.pk}/entitlements", world.key.dd_nord).json()
    expected = entitlements(Contract.objects.filter(pk=nord.pk))[nord.pk]
    assert [y["year"] for y in data["years"]] == [1, 2, 3, 4, 5]
    year_1 = data["years"][0]
    assert year_1["starts_on"] == "2023-01-16" and year_1["ends_before"] == "2024-01-16"
    got = {(x["mission"], x["part"]): Decimal(x["amount"]) for x in year_1["lines"]}
    assert got == {(x.mission, x.part): x.amount for x in expected[1]}
    assert Decimal(year_1["total"]) == sum(x.amount for x in expected[1]) > 0
    assert all(x["label"] for x in year_1["lines"])
    assert (year_1["grid"], year_1["size"], year_1["members_declared"]) == ("avenant_2", 2, True)
    unsigned = api_get(f"{URL}{pdc.pk}/entitlements", world.key.ars_north).json()
    assert unsigned["contract_id"] == pdc.pk and unsigned["years"] == []


def test_queries_bounded(world, contracts, api_get, django_assert_max_num_queries):
    for _ in range(3):
        contract_in(world.d1)
    api_get(URL, world.key.dd_nord)  # the key's daily "last used" write
    with django_assert_max_num_queries(4):  # key, count, page, missions
        assert len(ids(api_get(URL, world.key.dd_nord))) == 4
