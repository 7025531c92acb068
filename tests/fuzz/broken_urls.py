"""Views with the faults the fuzzer must catch (tests/fuzz/test_engine.py)."""

from django.http import HttpResponse
from django.urls import path

from cpts_portal.urls import urlpatterns as portal
from territories.models import Region


def crashes_on_nul(request):
    if "\x00" in request.POST.get("name", ""):
        raise ValueError("NUL")
    return HttpResponse("ok")


def half_saves(request):
    Region.objects.create(code="R99", name="écrit à moitié")  # then says no: a half-save
    return HttpResponse("<p class='fr-error-text'>Refusé</p>")


urlpatterns = [
    path("crash/", crashes_on_nul, name="crash"),
    path("half/", half_saves, name="half"),
    *portal,  # the error pages link to the portal's pages
]
