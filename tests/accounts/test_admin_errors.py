"""Admin forms put each error under its field, in French: never a constraint's code name."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind, SignatureDelegation
from tests.factories import UserFactory
from tests.world import institution_user

from .test_signature_delegations import form

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 5)


def _errors_of(response, field):
    return [str(e) for e in response.context["adminform"].form.errors.get(field, [])]


def _all_errors(response) -> str:
    errors = response.context["adminform"].form.errors
    return " ".join(str(e) for field in errors.values() for e in field)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"starts_on": "2026-02-01", "ends_on": "2026-01-01"}, "ends_on", "précède son début"),
        ({"act": ""}, "act", "cite l'acte"),
        ({"starts_on": "2009-01-01"}, "starts_on", "1er avril 2010"),
    ],
)
def test_delegation_errors_sit_under_their_field(admin_client, fields, field, text):
    agent = institution_user(OrganisationKind.ARS_DD)
    url = reverse("admin:accounts_signaturedelegation_add")
    response = admin_client.post(url, form(agent, **fields))
    assert response.status_code == 200
    assert any(text in e for e in _errors_of(response, field))
    assert "contrainte" not in _all_errors(response)  # « La contrainte « delegation_… » »


@pytest.mark.parametrize(
    ("kind", "field"), [(OrganisationKind.ARS, "region"), (OrganisationKind.CPAM, "departement")]
)
def test_organisation_without_its_territory_is_told_in_french(admin_client, kind, field):
    url = reverse("admin:accounts_organisation_add")
    response = admin_client.post(url, {"kind": kind, "name": "Sans territoire"})
    assert response.status_code == 200
    assert _errors_of(response, field)
    assert "contrainte" not in _all_errors(response)


def test_a_change_breaking_a_database_rule_is_told_in_french(admin_client):
    """The model's own checks stop at their first error; the database rule on another field
    then speaks for itself, in its French words: no 500, no constraint name."""
    agent = institution_user(OrganisationKind.ARS_DD)
    delegation = SignatureDelegation.objects.create(
        organisation=agent.organisation, user=agent, quality="Directrice", starts_on=START
    )
    url = reverse("admin:accounts_signaturedelegation_change", args=[delegation.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    # Out of bounds: before the ARS existed (1 April 2010), and ending before it starts.
    response = admin_client.post(url, form(agent, starts_on="2009-01-01", ends_on="2008-06-30"))
    assert response.status_code == 200
    rules = {c.name: str(c.violation_error_message) for c in SignatureDelegation._meta.constraints}
    assert rules["delegation_after_ars_creation"] in _all_errors(response)
    assert "1er avril 2010" in response.content.decode()
    assert _errors_of(response, "ends_on") and "contrainte" not in _all_errors(response)
    delegation.refresh_from_db()
    assert delegation.starts_on == START
