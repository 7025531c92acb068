"""The committee page reads a bounded number of queries, whatever its agenda, and no server-side
cursor for its forms' choices; the minutes keep each project's own decisions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import committees, services
from projects.states import State
from tests.world import project_in_state

from .committee_world import TwoItems

pytestmark = pytest.mark.django_db


def _page_queries(client, committee) -> list[str]:
    url = reverse("projects:committee", args=[committee.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_queries_do_not_grow_with_the_agenda(world, login):
    # Held an hour ago: the attendance form shows too.
    met = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))
    client = login(world.ars_dd)
    two = _page_queries(client, met.committee)
    for _ in range(4):
        project, _leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
        met.committee.projects.add(project)
    services.decide_letter(met.alpha, world.ars_dd, "validate", committee=met.committee)
    six = _page_queries(client, met.committee)
    assert len(six) == len(two)
    assert not [sql for sql in six if sql.startswith("DECLARE")]


def test_the_minutes_keep_each_projects_decisions(world):
    met = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))
    services.decide_letter(met.alpha, world.ars_dd, "validate", committee=met.committee)
    items = committees.minutes_items(met.committee, [met.alpha, met.beta])
    decisions = {item["project"].pk: item["decisions"] for item in items}
    assert [e.transition for e in decisions[met.alpha.pk]] == ["validate_li"]
    assert decisions[met.beta.pk] == []
