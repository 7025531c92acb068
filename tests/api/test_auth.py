"""Organisation keys: hashed at rest, shown once, refused when absent, wrong or revoked."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ApiToken, OrganisationKind
from accounts.tokens import authenticate, create_token, hash_key, revoke
from tests.factories import DepartementFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/projects/"


def test_no_key_bad_key_and_other_schemes_get_401(world, api_get):
    assert api_get(URL).status_code == 401
    assert api_get(URL, "cpts_not-a-real-key").status_code == 401
    assert api_get(URL, "nothing-like-ours").status_code == 401
    response = api_get(URL, world.key.dd_nord)
    assert response.status_code == 200


def test_basic_or_session_auth_is_not_a_key(world, client):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Basic {world.key.dd_nord}").status_code == 401
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(URL).status_code == 401  # a browser session does not open the API


def test_only_the_hash_is_stored_and_revocation_closes_the_key(world, api_get):
    org = OrganisationFactory(kind=OrganisationKind.CPAM, departement=world.d1)
    token, key = create_token(org, "SI CPAM")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_key(key) and key not in str(stored.__dict__)
    assert key.startswith(stored.prefix) and len(key) > 40
    assert api_get(URL, key).status_code == 200
    revoke(token)
    assert api_get(URL, key).status_code == 401
    assert authenticate(key) is None


def test_use_is_recorded_once_a_day(world, django_assert_num_queries):
    org = OrganisationFactory(kind=OrganisationKind.ARS_DD, departement=world.d1)
    token, key = create_token(org, "SI")
    assert token.last_used_on is None
    with django_assert_num_queries(2):  # lookup + the day's update
        assert authenticate(key).organisation == org
    with django_assert_num_queries(1):  # lookup only
        authenticate(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_on == timezone.localdate()


def test_command_prints_the_key_once_for_an_institution():
    org = OrganisationFactory(
        kind=OrganisationKind.ARS_DD, name="ARS DD Nord", departement=DepartementFactory()
    )
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token", "ARS DD Nord", "--name", "Tableau régional", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    assert authenticate(key).organisation == org
    assert "ne sera plus affichée" in err.getvalue() and key not in err.getvalue()
    assert ApiToken.objects.get().name == "Tableau régional"
    call_command(
        "create_api_token", str(org.pk), "--name", "Autre", stdout=io.StringIO(), stderr=err
    )
    assert ApiToken.objects.count() == 2


def test_command_refuses_unknown_organisations_and_cpts():
    cpts = OrganisationFactory(kind=OrganisationKind.CPTS, departement=None, name="CPTS X")
    with pytest.raises(CommandError):
        call_command("create_api_token", "Inconnue", "--name", "x", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_token", str(cpts.pk), "--name", "x", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_admin_lists_and_revokes_keys_without_creating_them(world, admin_client, api_get):
    response = admin_client.get("/admin/accounts/apitoken/")
    assert response.status_code == 200 and "clé ars_dd" in response.content.decode().lower()
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    token = authenticate(world.key.dd_nord)
    admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_keys", "_selected_action": [token.pk]},
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert api_get(URL, world.key.dd_nord).status_code == 401
    assert api_get(URL, world.key.dd_pdc).status_code == 200


def test_schema_is_public_and_declares_the_key(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["OrganisationToken"]["scheme"] == "bearer"
    assert "security" not in schema["paths"]["/api/opendata/cpts"]["get"]
    assert schema["paths"]["/api/projects/"]["get"]["security"] == [{"OrganisationToken": []}]
