from django.contrib import admin
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

from cpts_portal.api import api
from projects.views.dashboard import home


def healthz(request):
    """Liveness for the orchestrator: the app answers and reaches its database."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("projets/", include("projects.urls")),
    path("financement/", include("funding.urls")),
    path("territoires/", include("territories.urls")),
    path("echeances/", include("reminders.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
