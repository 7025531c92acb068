"""X-Forwarded-Proto says "https" only when a trusted proxy sends it: otherwise any client
speaking plain HTTP could pass as secure (secure cookies, no redirect to https)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cpts_portal.middleware import UntrustedForwardedProtoMiddleware


@pytest.fixture
def proxy_settings(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CPTS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    return settings


def secure_seen(peer: str) -> bool:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=peer)
    seen = []
    UntrustedForwardedProtoMiddleware(lambda r: seen.append(r.is_secure()) or HttpResponse())(
        request
    )
    return seen[0]


def test_the_header_of_a_trusted_proxy_is_believed(proxy_settings):
    assert secure_seen("10.1.2.3")


def test_the_header_of_anyone_else_is_dropped(proxy_settings):
    assert not secure_seen("203.0.113.9")


def test_without_trusted_proxies_nobody_is_believed(proxy_settings):
    proxy_settings.CPTS_TRUSTED_PROXIES = []
    assert not secure_seen("10.1.2.3")


def test_the_middleware_runs_before_the_security_middleware(settings):
    order = settings.MIDDLEWARE
    ours = order.index("cpts_portal.middleware.UntrustedForwardedProtoMiddleware")
    assert ours < order.index("django.middleware.security.SecurityMiddleware")
