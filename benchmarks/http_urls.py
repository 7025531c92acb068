"""The app's URLs plus /bench/bare: Django's floor (middleware, no database), the reference."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("", include("cpts_portal.urls")),
]
