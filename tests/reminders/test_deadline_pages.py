"""/echeances/ for a territory with many projects: pages, the overdue first and all reachable,
counts of the whole horizon, queries that do not grow with the projects."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationKind
from projects.states import State
from reminders import views
from tests.world import fresh_departement, institution_user, make_project

TODAY = dt.date(2026, 3, 15)


def noon(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=1)))


def filed(departement, name, deadline):
    return make_project(name, departement, State.PS_DEPOSE, ps_deadline=deadline)


def names_on(page: str) -> list[str]:
    return re.findall(r'<a href="/projets/\d+/">(CPTS [^<]+)</a>', page)


@pytest.fixture
def territory():
    """Seven PS whose opposition deadline has passed, five to come; the ARS DD's agent."""
    departement = fresh_departement()
    late = [
        filed(departement, f"CPTS late {i}", TODAY - dt.timedelta(days=10 - i)) for i in range(7)
    ]
    soon = [
        filed(departement, f"CPTS soon {i}", TODAY + dt.timedelta(days=5 + i)) for i in range(5)
    ]
    return departement, late, soon, institution_user(OrganisationKind.ARS_DD, departement)


@pytest.mark.django_db
def test_pages_show_the_overdue_first_and_every_one_is_reachable(client, territory, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    _, late, soon, ars = territory
    client.force_login(ars)
    url = reverse("reminders:list")
    with time_machine.travel(noon(TODAY), tick=False):
        pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
        beyond = client.get(url, {"page": 99}).content.decode()  # the last page, not an error
        for odd in ("abc", "0", "-1", "9" * 30, "1.5"):
            assert client.get(url, {"page": odd}).status_code == 200, odd
    seen = [names_on(page) for page in pages]
    assert seen[0] == [p.name for p in late[:5]]
    assert seen[1] == [p.name for p in late[5:]] + [p.name for p in soon[:3]]
    assert seen[2] == [p.name for p in soon[3:]] == names_on(beyond)
    assert all("<strong>12</strong> dans cet horizon" in page for page in pages)
    assert all("7 dépassées" in page for page in pages)
    assert 'href="?page=2"' in pages[0] and "page 1 sur 3" in pages[0]
    assert pages[0].count("Dépassée</p>") == 5 and pages[2].count("Dépassée</p>") == 0


@pytest.mark.django_db
def test_the_horizon_is_kept_from_page_to_page(client, territory, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    client.force_login(territory[3])
    with time_machine.travel(noon(TODAY), tick=False):
        page = client.get(reverse("reminders:list"), {"horizon": 365}).content.decode()
    assert 'href="?horizon=365&amp;page=2"' in page


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_projects(client, territory):
    departement, _, _, ars = territory
    client.force_login(ars)
    url = reverse("reminders:list")
    with time_machine.travel(noon(TODAY), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for i in range(30):
            filed(departement, f"CPTS more {i}", TODAY + dt.timedelta(days=i))
        with CaptureQueriesContext(connection) as many:
            page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert len(names_on(page)) == 42  # one page of 50
