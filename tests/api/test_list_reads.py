"""The API's list read in plain SQL (`projects.api_list`) gives the rows, the order and the
count that the ORM gives with the same scope and filters, for every kind of organisation."""

import datetime as dt
import itertools

import pytest
from django.db.models import F

from accounts.models import Organisation
from projects.api import PROJECT_ROWS, ProjectFilters, organisation_projects
from projects.api_list import ProjectListing
from projects.selectors import deadline_within
from projects.states import State
from tests.world import make_project, today

pytestmark = pytest.mark.django_db


def filter_projects(queryset, filters: ProjectFilters):
    """The list's filters written with the ORM: the reference."""
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.departement:
        queryset = queryset.filter(departement__code=filters.departement)
    if filters.taille:
        queryset = queryset.filter(taille=filters.taille)
    if filters.deadline_within is not None:  # the dashboard's rule: overdue included
        queryset = deadline_within(queryset, filters.deadline_within)
    if filters.name:
        queryset = queryset.filter(name__icontains=filters.name)
    if filters.order == "ps_deadline":
        return queryset.order_by(F("ps_deadline").asc(nulls_last=True), "name", "pk")
    return queryset.order_by("name", "pk")


def orm_page(org, filters, offset, limit):
    queryset = filter_projects(organisation_projects(org, PROJECT_ROWS), filters)
    return list(queryset[offset : offset + limit]), queryset.count()


@pytest.fixture
def crowded(world):
    """More rows where the filters and the order can go wrong: names that LIKE reads as
    patterns, case and accents, equal names, deadlines past, near, far and none."""
    for i, (name, state, days) in enumerate(
        [
            ("CPTS 100% Lens", State.PS_DEPOSE, -3),
            ("CPTS du Val_d'Oise", State.PS_DEPOSE, 40),
            ("cpts de l'ÉTANG", State.PS_DEPOSE, 10),
            ("CPTS de Lille", State.EMERGENCE, None),
            ("CPTS de Lille", State.PS_DEPOSE, 0),
            ("CPTS a\\b", State.LI_DEPOSEE, None),
        ]
    ):
        due = None if days is None else today() + dt.timedelta(days=days)
        make_project(
            name,
            world.d1 if i % 2 else world.d2,
            state,
            taille=1 + i % 4,
            ps_deadline=due,
            ps_received_on=due and due - dt.timedelta(days=61),
        )
    return world


FILTERS = [
    {},
    {"state": State.PS_DEPOSE},
    {"departement": "62"},
    {"departement": "2A"},
    {"taille": 2},
    {"deadline_within": 0},
    {"deadline_within": 30},
    {"name": "lille"},
    {"name": "%"},
    {"name": "_"},
    {"name": "étang"},
    {"name": "a\\b"},
    {"name": "nulle part"},
    {"state": State.PS_DEPOSE, "departement": "59", "deadline_within": 60, "name": "cpts"},
]


@pytest.mark.parametrize("order", ["name", "ps_deadline"])
@pytest.mark.parametrize("params", FILTERS)
def test_the_list_is_the_orms_for_every_organisation(crowded, params, order):
    filters = ProjectFilters(**params, order=order)
    kept = 0
    for org, (offset, limit) in itertools.product(
        Organisation.objects.all(), [(0, 50), (0, 2), (2, 2), (40, 10)]
    ):
        expected = orm_page(org, filters, offset, limit)
        assert ProjectListing(org, filters).page(offset, limit) == expected, (org.kind, offset)
        kept += len(expected[0])
    if params.get("name") not in ("nulle part", "_", "a\\b") and params.get("departement") != "2A":
        assert kept, "some organisation sees rows: the comparison means something"


def test_an_organisation_without_territory_lists_nothing(crowded):
    cpts = Organisation.objects.get(kind="cpts")
    assert ProjectListing(cpts, ProjectFilters()).page(0, 50) == ([], 0)
    assert orm_page(cpts, ProjectFilters(), 0, 50) == ([], 0)
