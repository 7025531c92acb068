"""The public pages every State site carries (footer links) and the visitors' home page.

Static text: what changes with the operator (publisher, host, data controller) is a setting,
`CPTS_LEGAL`, shown "à compléter" while empty rather than invented."""

from django.conf import settings
from django.shortcuts import redirect, render

from .context_processors import site_config

A11Y_LABELS = {"FULL": "totalement conforme", "PART": "partiellement conforme"}


def home(request):
    if request.user.is_authenticated:
        return redirect("projects:list")
    return render(request, "pages/accueil.html")


def _legal(key: str) -> str:
    return settings.CPTS_LEGAL.get(key, "")


def legal_notice(request):
    publisher = [
        ("Éditeur", _legal("publisher")),
        ("Directeur ou directrice de la publication", _legal("director")),
        ("Hébergement", _legal("host")),
    ]
    return render(request, "pages/mentions_legales.html", {"publisher": publisher})


def personal_data(request):
    context = {"controller": _legal("controller"), "retention": _legal("retention")}
    return render(request, "pages/donnees_personnelles.html", context)


def accessibility(request):
    # The status is editable data: django-dsfr's configuration, in the admin.
    code = getattr(site_config(request)["SITE_CONFIG"], "accessibility_status", "NOT")
    context = {"status": accessibility_label(code), "status_is_default": code == "NOT"}
    return render(request, "pages/accessibilite.html", context)


def accessibility_label(code: str) -> str:
    return A11Y_LABELS.get(code, "non conforme")


def cookies(request):
    hours = settings.SESSION_COOKIE_AGE // 3600
    session = f"jusqu'à la fermeture du navigateur, {hours} heures au plus"
    rows = [
        (settings.SESSION_COOKIE_NAME, "Garde votre session ouverte.", session),
        (settings.CSRF_COOKIE_NAME, "Protège les formulaires contre la falsification.", "1 an"),
    ]
    return render(request, "pages/cookies.html", {"cookies": rows})
