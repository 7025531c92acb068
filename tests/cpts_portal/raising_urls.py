"""The site's URLs plus one view that fails, for the 500 page."""

from django.urls import path

from cpts_portal.urls import handler400  # noqa: F401
from cpts_portal.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urls]
