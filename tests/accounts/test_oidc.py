"""The whole OpenID Connect flow against a real provider on 127.0.0.1: who gets in, as whom, and
every forged or stale answer refused."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core import mail
from django.urls import reverse

from accounts.models import Approval, OrganisationKind, User
from accounts.second_factor import OIDC_SESSION_KEY
from audit.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

from .conftest import logged_in, login_through

pytestmark = pytest.mark.django_db
SIRET = "13002526500013"
REFUSED = "a pas abouti"


@pytest.fixture
def ars_dd():
    return OrganisationFactory(kind=OrganisationKind.ARS_DD, siret=SIRET, name="ARS DD Test")


def agent_identity(email="agent@ars.sante.fr", siret=SIRET):
    claims = {"sub": "pc-" + email, "email": email, "siret": siret, "idp_id": "fia1"}
    return {**claims, "given_name": "Alice", "usual_name": "Martin"}


def professional_identity(national_id="810001234567"):
    claims = {"sub": "f:psc:" + national_id, "SubjectNameID": national_id}
    return {
        **claims,
        "preferred_username": national_id,
        "given_name": "Paul",
        "family_name": "Durand",
    }


def test_buttons_show_only_for_configured_providers(client, settings, providers):
    page = client.get(reverse("login")).content.decode()
    assert "S'identifier avec ProConnect" in page and "S'identifier avec Pro Santé Connect" in page
    settings.CPTS_OIDC_PROVIDERS = {"psc": settings.CPTS_OIDC_PROVIDERS["psc"]}
    page = client.get(reverse("login")).content.decode()
    assert "ProConnect" not in page and "S'identifier avec Pro Santé Connect" in page
    assert client.get(reverse("oidc_start", args=["proconnect"])).status_code == 404
    settings.CPTS_OIDC_PROVIDERS = {}
    assert "S'identifier" not in client.get(reverse("login")).content.decode()


def test_known_agent_logs_in_with_proconnect(client, providers, ars_dd):
    agent = UserFactory(email="Agent@ARS.sante.fr", organisation=ars_dd)
    providers["proconnect"].identity = agent_identity()
    response = login_through(client, providers["proconnect"], "proconnect", next_url="/projets/")
    assert response.status_code == 302 and response["Location"] == "/projets/"
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.session[OIDC_SESSION_KEY]["provider"] == "proconnect"
    # The provider checked the PKCE verifier and saw the code used once.
    assert providers["proconnect"].refusals == []
    assert [c["used"] for c in providers["proconnect"].codes.values()] == [True]


def test_first_login_of_an_agent_asks_their_organisation_admin(
    client, providers, ars_dd, mail_on_commit
):
    admin = UserFactory(organisation=ars_dd, is_organisation_admin=True, email="chef@ars.fr")
    UserFactory(organisation=OrganisationFactory(), is_organisation_admin=True, email="x@y.fr")
    providers["proconnect"].identity = agent_identity("nouvelle@ars.sante.fr")
    with mail_on_commit(execute=True):
        response = login_through(client, providers["proconnect"], "proconnect")
    assert response.status_code == 403
    assert "Votre demande de compte est en attente" in response.content.decode()
    assert not logged_in(client)
    person = User.objects.get(email="nouvelle@ars.sante.fr")
    assert (person.is_active, person.approval, person.organisation) == (False, "pending", ars_dd)
    assert (person.first_name, person.last_name) == ("Alice", "Martin")
    assert not person.has_usable_password()
    assert AuditEntry.objects.filter(action="accounts.request", target_id=person.pk).exists()
    assert [m.to for m in mail.outbox] == [["chef@ars.fr"]]

    # Logging in again before the decision: still waiting, no second account.
    again = login_through(client, providers["proconnect"], "proconnect")
    assert again.status_code == 403 and User.objects.filter(email=person.email).count() == 1

    client.force_login(admin)
    page = client.get(reverse("pending_accounts")).content.decode()
    assert "nouvelle@ars.sante.fr" in page
    with mail_on_commit(execute=True):
        client.post(reverse("approve_account", args=[person.pk]))
    person.refresh_from_db()
    assert (person.is_active, person.approval) == (True, "")
    entry = AuditEntry.objects.get(action="accounts.approve")
    assert (entry.actor, entry.target_id, entry.organisation) == (admin, person.pk, ars_dd)
    assert mail.outbox[-1].to == ["nouvelle@ars.sante.fr"]

    client.logout()
    assert login_through(client, providers["proconnect"], "proconnect").status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_only_an_admin_of_the_same_organisation_decides(client, ars_dd):
    person = UserFactory(organisation=ars_dd, is_active=False, approval=Approval.PENDING)
    outsider = UserFactory(organisation=OrganisationFactory(), is_organisation_admin=True)
    colleague = UserFactory(organisation=ars_dd)  # of the organisation, not its administrator
    client.force_login(outsider)
    assert person.email not in client.get(reverse("pending_accounts")).content.decode()
    client.post(reverse("approve_account", args=[person.pk]))
    client.force_login(colleague)
    assert client.get(reverse("pending_accounts")).status_code == 403
    client.post(reverse("approve_account", args=[person.pk]))
    person.refresh_from_db()
    assert (person.is_active, person.approval) == (False, "pending")

    admin = UserFactory(organisation=ars_dd, is_organisation_admin=True)
    client.force_login(admin)
    client.post(reverse("refuse_account", args=[person.pk]))
    person.refresh_from_db()
    assert (person.is_active, person.approval) == (False, "refused")
    assert AuditEntry.objects.filter(action="accounts.refuse", actor=admin).exists()
    # Decided once: a second decision changes nothing.
    client.post(reverse("approve_account", args=[person.pk]))
    person.refresh_from_db()
    assert person.approval == "refused"


def test_refused_agent_is_told_so(client, providers, ars_dd):
    refused = {"is_active": False, "approval": Approval.REFUSED}
    UserFactory(email="agent@ars.sante.fr", organisation=ars_dd, **refused)
    providers["proconnect"].identity = agent_identity()
    response = login_through(client, providers["proconnect"], "proconnect")
    assert response.status_code == 403 and "désactivé" in response.content.decode()
    assert not logged_in(client)


def test_unknown_siret_gets_a_page_saying_what_to_do(client, providers, ars_dd):
    providers["proconnect"].identity = agent_identity(siret="35600000000048")
    response = login_through(client, providers["proconnect"], "proconnect")
    page = response.content.decode()
    assert response.status_code == 403
    assert "35600000000048" in page and "Que faire ?" in page
    assert not logged_in(client) and not User.objects.filter(email="agent@ars.sante.fr").exists()


def test_an_email_of_another_organisation_is_not_taken_over(client, providers, ars_dd):
    other = UserFactory(email="agent@ars.sante.fr", organisation=OrganisationFactory())
    providers["proconnect"].identity = agent_identity()
    response = login_through(client, providers["proconnect"], "proconnect")
    assert response.status_code == 403 and "autre organisation" in response.content.decode()
    assert not logged_in(client)
    other.refresh_from_db()
    assert other.organisation != ars_dd


def test_a_professional_gets_a_leader_account_on_the_spot(client, providers):
    providers["psc"].identity = professional_identity()
    response = login_through(client, providers["psc"], "psc")
    assert response.status_code == 302
    leader = User.objects.get(rpps="810001234567")
    assert client.session["_auth_user_id"] == str(leader.pk)
    assert (leader.organisation, leader.is_active, leader.first_name) == (None, True, "Paul")
    assert AuditEntry.objects.filter(action="accounts.create", actor=leader).exists()
    client.logout()
    assert login_through(client, providers["psc"], "psc").status_code == 302
    assert User.objects.filter(rpps="810001234567").count() == 1


def test_an_urps_member_may_use_either_provider(client, providers):
    region = OrganisationFactory().departement.region
    urps = OrganisationFactory(
        kind=OrganisationKind.URPS, departement=None, region=region, siret=SIRET
    )
    member = UserFactory(organisation=urps, email="agent@ars.sante.fr", rpps="810001234567")
    providers["proconnect"].identity = agent_identity()
    providers["psc"].identity = professional_identity()
    for name in ("proconnect", "psc"):
        client.logout()
        assert login_through(client, providers[name], name).status_code == 302
        assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.parametrize("tamper", ["signature", "nonce", "expired"])
def test_a_forged_or_stale_id_token_is_refused(client, providers, ars_dd, tamper):
    UserFactory(email="agent@ars.sante.fr", organisation=ars_dd)
    providers["proconnect"].identity = agent_identity()
    providers["proconnect"].tamper = tamper
    response = login_through(client, providers["proconnect"], "proconnect")
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not logged_in(client)


def test_a_wrong_state_is_refused_before_the_code_is_spent(client, providers, ars_dd):
    UserFactory(email="agent@ars.sante.fr", organisation=ars_dd)
    server = providers["proconnect"]
    server.identity = agent_identity()
    start = client.get(reverse("oidc_start", args=["proconnect"]))
    back = urlparse(server.consent(start["Location"]))
    code = parse_qs(back.query)["code"][0]
    response = client.get(back.path, {"code": code, "state": "x" * 48})
    assert response.status_code == 400 and not logged_in(client)
    assert [c["used"] for c in server.codes.values()] == [False]


def test_a_replayed_code_is_refused(client, providers, ars_dd):
    UserFactory(email="agent@ars.sante.fr", organisation=ars_dd)
    server = providers["proconnect"]
    server.identity = agent_identity()
    first = client.get(reverse("oidc_start", args=["proconnect"]))
    back = server.consent(first["Location"])
    assert client.get(back).status_code == 302
    # The same answer again: its state was spent with the first login.
    client.logout()
    assert client.get(back).status_code == 400 and not logged_in(client)
    # The old code with a fresh state: the provider refuses a code it already exchanged.
    fresh = client.get(reverse("oidc_start", args=["proconnect"]))
    state = parse_qs(urlparse(fresh["Location"]).query)["state"][0]
    code = parse_qs(urlparse(back).query)["code"][0]
    replay = client.get(urlparse(back).path, {"code": code, "state": state})
    assert replay.status_code == 400 and not logged_in(client)
    assert "code replayed" in server.refusals


def test_keys_rotated_at_the_provider_need_no_restart(client, providers, ars_dd):
    UserFactory(email="agent@ars.sante.fr", organisation=ars_dd)
    server = providers["proconnect"]
    server.identity = agent_identity()
    assert login_through(client, server, "proconnect").status_code == 302
    server.rotate_keys()  # the portal still holds the old key set
    client.logout()
    assert login_through(client, server, "proconnect").status_code == 302
    assert logged_in(client)


def test_a_login_cancelled_at_the_provider_shows_a_page(client, providers):
    client.get(reverse("oidc_start", args=["psc"]))
    response = client.get(reverse("oidc_callback", args=["psc"]), {"error": "access_denied"})
    assert response.status_code == 400 and REFUSED in response.content.decode()


def test_an_unreachable_provider_shows_a_page(client, settings, providers):
    settings.CPTS_OIDC_PROVIDERS["psc"]["server_metadata_url"] = "http://127.0.0.1:9/.well-known"
    response = client.get(reverse("oidc_start", args=["psc"]))
    assert response.status_code == 400 and REFUSED in response.content.decode()


def test_logout_ends_the_session_at_the_provider_too(client, providers):
    server = providers["psc"]
    server.identity = professional_identity()
    login_through(client, server, "psc")
    id_token = client.session[OIDC_SESSION_KEY]["id_token"]
    page = client.post(reverse("logout"))
    assert page.status_code == 200 and not logged_in(client)
    end = page.context["end_session_url"]
    assert end.startswith(server.url + "/logout?")
    assert parse_qs(urlparse(end).query)["id_token_hint"] == [id_token]
    back = requests.get(end, allow_redirects=False, timeout=10).headers["Location"]
    assert server.logouts[0]["id_token_hint"] == id_token
    done = client.get(back)
    assert done.status_code == 302 and done["Location"] == reverse("login")


def test_password_logout_stays_local(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not logged_in(client)
