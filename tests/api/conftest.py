"""A small map for API tests: two régions, three départements, projects in several states,
and one key per kind of organisation."""

import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.models import OrganisationKind
from projects.states import State
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory
from tests.world import api_key, make_project, today


@pytest.fixture
def world(db):
    north, south = RegionFactory(code="R1"), RegionFactory(code="R2")
    d1 = DepartementFactory(code="59", name="Nord", region=north)
    d2 = DepartementFactory(code="62", name="Pas-de-Calais", region=north)
    d3 = DepartementFactory(code="2A", name="Corse-du-Sud", region=south)
    lille = CommuneFactory(insee="59350", name="Lille", departement=d1, population=236_000)
    roubaix = CommuneFactory(insee="59512", name="Roubaix", departement=d1, population=98_000)
    arras = CommuneFactory(insee="62041", name="Arras", departement=d2, population=41_000)
    ajaccio = CommuneFactory(insee="2A004", name="Ajaccio", departement=d3, population=72_000)
    due = today() + dt.timedelta(days=5)
    w = SimpleNamespace(d1=d1, d2=d2, d3=d3, north=north, south=south)
    w.lille = make_project(
        "CPTS de Lille",
        d1,
        State.PS_DEPOSE,
        [lille, roubaix],
        population=334_000,
        taille=4,
        ps_received_on=due - dt.timedelta(days=61),
        ps_deadline=due,
        ps_implicit_on=due + dt.timedelta(days=1),
    )
    w.nord_emergence = make_project("CPTS Flandre", d1, State.EMERGENCE, taille=1)
    w.arras = make_project(
        "CPTS d'Arras",
        d2,
        State.PS_VALIDE,
        [arras],
        population=41_000,
        taille=2,
        ps_decided_on=dt.date(2026, 3, 2),
    )
    w.ajaccio = make_project(
        "CPTS d'Ajaccio",
        d3,
        State.ACI_SIGNE,
        [ajaccio],
        population=72_000,
        taille=3,
        aci_signed_on=dt.date(2025, 6, 1),
    )
    w.key = SimpleNamespace(
        dd_nord=api_key(OrganisationKind.ARS_DD, d1),
        dd_pdc=api_key(OrganisationKind.ARS_DD, d2),
        ars_north=api_key(OrganisationKind.ARS, region=north),
        ars_south=api_key(OrganisationKind.ARS, region=south),
        cpam_nord=api_key(OrganisationKind.CPAM, d1),
        urps_north=api_key(OrganisationKind.URPS, region=north),
        cpts=api_key(OrganisationKind.CPTS),
    )
    return w


@pytest.fixture
def api_get(client):
    def get(url, key=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        return client.get(url, params, **headers)

    return get
