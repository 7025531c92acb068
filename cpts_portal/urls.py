from django.contrib import admin
from django.urls import include, path

from cpts_portal import pages
from cpts_portal.api import api
from cpts_portal.health import healthz

# 403, 404 and 500 use Django's views with our templates (templates/403.html …).
handler400 = "cpts_portal.errors.bad_request"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", pages.home, name="home"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("mentions-legales/", pages.legal_notice, name="legal"),
    path("donnees-personnelles/", pages.personal_data, name="personal_data"),
    path("cookies/", pages.cookies, name="cookies"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("projets/", include("projects.urls")),
    path("financement/", include("funding.urls")),
    path("territoires/", include("territories.urls")),
    path("echeances/", include("reminders.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
