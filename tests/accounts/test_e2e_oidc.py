"""In Debian's Chromium: an agent clicks ProConnect, logs in at the provider, lands on the portal,
then logs out of both; a health professional does the same with Pro Santé Connect."""

import re

import pytest

from accounts.models import OrganisationKind, User
from tests.browser import ARTIFACTS, chromium_page
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(live_server):
    with chromium_page() as page:
        yield page


def test_an_agent_clicks_through_proconnect_and_back(page, live_server, providers):
    organisation = OrganisationFactory(kind=OrganisationKind.CPAM, siret="13002526500013")
    UserFactory(
        email="agent@cpam.fr", first_name="Alice", last_name="Martin", organisation=organisation
    )
    server = providers["proconnect"]
    server.identity = {"sub": "a1", "email": "agent@cpam.fr", "siret": "13002526500013"}

    page.goto(live_server.url + "/accounts/login/")
    page.screenshot(path=str(ARTIFACTS / "oidc-login.png"), full_page=True)
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    page.wait_for_url(server.url + "/authorize?*")
    assert "agent@cpam.fr" in page.text_content("body")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/projets/.*"))
    assert "Alice Martin" in page.text_content("header")
    page.screenshot(path=str(ARTIFACTS / "oidc-proconnect-logged-in.png"), full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/accounts/login/")
    assert "Vous êtes déconnecté" in page.text_content("body")
    assert server.logouts and server.logouts[0]["id_token_hint"]


def test_a_professional_clicks_through_pro_sante_connect(page, live_server, providers):
    server = providers["psc"]
    server.identity = {"sub": "p1", "SubjectNameID": "810009876543"}
    server.identity.update(given_name="Paul", family_name="Durand")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="S'identifier avec Pro Santé Connect").click()
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/projets/.*"))
    assert "Paul Durand" in page.text_content("header")
    assert User.objects.get(rpps="810009876543").organisation is None
