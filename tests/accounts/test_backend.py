"""A signed-in request reads the session, then the person with their organisation in one
query; a deactivated person is signed out."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationKind
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
