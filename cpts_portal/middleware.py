"""Middleware of the whole site."""

from django.conf import settings


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
