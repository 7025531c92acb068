"""Committees through the API: territory scope, agenda and opinions of the territory only."""

import datetime as dt

import pytest
from django.utils import timezone

from projects.collaboration import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    Institution,
    Opinion,
    OpinionValue,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/committees/"


@pytest.fixture
def committees(world):
    author = UserFactory()
    meets = timezone.make_aware(dt.datetime(2026, 12, 3, 14, 0))

    def committee(dep, kind, projects, days=0):
        c = Committee.objects.create(
            kind=kind,
            departement=dep,
            meets_at=meets + dt.timedelta(days=days),
            place="Préfecture",
            members="Dr Martin (URPS)\nMme Durand (usagers)",
            created_by=author,
        )
        c.projects.set(projects)
        return c

    nord = committee(world.d1, CommitteeKind.PS, [world.lille])
    cpam = CommitteeMember.objects.create(
        committee=nord,
        seat="organisation",
        organisation=OrganisationFactory(kind="cpam", departement=world.d1),
    )
    CommitteeMember.objects.create(committee=nord, seat="usagers", name="Mme Durand")
    Opinion.objects.create(
        committee=nord,
        project=world.lille,
        member=cpam,
        institution=Institution.CPAM,
        value=OpinionValue.RESERVES,
        comment="À revoir",
        author=author,
    )
    pdc = committee(world.d2, CommitteeKind.LI, [world.arras], days=7)
    corse = committee(world.d3, CommitteeKind.PS, [world.ajaccio], days=14)
    return nord, pdc, corse


def ids(response):
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["items"]]


def test_scope_per_key(world, committees, api_get):
    nord, pdc, corse = committees
    assert ids(api_get(URL, world.key.dd_nord)) == [nord.pk]
    assert ids(api_get(URL, world.key.cpam_nord)) == [nord.pk]
    assert ids(api_get(URL, world.key.ars_north)) == [pdc.pk, nord.pk]  # latest first
    assert ids(api_get(URL, world.key.urps_north)) == [pdc.pk, nord.pk]
    assert ids(api_get(URL, world.key.ars_south)) == [corse.pk]
    assert ids(api_get(URL, world.key.cpts)) == []
    assert api_get(URL).status_code == 401
    assert api_get(f"{URL}{corse.pk}", world.key.ars_north).status_code == 404
    assert api_get(f"{URL}{pdc.pk}", world.key.dd_nord).status_code == 404


def test_committee_fields_hold_no_names(world, committees, api_get):
    nord, *_ = committees
    data = api_get(f"{URL}{nord.pk}", world.key.dd_nord).json()
    assert data["kind"] == "ps" and data["kind_label"] == "Comité du projet de santé"
    assert data["agenda"] == [{"id": world.lille.pk, "name": "CPTS de Lille"}]
    assert data["departement"]["code"] == "59"
    [opinion] = data["opinions"]
    assert opinion["institution"] == "cpam" and opinion["value_label"] == "Favorable avec réserves"
    assert {m["seat"] for m in data["members"]} == {"organisation", "usagers"}
    body = str(data)
    assert "Martin" not in body and "À revoir" not in body and "Durand" not in body


def test_filters(world, committees, api_get):
    nord, pdc, _ = committees
    key = world.key.ars_north
    assert ids(api_get(URL, key, kind="li")) == [pdc.pk]
    assert ids(api_get(URL, key, departement="59")) == [nord.pk]
    assert ids(api_get(URL, key, after="2026-12-05")) == [pdc.pk]


def test_queries_bounded(world, committees, api_get, django_assert_max_num_queries):
    nord, *_ = committees
    for day in range(1, 20):
        Committee.objects.create(
            kind=CommitteeKind.LI,
            departement=world.d1,
            meets_at=nord.meets_at + dt.timedelta(days=day),
            place="ARS",
            members="-",
            created_by=nord.created_by,
        ).projects.set([world.lille, world.nord_emergence])
    api_get(URL, world.key.dd_nord)  # the key's daily "last used" write
    # key, count, page, agenda, members, opinions
    with django_assert_max_num_queries(6):
        assert len(ids(api_get(URL, world.key.dd_nord, page_size=50))) == 20
