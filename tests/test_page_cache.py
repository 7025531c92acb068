"""The page cache (cpts_portal/page_cache.py) on the real Redis and PostgreSQL: it serves a page
again only while nothing was written, and only to the session or key that rendered it."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from accounts.tokens import create_token, revoke
from cpts_portal import page_cache
from projects import services
from projects.collaboration import Committee, CommitteeKind
from projects.models import Project
from projects.states import State

from .factories import backdate_receipt, institution_user, project_in_state, today

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def served_from_cache(client, url, **headers) -> bool:
    return get(client, url, **headers).get("X-Page-Cache") == "hit"


@pytest.fixture
def ars_client(client):
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    client.force_login(ars)
    return client, project, ars


@pytest.mark.parametrize(
    "sql, writes",
    [
        ('SELECT "projects_project"."id" FROM "projects_project"', False),
        ("  select 1", False),
        ('SAVEPOINT "s1"', False),
        ('INSERT INTO "projects_project" ("name") VALUES (%s)', True),
        ('UPDATE "projects_project" SET "state" = %s', True),
        ('DELETE FROM "projects_project"', True),
        ("WITH due AS (SELECT 1) UPDATE projects_project SET state = 'x'", True),
        ("TRUNCATE projects_project", True),
        ('DELETE FROM "django_session" WHERE "session_key" = %s', True),  # a logout
        (b"UPDATE x", True),
    ],
)
def test_write_statements_are_recognised(sql, writes):
    assert page_cache.is_write(sql) is writes


def test_dashboard_served_again_without_queries_until_a_write(ars_client):
    client, project, _ = ars_client
    url = reverse("projects:list")
    first = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, url)
    assert second["X-Page-Cache"] == "hit" and len(queries) == 0
    assert second.content == first.content

    # A bulk UPDATE sends no signal: the version bump comes from the SQL itself.
    Project.objects.filter(pk=project.pk).update(name="CPTS renommée")
    third = get(client, url)
    assert third["X-Page-Cache"] == "miss"
    assert "CPTS renommée" in third.content.decode()


def test_implicit_sweep_shows_at_once_on_the_cached_project_page(ars_client):
    """The sweep's raw SQL UPDATE must invalidate: a PS deemed validated never shows as déposé."""
    client, project, _ = ars_client
    backdate_receipt(project, today() - dt.timedelta(days=70))
    url = reverse("projects:detail", args=[project.pk])
    get(client, url)
    assert served_from_cache(client, url)
    assert services.apply_implicit_validations() == 1
    page = get(client, url)
    assert page["X-Page-Cache"] == "miss"
    assert State.PS_REPUTE_VALIDE.label in page.content.decode()


def test_each_session_has_its_own_entries(ars_client):
    client, project, ars = ars_client
    url = reverse("projects:detail", args=[project.pk])
    get(client, url)
    assert served_from_cache(client, url)

    outsider = institution_user(OrganisationKind.ARS_DD)  # another département
    other = Client()
    other.force_login(outsider)
    assert other.get(url).status_code == 404
    colleague = Client()
    colleague.force_login(ars)  # same person, new session: rendered for that session
    assert get(colleague, url)["X-Page-Cache"] == "miss"


def test_logout_ends_what_the_session_had_cached(ars_client):
    client, _, _ = ars_client
    url = reverse("projects:list")
    get(client, url)
    assert served_from_cache(client, url)
    client.post(reverse("logout"))
    response = client.get(url)
    assert response.status_code == 302 and response.get("X-Page-Cache") is None


def test_flash_messages_are_shown_once_and_never_cached(client):
    project, leader, _ = project_in_state(State.PS_DEPOSE)
    client.force_login(leader)
    url = reverse("projects:detail", args=[project.pk])
    get(client, url)
    assert served_from_cache(client, url)
    # The letter is no longer editable: an info message for the next page, then a redirect.
    assert client.get(reverse("projects:letter", args=[project.pk])).status_code == 302
    with_message = get(client, url)
    assert with_message.get("X-Page-Cache") is None
    assert "plus modifiable" in with_message.content.decode()
    after = get(client, url)
    assert after["X-Page-Cache"] == "hit"  # the entry from before, which has no message
    assert "plus modifiable" not in after.content.decode()


def test_a_new_day_renders_again(ars_client):
    client, _, ars = ars_client
    url = reverse("projects:list")
    tomorrow = timezone.make_aware(dt.datetime.combine(today() + dt.timedelta(days=1), dt.time()))
    with time_machine.travel(tomorrow - dt.timedelta(minutes=1), tick=False):
        client.force_login(ars)  # a session that lasts past midnight
        get(client, url)
        assert served_from_cache(client, url)
    with time_machine.travel(tomorrow, tick=False):
        assert not served_from_cache(client, url)
    with time_machine.travel(tomorrow - dt.timedelta(hours=1), tick=False):
        assert not served_from_cache(client, url)  # rendered later than "now": never served


def test_not_served_after_the_session_expires(client, settings):
    project, leader, _ = project_in_state(State.PS_DEPOSE)
    morning = timezone.make_aware(dt.datetime.combine(today(), dt.time(9)))
    url = reverse("projects:detail", args=[project.pk])
    with time_machine.travel(morning, tick=False):
        client.force_login(leader)
        get(client, url)
        assert served_from_cache(client, url)
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(morning + age - dt.timedelta(seconds=1), tick=False):
        assert served_from_cache(client, url)
    with time_machine.travel(morning + age + dt.timedelta(seconds=1), tick=False):
        assert client.get(url).get("X-Page-Cache") != "hit"


def test_project_page_renders_again_when_its_committee_starts(ars_client):
    client, project, ars = ars_client
    morning = timezone.make_aware(dt.datetime.combine(today(), dt.time(9)))
    starts = morning + dt.timedelta(minutes=30)
    committee = Committee.objects.create(
        kind=CommitteeKind.PS,
        departement=project.departement,
        meets_at=starts,
        place="Salle 1",
        members="ARS",
        created_by=ars,
    )
    committee.projects.add(project)
    url = reverse("projects:detail", args=[project.pk])
    with time_machine.travel(morning, tick=False):
        client.force_login(ars)
        get(client, url)
    with time_machine.travel(starts - dt.timedelta(seconds=1), tick=False):
        assert served_from_cache(client, url)
    with time_machine.travel(starts, tick=False):
        assert not served_from_cache(client, url)


def test_api_list_cached_per_key_and_a_revoked_key_is_refused(ars_client):
    _, project, ars = ars_client
    token, key = create_token(ars.organisation, "tableau de bord")
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = "/api/projects/"
    first = get(api, url, **auth)
    assert [p["id"] for p in first.json()["items"]] == [project.pk]
    # The key's first use of the day records it (a write): the page is kept from the next.
    assert not served_from_cache(api, url, **auth)
    assert served_from_cache(api, url, **auth)
    revoke(token)
    assert api.get(url, **auth).status_code == 401


def test_exports_are_not_cached(ars_client):
    client, _, _ = ars_client
    url = reverse("projects:list") + "?_export=csv"
    assert get(client, url).get("X-Page-Cache") is None
    assert get(client, url).get("X-Page-Cache") is None


def test_a_write_bumps_the_version_again_at_commit(django_capture_on_commit_callbacks):
    """Between a write and its commit, a page may render the old data under the new version:
    the second bump, at commit, makes that entry unreachable."""
    before = page_cache.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            institution_user(OrganisationKind.CPAM)  # several INSERTs
            assert page_cache.current_version() > before
            during = page_cache.current_version()
    assert callbacks.count(page_cache.bump) == 1  # once per transaction
    assert page_cache.current_version() == during + 1


def test_a_lost_version_restarts_unpredictably(ars_client):
    """If Redis loses the version, entries stored before must not match a restarted counter."""
    client, _, _ = ars_client
    url = reverse("projects:list")
    get(client, url)
    cache.delete(page_cache.VERSION_KEY)
    assert not served_from_cache(client, url)


def test_off_without_a_shared_cache(ars_client, settings):
    client, _, _ = ars_client
    settings.CPTS_PAGE_CACHE = False
    url = reverse("projects:list")
    get(client, url)
    assert get(client, url).get("X-Page-Cache") is None


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_a_commit_is_not_served_after_it(client):
    """Another connection writes and holds its transaction open; the page rendered meanwhile
    shows the old data under the version bumped by the write. The commit bumps it again."""
    project, _, ars = project_in_state(State.PS_DEPOSE)
    client.force_login(ars)
    url = reverse("projects:detail", args=[project.pk])
    written, release = threading.Event(), threading.Event()

    def rename():
        try:
            with transaction.atomic():
                Project.objects.filter(pk=project.pk).update(name="CPTS renommée")
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=rename)
    writer.start()
    assert written.wait(10)
    during = get(client, url)
    assert during["X-Page-Cache"] == "miss" and "CPTS renommée" not in during.content.decode()
    release.set()
    writer.join(10)
    after = get(client, url)
    assert after["X-Page-Cache"] == "miss" and "CPTS renommée" in after.content.decode()
