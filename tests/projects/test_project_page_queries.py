"""The project page reads a fixed number of queries, whatever it lists (issue 16): a project
with its history, a committee and its opinions, two leaders, an attachment, a request for
missing items and a journal costs no more than its rows' tables."""

import pytest
from django.urls import reverse

from tests.world import new_project

from .committee_world import busy_project

pytestmark = pytest.mark.django_db

# Session and user (2), project, members, informed départements, history, committees with
# their opinions, requests for missing items, journal, attachments: one query each, whatever
# the rows.
BUSY_PAGE_QUERIES = 10


@pytest.fixture
def busy(world, settings, tmp_path):
    """Every list of the page has rows (`busy_project`)."""
    settings.MEDIA_ROOT = tmp_path
    met = busy_project(world)
    project, leader = met.alpha, met.leader_alpha
    return project, {"leader": leader, "ars_dd": world.ars_dd, "cpam": world.cpam}


@pytest.mark.parametrize("role", ["leader", "ars_dd", "cpam"])
def test_a_busy_project_page_reads_a_fixed_number_of_queries(
    busy, login, role, django_assert_num_queries
):
    project, people = busy
    client = login(people[role])
    url = reverse("projects:detail", args=[project.pk])
    client.get(url)  # the site's configuration is read once, then kept in memory
    with django_assert_num_queries(BUSY_PAGE_QUERIES):
        page = client.get(url).content.decode()
    # Every list was read, each in its one query (a deferred field would add one per row).
    listed = ("Carte", "Charte signée", "CPAM", ": Favorable", "Ada", "Pièces manquantes demandées")
    for shown in listed:
        assert shown in page
    assert page.count('data-event="') == 5  # LI filed and validated … items requested


def test_a_new_project_skips_what_it_cannot_have(world, login, django_assert_num_queries):
    """No history, hence no request for missing items: one query fewer."""
    project, leader = new_project(world.dept)
    client = login(leader)
    url = reverse("projects:detail", args=[project.pk])
    client.get(url)
    with django_assert_num_queries(BUSY_PAGE_QUERIES - 1):
        client.get(url)
