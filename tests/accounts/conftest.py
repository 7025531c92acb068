import pytest
from django.urls import reverse

from accounts.oidc import client as oidc_client

from .provider import Provider

PROCONNECT_SCOPE = "openid email given_name usual_name siret"
PSC_SCOPE = "openid scope_all"


@pytest.fixture(scope="session")
def provider_servers():
    servers = {"proconnect": Provider(), "psc": Provider()}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def providers(provider_servers, settings):
    """Both providers configured and fresh (new keys, no codes); ProConnect signs its userinfo
    answer as the real one does."""
    for server in provider_servers.values():
        server.reset()
    provider_servers["proconnect"].userinfo_as_jwt = True
    settings.CPTS_OIDC_PROVIDERS = {
        "proconnect": provider_servers["proconnect"].settings("ProConnect", PROCONNECT_SCOPE),
        "psc": provider_servers["psc"].settings("Pro Santé Connect", PSC_SCOPE),
    }
    oidc_client._client.cache_clear()
    yield provider_servers
    oidc_client._client.cache_clear()


def login_through(client, provider, name, next_url=""):
    """Click the provider's button, log in at the provider, come back: the portal's answer."""
    start = client.get(reverse("oidc_start", args=[name]), {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content
    return client.get(provider.consent(start["Location"]))


def logged_in(client):
    return "_auth_user_id" in client.session
