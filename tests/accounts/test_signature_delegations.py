"""Delegations of signature are editable data (admin), journaled, bounded."""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind, SignatureDelegation
from audit.models import AuditEntry
from tests.factories import UserFactory
from tests.world import institution_user

pytestmark = pytest.mark.django_db


def form(agent, **fields):
    return {
        "organisation": agent.organisation.pk,
        "user": agent.pk,
        "quality": "Directrice de la délégation départementale",
        "delegated_by": "le directeur général de l'ARS",
        "act": "Décision n° 2026-12 du 5 janvier 2026",
        "starts_on": "2026-01-05",
        "ends_on": "",
        **fields,
    }


def test_an_administrator_records_a_delegation_and_it_is_journaled(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    agent = institution_user(OrganisationKind.ARS_DD)
    client.force_login(admin)
    url = reverse("admin:accounts_signaturedelegation_add")
    response = client.post(url, form(agent))
    assert response.status_code == 302
    delegation = SignatureDelegation.objects.get()
    assert delegation.user == agent and delegation.quality.startswith("Directrice")
    entry = AuditEntry.objects.get(action="admin.signaturedelegation", actor=admin)
    assert entry.changes["quality"] == [None, "Directrice de la délégation départementale"]

    refused = client.post(url, form(agent, starts_on="2026-02-01", ends_on="2026-01-01"))
    assert refused.status_code == 200 and "La fin de la délégation précède son début" in (
        refused.content.decode()
    )
    refused = client.post(url, form(agent, act=""))
    assert "cite l&#x27;acte qui la donne" in refused.content.decode()
    stranger = institution_user(OrganisationKind.ARS_DD)
    refused = client.post(url, form(agent, user=stranger.pk))
    assert "signe pour sa propre organisation" in refused.content.decode()
    assert SignatureDelegation.objects.count() == 1


def test_other_staff_cannot_open_the_delegations(client):
    agent = institution_user(OrganisationKind.ARS_DD, is_staff=False)
    client.force_login(agent)
    response = client.get(reverse("admin:accounts_signaturedelegation_changelist"))
    assert response.status_code == 302  # to the admin login
