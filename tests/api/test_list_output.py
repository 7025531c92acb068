"""The project list and detail write their rows as JSON themselves (`common.api.as_json`, times
as text from the database): their answer must be, byte for byte, what ninja gives when it
validates the models' own values with the declared schema; and the key lookup written by hand
must load what the ORM loads."""

import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from accounts.models import ApiToken
from accounts.tokens import authenticate, hash_key
from common.api import ApiJSONEncoder
from projects.api import (
    ProjectFilters,
    organisation_projects,
    projects_router,
)
from projects.states import OppositionGround, State
from tests.factories import CommuneFactory
from tests.world import make_project

from .test_list_reads import filter_projects

pytestmark = pytest.mark.django_db
URL = "/api/projects/"


@pytest.fixture
def varied(world):
    """Rows with what a JSON encoder can get wrong: accents and quotes, microseconds, an
    opposition ground, no commune at all, empty numbers."""
    eze = CommuneFactory(insee="59999", name="Èze-sur-l'Aa « ancien »", departement=world.d1)
    moment = dt.datetime(2026, 3, 4, 5, 6, 7, 891_234, tzinfo=dt.UTC)
    make_project(
        'CPTS "Cœur" d\'Ostrevent',
        world.d1,
        State.PS_OPPOSE,
        [eze, *world.lille.communes.all()],
        population=12_345,
        taille=2,
        li_submitted_at=moment,
        li_decided_at=moment.replace(microsecond=0),
        ps_submitted_at=moment.replace(microsecond=500) + dt.timedelta(days=40),
        ps_received_on=dt.date(2026, 4, 14),
        ps_deadline=dt.date(2026, 6, 14),
        ps_implicit_on=dt.date(2026, 6, 15),
        ps_decided_on=dt.date(2026, 6, 1),
        opposition_ground=OppositionGround.TERRITORY,
    )
    make_project("CPTS sans commune", world.d1, State.EMERGENCE)
    return world


def model_rows(projects) -> list[dict]:
    """The output rows read from the models themselves (datetimes, dates, related rows)."""
    return [
        {
            "id": p.id,
            "name": p.name,
            "state": p.state,
            "state_label": p.get_state_display(),
            "departement": {"code": p.departement.code, "name": p.departement.name},
            "communes": [{"insee": c.insee, "name": c.name} for c in p.communes.order_by("insee")],
            "population": p.population,
            "taille": p.taille,
            "li_submitted_at": p.li_submitted_at,
            "li_decided_at": p.li_decided_at,
            "ps_submitted_at": p.ps_submitted_at,
            "ps_received_on": p.ps_received_on,
            "ps_deadline": p.ps_deadline,
            "ps_implicit_on": p.ps_implicit_on,
            "ps_decided_on": p.ps_decided_on,
            "opposition_ground": p.opposition_ground or None,
            "aci_signed_on": p.aci_signed_on,
        }
        for p in projects
    ]


def ninja_answer(path: str, response) -> bytes:
    """What ninja writes when the operation returns `response`: validation with the
    operation's own response model, dump, its JSON encoder."""
    model = projects_router.path_operations[path].operations[0].response_models[200]
    dumped = model.model_validate({"response": response}).model_dump()["response"]
    return json.dumps(dumped, cls=NinjaJSONEncoder).encode()


@pytest.mark.parametrize("params", [{}, {"page_size": 2, "page": 2}, {"order": "ps_deadline"}])
def test_list_is_byte_for_byte_what_the_schema_gives(varied, api_get, params):
    response = api_get(URL, varied.key.dd_nord, **params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    org = authenticate(varied.key.dd_nord).organisation
    queryset = organisation_projects(org)
    if params.get("order") == "ps_deadline":
        queryset = queryset.order_by(F("ps_deadline").asc(nulls_last=True), "name", "pk")
    else:
        queryset = queryset.order_by("name", "pk")
    size, page = params.get("page_size", 50), params.get("page", 1)
    projects = list(queryset[(page - 1) * size : page * size])
    assert projects, "the page must hold rows for the comparison to mean something"
    expected = {"items": model_rows(projects), "count": queryset.count()}
    assert response.content == ninja_answer("", expected)


def test_detail_is_byte_for_byte_what_the_schema_gives(varied, api_get):
    org = authenticate(varied.key.dd_nord).organisation
    for project in organisation_projects(org):
        response = api_get(f"{URL}{project.pk}", varied.key.dd_nord)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.content == ninja_answer("/{project_id}", model_rows([project])[0])


def test_each_row_is_the_detail_answer(varied, api_get):
    """The detail still goes through ninja's validation: the list's rows are the same text."""
    items = api_get(URL, varied.key.dd_nord).json()["items"]
    assert len(items) == 4
    texts = {json.dumps(item, cls=NinjaJSONEncoder).encode() for item in items}
    details = {api_get(f"{URL}{item['id']}", varied.key.dd_nord).content for item in items}
    assert texts == details
    odd = next(item for item in items if item["state"] == State.PS_OPPOSE)
    assert odd["li_submitted_at"] == "2026-03-04T05:06:07.891Z"
    assert odd["li_decided_at"] == "2026-03-04T05:06:07Z"
    assert odd["ps_submitted_at"] == "2026-04-13T05:06:07.000Z"  # 500 µs: Django keeps ".000"
    assert odd["opposition_ground"] == "territoire"
    assert [c["insee"] for c in odd["communes"]] == ["59350", "59512", "59999"]
    assert next(i for i in items if i["name"] == "CPTS sans commune")["communes"] == []


def test_past_the_last_page(varied, api_get):
    response = api_get(URL, varied.key.dd_nord, page=3)
    assert response.content == b'{"items": [], "count": 4}'


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 12, 3, 14, 5, 6, 789_123, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 14, 5, 6, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 14, 5, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(2026, 12, 3, 14, 5, 6, 500_000),
        dt.date(2026, 2, 28),
        dt.time(14, 5, 6, 7),
        dt.timedelta(days=2, seconds=5),
        State.PS_DEPOSE,
    ],
)
def test_api_encoder_writes_what_django_writes(value):
    assert json.dumps([value], cls=ApiJSONEncoder) == json.dumps([value], cls=NinjaJSONEncoder)
    if not isinstance(value, State):
        assert json.dumps(value, cls=ApiJSONEncoder) == json.dumps(value, cls=DjangoJSONEncoder)


def test_key_lookup_loads_what_the_orm_loads(world, django_assert_num_queries):
    authenticate(world.key.ars_north)  # the day's "last used" write
    with django_assert_num_queries(1):
        token = authenticate(world.key.ars_north)
        organisation = token.organisation
        assert organisation.territory_q() is not None
    expected = ApiToken.objects.select_related("organisation").get(
        key_hash=hash_key(world.key.ars_north)
    )
    fields = [f.attname for f in ApiToken._meta.concrete_fields]
    assert {f: getattr(token, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert model_to_dict(organisation) == model_to_dict(expected.organisation)
    assert token.created_at == expected.created_at and token.created_at.tzinfo is not None
    assert not token._state.adding and token._state.db == "default"
    assert authenticate(world.key.ars_north[:-1] + "x") is None


def test_the_count_comes_with_the_page(world, api_get, django_assert_num_queries):
    api_get(URL, world.key.ars_north)  # the day's "last used" write
    with django_assert_num_queries(3):  # key, page (with the count), communes
        whole = api_get(URL, world.key.ars_north).json()
    with django_assert_num_queries(3):
        full = api_get(URL, world.key.ars_north, page_size=3).json()
    with django_assert_num_queries(3):  # key, page, count (no row to carry it, no communes)
        past = api_get(URL, world.key.ars_north, page=2).json()
    with django_assert_num_queries(2):  # key, page: nothing on the first page, nothing at all
        none = api_get(URL, world.key.ars_north, name="nulle part").json()
    assert whole["count"] == full["count"] == past["count"] == 3
    assert len(whole["items"]) == len(full["items"]) == 3 and past["items"] == []
    assert none == {"items": [], "count": 0}
    second = api_get(URL, world.key.ars_north, page_size=2, page=2).json()
    assert second["count"] == 3 and len(second["items"]) == 1
    assert "_count" not in second["items"][0]


@pytest.mark.parametrize("micro", [0, 1, 500, 120_000, 500_000, 999_999])
def test_times_are_the_text_django_writes(world, api_get, micro):
    """The database drops the fraction's trailing zeros (".5"): the JSON keeps milliseconds."""
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, micro, tzinfo=dt.UTC)
    make_project("CPTS horodatée", world.d1, State.LI_DEPOSEE, li_submitted_at=moment)
    items = api_get(URL, world.key.dd_nord, name="horodatée").json()["items"]
    assert items[0]["li_submitted_at"] == json.loads(json.dumps(moment, cls=NinjaJSONEncoder))


def test_a_page_is_read_in_the_name_index(world, api_get):
    """The count is a column of its own, not a window over every row: the database may read
    the page in the (name, id) index and stop at its last row."""
    api_get(URL, world.key.ars_north)  # the day's "last used" write
    with CaptureQueriesContext(connection) as queries:
        api_get(URL, world.key.ars_north, page_size=2)
    page = next(q["sql"] for q in queries if "_count" in q["sql"])
    assert "OVER" not in page
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a few rows: a sort would cost nothing
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_name_order" in plan and "Sort" not in plan


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"state": State.PS_DEPOSE},
        {"departement": "62", "order": "ps_deadline"},
        {"name": "cpts d", "page_size": 1},
        {"taille": 4, "deadline_within": 30},
    ],
)
def test_the_count_is_the_filtered_querysets(world, api_get, params):
    """The count is the page query's own FROM and WHERE, counted: filters included."""
    answer = api_get(URL, world.key.ars_north, **params).json()
    org = authenticate(world.key.ars_north).organisation
    filters = ProjectFilters(**{k: v for k, v in params.items() if k != "page_size"})
    assert answer["count"] == filter_projects(organisation_projects(org), filters).count()
    assert answer["count"] > 0  # a filter that keeps rows: the comparison means something
