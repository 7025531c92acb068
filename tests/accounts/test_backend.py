"""A signed-in request reads the session, then the person with their organisation in one
query, both in plain SQL that gives what the ORM would; a deactivated person, or an expired
session, is signed out."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from accounts.plain_reads import user_with_organisation
from accounts.sessions import SessionStore
from tests.factories import UserFactory
from tests.world import institution_user

pytestmark = pytest.mark.django_db


def test_the_person_and_their_organisation_in_one_query(client):
    agent = institution_user(OrganisationKind.ARS_DD)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reminders:list"))
    assert page.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    users = [s for s in sql if 'FROM "accounts_user"' in s]
    assert len(users) == 1 and 'JOIN "accounts_organisation"' in users[0]
    assert not any(s.startswith('SELECT "accounts_organisation"') for s in sql)
    assert page.wsgi_request.user.organisation.pk == agent.organisation.pk


def test_a_deactivated_person_is_signed_out(client):
    agent = institution_user(OrganisationKind.CPAM)
    client.force_login(agent)
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    page = client.get(reverse("reminders:list"))
    assert page.status_code == 302 and reverse("login") in page.url


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_plain_read_gives_the_orm_s_person_and_organisation(django_assert_num_queries):
    agent = institution_user(OrganisationKind.ARS_DD)
    type(agent).objects.filter(pk=agent.pk).update(last_login=timezone.now())
    expected = type(agent).objects.select_related("organisation").get(pk=agent.pk)
    with django_assert_num_queries(1):
        read = user_with_organisation(str(agent.pk))  # as the session keeps it
        organisation = read.organisation
    assert _fields(read) == _fields(expected) and read.last_login.tzinfo is not None
    assert _fields(organisation) == _fields(expected.organisation)
    assert not read._state.adding and read._state.db == "default"


def test_a_person_without_organisation_reads_none_without_a_second_query(
    django_assert_num_queries,
):
    admin = UserFactory(is_superuser=True, is_staff=True, organisation=None)
    with django_assert_num_queries(1):
        assert user_with_organisation(admin.pk).organisation is None


@pytest.mark.parametrize("user_id", ["abc", "", None, "999999999"])
def test_an_unknown_or_malformed_id_reads_nobody(user_id):
    assert user_with_organisation(user_id) is None


def test_a_session_is_read_until_it_expires():
    store = SessionStore()
    store["seen"] = "oui"
    store.create()
    assert SessionStore(session_key=store.session_key).load() == {"seen": "oui"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(session_key=store.session_key)
    assert expired.load() == {} and expired.session_key is None


def test_an_expired_session_signs_out(client):
    agent = institution_user(OrganisationKind.CPAM)
    client.force_login(agent)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    page = client.get(reverse("reminders:list"))
    assert page.status_code == 302 and reverse("login") in page.url
