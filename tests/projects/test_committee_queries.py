"""The committee page and the list of committees read a fixed number of queries, whatever their
agendas, opinions and amendments, and no server-side cursor for the forms' choices; the
minutes keep each project's own decisions."""

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
    return _queries(client, reverse("projects:committee", args=[committee.pk]))


def _queries(client, url) -> list[str]:
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


def test_the_page_reads_its_members_agenda_and_opinions_once(world, login):
    """Session, person, committee; its members (for their table, the opinion seats and the
    attendance form), the agenda (for its items and the document form), the opinions with
    every earlier version, the organisations still to seat, the documents: eight queries,
    however often an opinion was amended."""
    met = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))
    client = login(world.ars_dd)
    assert len(_page_queries(client, met.committee)) == 8
    for value in ("favorable", "reserves", "defavorable", "favorable"):
        committees.record_opinion(met.committee, met.alpha, world.cpam, value=value)
        committees.record_opinion(met.committee, met.beta, world.ars_dd, value=value)
    assert len(_page_queries(client, met.committee)) == 8
    html = client.get(reverse("projects:committee", args=[met.committee.pk])).content.decode()
    assert html.count('<details class="opinion-history">') == 2
    alpha = html.split(f'id="agenda-{met.alpha.pk}"')[1].split("</section>")[0]
    assert alpha.split('class="opinion-history"')[1].split("</details>")[0].count("<li>") == 4
    # A project leader: their own item only, read with the agenda (no prefetch of it first).
    assert len(_page_queries(login(met.leader_alpha), met.committee)) == 7


def test_the_list_reads_every_agenda_in_one_query(world, login):
    """Session, person, committees, the names on their agendas: four queries, whatever the
    number of committees and projects, for an institution as for a project leader."""
    two = TwoItems(world)
    urps = login(world.urps)
    url = reverse("projects:committees")
    assert len(_queries(urps, url)) == 4
    for _ in range(3):
        TwoItems(world)
    assert len(_queries(urps, url)) == 4
    assert len(_queries(login(two.leader_alpha), url)) == 4


def test_the_minutes_keep_each_projects_decisions(world):
    met = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))
    services.decide_letter(met.alpha, world.ars_dd, "validate", committee=met.committee)
    items = committees.minutes_items(met.committee, [met.alpha, met.beta])
    decisions = {item["project"].pk: item["decisions"] for item in items}
    assert [e.transition for e in decisions[met.alpha.pk]] == ["validate_li"]
    assert decisions[met.beta.pk] == []
