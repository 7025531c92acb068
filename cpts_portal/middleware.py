"""Middleware of the whole site."""

from django.conf import settings

from accounts.throttling import from_trusted_proxy


class UntrustedForwardedProtoMiddleware:
    """SECURE_PROXY_SSL_HEADER believes X-Forwarded-Proto from anyone: a client talking plain
    HTTP to the server could claim https. The header is dropped unless the peer is a trusted
    proxy (DJANGO_TRUSTED_PROXIES), before SecurityMiddleware and request.is_secure() read it."""

    HEADER = "HTTP_X_FORWARDED_PROTO"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.HEADER in request.META and not from_trusted_proxy(request):
            del request.META[self.HEADER]
        return self.get_response(request)


class PrivateCacheMiddleware:
    """A response to a signed-in person (a session cookie, or an API key) may carry personal
    data: neither the browser nor a shared cache may keep it. Judged from the request's
    credentials, not from `request.user`, so it needs no database (a `/healthz` with PostgreSQL
    down still answers 503). Responses that set their own policy (open data) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = (
            settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
        )
        if signed_in and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
