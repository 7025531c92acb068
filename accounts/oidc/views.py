"""Login through a provider, its return, and logout (at the provider too)."""

import logging

from django.conf import settings
from django.contrib import auth, messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.errors import UserError

from ..models import Approval
from ..second_factor import OIDC_SESSION_KEY, exempt
from . import client, people

logger = logging.getLogger(__name__)
NEXT_SESSION_KEY = "cpts_oidc_next"
MATCH = {"proconnect": people.agent, "psc": people.professional}


def _provider(name: str) -> dict:
    provider = client.configured().get(name)
    if provider is None or name not in MATCH:
        raise Http404("Fournisseur d'identité inconnu.")
    return provider


@require_GET
def start(request, provider):
    """The provider's button: off to its login page (a link, so no form posts elsewhere)."""
    _provider(provider)
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    request.session[NEXT_SESSION_KEY] = wanted if safe else ""
    try:
        return client.authorization_redirect(request, provider)
    except client.FAILURES as exc:
        return _failed(request, provider, exc)


@require_GET
def callback(request, provider):
    """The provider sends the person back: check everything, then find or create the account."""
    label = _provider(provider)["label"]
    try:
        claims, id_token = client.verified_claims(request, provider)
    except client.FAILURES as exc:
        return _failed(request, provider, exc)
    try:
        user = MATCH[provider](claims)
    except people.UnknownSiret as exc:
        context = {"siret": exc.siret, "label": label}
        return render(request, "registration/oidc_unknown_siret.html", context, status=403)
    except UserError as exc:
        return _refused(request, label, str(exc))
    if user.approval == Approval.PENDING:
        context = {"person": user, "label": label}
        return render(request, "registration/oidc_pending.html", context, status=403)
    if not user.is_active:
        return _refused(request, label, "Votre compte du portail est désactivé.")
    wanted = request.session.pop(NEXT_SESSION_KEY, "")  # login() may empty the session
    auth.login(request, user, backend="accounts.backends.ModelBackendWithOrganisation")
    request.session[OIDC_SESSION_KEY] = {"provider": provider, "id_token": id_token}
    return redirect(wanted or settings.LOGIN_REDIRECT_URL)


def _failed(request, provider, exc):
    logger.warning("OpenID Connect login through %s refused: %r", provider, exc)
    message = (
        "La connexion n'a pas abouti : la réponse du fournisseur d'identité n'a pas pu être "
        "vérifiée ou a expiré. Recommencez depuis la page de connexion."
    )
    return _refused(request, client.configured()[provider]["label"], message, status=400)


def _refused(request, label, message, status=403):
    context = {"label": label, "message": message}
    return render(request, "registration/oidc_refused.html", context, status=status)


@exempt
@require_POST
def logout(request):
    """Close the portal session; after a provider login, end the provider's session too."""
    oidc = request.session.get(OIDC_SESSION_KEY)
    auth.logout(request)
    end = oidc and client.end_session_url(request, oidc["provider"], oidc["id_token"])
    if not end:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    # A page, not a redirect: the form that posted here may only send data to the portal
    # (CSP form-action), and browsers apply that rule to the redirects that follow it.
    return render(request, "registration/oidc_logout.html", {"end_session_url": end})


@require_GET
def logged_out(request, provider):
    """The provider ended its session and sent the browser back."""
    _provider(provider)
    try:
        client.check_logout_return(request, provider)
    except client.FAILURES as exc:
        logger.warning("Logout return from %s refused: %r", provider, exc)
    messages.success(request, "Vous êtes déconnecté.")
    return redirect(settings.LOGOUT_REDIRECT_URL)
