"""The Django admin: SIRET and RPPS are edited there, superusers decide on account requests."""

import pytest
from django.urls import reverse

from accounts.models import Approval
from audit.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_a_superuser_approves_requests_from_the_user_list(client, superuser):
    pending = {"is_active": False, "approval": Approval.PENDING}
    person = UserFactory(organisation=OrganisationFactory(), **pending)
    done = UserFactory()  # not a request: the action leaves it alone
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_requests", "_selected_action": [person.pk, done.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.is_active, person.approval) == (True, "")
    assert AuditEntry.objects.filter(action="accounts.approve", actor=superuser).count() == 1


def test_siret_and_rpps_pages_open_and_an_invalid_siret_is_refused(client, superuser):
    organisation = OrganisationFactory()
    user = UserFactory(organisation=organisation, rpps="810001234567")
    assert client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="siret"' in page.content.decode()
    form = {"kind": organisation.kind, "name": organisation.name, "siret": "12345678901234"}
    form["departement"] = organisation.departement_id
    refused = client.post(url, form)
    assert refused.status_code == 200 and "SIRET n" in refused.content.decode()
    client.post(url, {**form, "siret": "13002526500013"})
    organisation.refresh_from_db()
    assert organisation.siret == "13002526500013"
