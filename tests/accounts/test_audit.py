"""Account writes are journaled: sign-up, API keys (command and admin), admin edits."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import ApiToken, Organisation, OrganisationKind, User
from accounts.tokens import create_token, revoke
from audit.models import AuditEntry
from tests.factories import DepartementFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-solide-42"


def entry(action) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("pk")


def signup_data(**extra):
    return {
        "username": "lea",
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def test_sign_up_is_journaled_by_the_new_person(client):
    client.post(reverse("signup"), signup_data())
    user = User.objects.get(username="lea")
    signed = entry("accounts.signup")
    assert (signed.actor, signed.target_id, signed.organisation) == (user, user.pk, None)


def test_a_name_taken_journals_nothing(client):
    UserFactory(username="lea")
    client.post(reverse("signup"), signup_data(email="x@example.org"))
    assert User.objects.filter(username="lea").count() == 1
    assert not AuditEntry.objects.filter(action="accounts.signup").exists()


def test_key_created_by_the_command_and_revoked_in_the_admin(admin_client, admin_user):
    org = OrganisationFactory(
        kind=OrganisationKind.ARS_DD, name="ARS DD Nord", departement=DepartementFactory()
    )
    out = io.StringIO()
    call_command("create_api_token", "ARS DD Nord", "--name", "SI", stdout=out, stderr=out)
    token = ApiToken.objects.get()
    created = entry("accounts.token.create")
    assert created.actor is None and created.label == "Clé d'API « SI » créée"
    assert created.changes == {
        "organisation": [None, "ARS DD Nord"],
        "début de la clé": [None, token.prefix],
    }
    assert out.getvalue().split()[-1] not in str(created.changes)  # never the key

    admin_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke_keys", "_selected_action": [token.pk]}
    )
    revoked = entry("accounts.token.revoke")
    assert revoked.actor == admin_user and revoked.target_id == token.pk
    assert revoked.changes["révoquée le"][0] is None
    assert revoke(ApiToken.objects.get()) is False  # already revoked: nothing more journaled
    assert AuditEntry.objects.filter(action="accounts.token.revoke").count() == 1
    assert org.api_tokens.get().revoked_at is not None


def test_the_key_form_in_the_admin_changes_nothing(admin_client):
    org = OrganisationFactory(kind=OrganisationKind.CPAM, departement=DepartementFactory())
    token, _ = create_token(org, "SI")
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    admin_client.post(url, {"name": "Autre", "revoked_at_0": "01/01/2026"})
    token.refresh_from_db()
    assert token.name == "SI" and token.revoked_at is None


def test_admin_edits_of_people_and_organisations_old_to_new(admin_client, admin_user):
    dept = DepartementFactory()
    admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"kind": "cpam", "name": "CPAM Nord", "departement": dept.pk, "profession": ""},
    )
    org = Organisation.objects.get(name="CPAM Nord")
    added = entry("admin.organisation")
    assert added.actor == admin_user and added.target_id == org.pk
    assert added.changes["name"] == [None, "CPAM Nord"]

    person = UserFactory(first_name="Léa", organisation=org)
    data = {
        "username": person.username,
        "first_name": "Lea",
        "last_name": "",
        "email": person.email,
        "is_active": "on",
        "organisation": org.pk,
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "01/01/2026",
        "initial-date_joined_1": "10:00:00",
    }
    response = admin_client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    changed = entry("admin.user")
    assert changed.changes["first_name"] == ["Léa", "Lea"]
    assert "password" not in changed.changes

    url = reverse("admin:auth_user_password_change", args=[person.pk])
    admin_client.post(url, {"password1": "Nouveau-mdp-2026!", "password2": "Nouveau-mdp-2026!"})
    assert entry("admin.user").label.endswith("mot de passe")
    assert "Nouveau" not in str(entry("admin.user").changes)
