"""Open data: public, validated projets de santé and later only, nothing personal."""

import csv
import io

import pytest

from projects.states import State
from tests.world import make_project

pytestmark = pytest.mark.django_db
PUBLISHED = {"CPTS d'Arras", "CPTS d'Ajaccio"}


def csv_rows(body: bytes) -> list[dict]:
    """How a program reads the open-data CSV (UTF-8 with a BOM, `;`)."""
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_json_lists_validated_projects_without_a_key(world, client):
    response = client.get("/api/opendata/cpts")
    assert response.status_code == 200
    data = response.json()
    assert {p["name"] for p in data["items"]} == PUBLISHED and data["count"] == 2
    assert response["Cache-Control"] == "public, max-age=300"
    arras = next(p for p in data["items"] if p["name"] == "CPTS d'Arras")
    assert arras == {
        "id": world.arras.pk,
        "name": "CPTS d'Arras",
        "departement": "62",
        "communes": ["62041"],
        "population": 41_000,
        "taille": 2,
        "state": "ps_valide",
        "state_label": "Projet de santé validé",
        "li_submitted_on": None,
        "ps_received_on": None,
        "ps_decided_on": "2026-03-02",
        "aci_signed_on": None,
    }


def test_every_validated_state_is_published_and_no_other(world, client):
    for state in State:
        make_project(f"P {state}", world.d1, state)
    names = {
        p["name"] for p in client.get("/api/opendata/cpts", {"page_size": 200}).json()["items"]
    }
    expected = {"P ps_valide", "P ps_repute_valide", "P aci_preparation", "P aci_signe"}
    # A CPTS whose contract ended or was terminated keeps its validated projet de santé.
    expected |= {"P aci_echu", "P aci_resilie"}
    assert names == PUBLISHED | expected


def test_csv(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # a chunk of projects + its communes (+ slack)
        response = client.get("/api/opendata/cpts.csv")
        body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "public, max-age=300"
    rows = csv_rows(body)
    assert body.startswith(b"\xef\xbb\xbfid;nom;departement;communes_insee;")  # BOM and `;`
    assert {r["nom"] for r in rows} == PUBLISHED
    ajaccio = next(r for r in rows if r["nom"] == "CPTS d'Ajaccio")
    assert ajaccio["communes_insee"] == "2A004" and ajaccio["etat"] == "aci_signe"
    assert ajaccio["aci_signe_le"] == "2025-06-01" and ajaccio["taille"] == "3"


def test_nothing_personal(world, client):
    from projects.models import ProjectMember
    from tests.factories import UserFactory

    leader = UserFactory(first_name="Jeanne", last_name="Porteuse", email="jeanne@example.org")
    ProjectMember.objects.create(project=world.arras, user=leader, is_lead=True)
    body = client.get("/api/opendata/cpts").content.decode()
    body += b"".join(client.get("/api/opendata/cpts.csv").streaming_content).decode()
    assert "Jeanne" not in body and "Porteuse" not in body and "jeanne@" not in body


def test_csv_chunks_keep_order_and_lose_nothing(world, client, monkeypatch):
    from projects import opendata

    for i in range(5):
        make_project("CPTS d'Arras", world.d2, State.ACI_PREPARATION, taille=i % 4 + 1)
    monkeypatch.setattr(opendata, "CSV_CHUNK", 2)
    rows = csv_rows(b"".join(client.get("/api/opendata/cpts.csv").streaming_content))
    assert len(rows) == 7 and len({r["id"] for r in rows}) == 7
    assert [r["nom"] for r in rows] == sorted(r["nom"] for r in rows)


def test_csv_neutralises_formulas(world, client):
    make_project('=HYPERLINK("http://evil","x")', world.d2, State.PS_VALIDE)
    rows = csv_rows(b"".join(client.get("/api/opendata/cpts.csv").streaming_content))
    assert '\'=HYPERLINK("http://evil","x")' in {r["nom"] for r in rows}
