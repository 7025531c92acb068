"""Login throttling per username and per address, the client address behind a trusted proxy
only, and hourly limits on sign-ups and invitations (which never turn into a 500)."""

import ipaddress
import secrets

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.throttling import allow, client_ip
from projects.states import State
from tests.factories import UserFactory
from tests.world import project_in_state

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-solide-42"


@pytest.fixture
def counters(settings):
    """Hourly counters of this test alone (in Redis they would outlive the test database)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"rate-{secrets.token_hex(8)}",
        }
    }


def fresh_ip():
    return str(ipaddress.IPv6Address(secrets.randbits(128)))


@pytest.fixture
def axes(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.CPTS_LOGIN_FAILURES_PER_ADDRESS = 5
    return settings


def login(client, username, password="mauvais", **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def test_spraying_passwords_across_usernames_locks_the_address(client, axes):
    users = [UserFactory(username=f"agent{i}") for i in range(6)]
    codes = [login(client, u.username, REMOTE_ADDR="10.0.0.1").status_code for u in users[:5]]
    assert codes == [200, 200, 200, 200, 429]  # one failure each, five for the address
    locked = login(client, users[5].username, PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert login(client, users[5].username, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_a_username_is_locked_at_one_address_only(client, axes):
    UserFactory(username="cible")
    UserFactory(username="voisin")
    for _ in range(3):
        login(client, "cible", REMOTE_ADDR="10.0.1.1")
    assert login(client, "cible", PASSWORD, REMOTE_ADDR="10.0.1.1").status_code == 429
    # Same address, another person (under the address's limit); same person, elsewhere.
    assert login(client, "voisin", PASSWORD, REMOTE_ADDR="10.0.1.1").status_code == 302
    client.logout()
    assert login(client, "cible", PASSWORD, REMOTE_ADDR="10.0.1.2").status_code == 302


def meta_request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "trusted, remote, forwarded, expected",
    [
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy configured: header ignored
        (["10.0.0.5"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not from the proxy
        (["10.0.0.5"], "10.0.0.5", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.5"], "10.0.0.5", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # client-written part ignored
        (["10.0.0.0/24"], "10.0.0.5", "1.2.3.4, 10.0.0.7", "1.2.3.4"),  # two proxies
        (["10.0.0.5"], "10.0.0.5", "n'importe quoi", "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", None, "10.0.0.5"),
        (["2001:db8::1"], "2001:db8::1", "2001:db8::abcd", "2001:db8::abcd"),
    ],
)
def test_the_client_address(settings, trusted, remote, forwarded, expected):
    settings.CPTS_TRUSTED_PROXIES = trusted
    assert client_ip(meta_request(remote, forwarded)) == expected


def test_behind_a_trusted_proxy_each_client_keeps_its_own_lock(client, axes):
    axes.CPTS_TRUSTED_PROXIES = ["10.9.9.9"]
    UserFactory(username="agent")
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    for _ in range(3):
        login(client, "agent", HTTP_X_FORWARDED_FOR="1.1.1.1", **proxy)
    assert (
        login(client, "agent", PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1", **proxy).status_code == 429
    )
    assert (
        login(client, "agent", PASSWORD, HTTP_X_FORWARDED_FOR="2.2.2.2", **proxy).status_code == 302
    )


def test_a_forged_header_without_a_trusted_proxy_does_not_escape_the_lock(client, axes):
    UserFactory(username="agent")
    for i in range(3):
        login(client, "agent", REMOTE_ADDR="10.0.2.1", HTTP_X_FORWARDED_FOR=f"7.7.7.{i}")
    assert login(client, "agent", PASSWORD, REMOTE_ADDR="10.0.2.1").status_code == 429


SIGNUP = {
    "first_name": "Jeanne",
    "last_name": "Dupont",
    "password1": "un-mot-de-passe-long-2026",
    "password2": "un-mot-de-passe-long-2026",
}


def test_sign_ups_are_limited_per_address(client, settings, counters):
    settings.CPTS_SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    ip = fresh_ip()
    codes = [
        client.post(
            reverse("signup"), {**SIGNUP, "username": f"j{i}", "email": f"j{i}@example.org"},
            REMOTE_ADDR=ip,
        ).status_code
        for i in range(3)
    ]  # fmt: skip
    assert codes == [302, 302, 429]
    assert (
        "Trop de demandes"
        in client.post(reverse("signup"), SIGNUP, REMOTE_ADDR=ip).content.decode()
    )
    assert client.post(reverse("signup"), SIGNUP, REMOTE_ADDR=fresh_ip()).status_code == 200


def test_invitations_are_limited_per_person_and_per_address(client, settings, counters):
    settings.CPTS_INVITATIONS_PER_HOUR = 2
    project, leader, _ = project_in_state(State.LI_DEPOSEE)
    url = reverse("projects:invite", args=[project.pk])
    client.force_login(leader)
    ip = fresh_ip()
    codes = [
        client.post(url, {"email": f"co{i}@example.org"}, REMOTE_ADDR=ip).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert project.invitations.count() == 2
    # The same person from another address is still over their own limit.
    assert client.post(url, {"email": "co9@example.org"}, REMOTE_ADDR=fresh_ip()).status_code == 429


def test_a_limit_with_the_cache_down_allows_and_never_fails(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    assert allow("signup", "ip:1.2.3.4", limit=0) is True
