"""Error views Django's defaults do not cover: an upload over the cap, a CSRF refusal."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseForbidden
from django.template import loader

CSRF_MESSAGE = (
    "Le formulaire a expiré ou a été envoyé depuis un autre site : rechargez la page, puis "
    "recommencez."
)


def bad_request(request, exception):
    """400, or 413 when the body passed the upload cap. Rendered without the request, like
    Django's own: the request itself (its host) may be what is wrong."""
    too_large = isinstance(exception, RequestDataTooBig)
    body = loader.render_to_string("400.html", {"too_large": too_large})
    return HttpResponse(body, status=413 if too_large else 400)


def csrf_failure(request, reason=""):
    body = loader.render_to_string("403.html", {"exception": CSRF_MESSAGE}, request)
    return HttpResponseForbidden(body)
