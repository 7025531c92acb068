"""Admin forms put each error under its field, in French: never a constraint's code name."""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from tests.factories import UserFactory
from tests.world import institution_user

from .test_signature_delegations import form

pytestmark = pytest.mark.django_db


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
