"""The login page (password and provider buttons), the second-factor page, and the page where an
organisation's administrator approves account requests."""

import segno
from django.conf import settings
from django.contrib.auth import views as django_auth
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token

from common.messages import attempt

from . import approvals, second_factor
from .oidc import client

TOTP_KEY_SESSION_KEY = "cpts_totp_key"


class LoginView(django_auth.LoginView):
    def get_context_data(self, **kwargs):
        providers = {name: p["label"] for name, p in client.configured().items()}
        return super().get_context_data(**kwargs, providers=providers)


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if safe else ""


def _go_on(request):
    return redirect(_next(request) or settings.LOGIN_REDIRECT_URL)


@second_factor.exempt
@login_required
def second_factor_page(request):
    """Enrol an authenticator app (first time), or enter its code."""
    if not second_factor.missing(request):
        return _go_on(request)
    device = second_factor.device_of(request.user)
    if device is None:
        return _enrol(request)
    if request.method == "POST":
        token = request.POST.get("token", "").strip()[:10]
        if verify_token(request.user, device.persistent_id, token):
            otp_login(request, device)
            return _go_on(request)
        allowed, _ = device.verify_is_allowed()
        error = "Code incorrect." if allowed else "Trop d'essais : patientez avant de réessayer."
        return _page(request, "verify", error=error, status=400)
    return _page(request, "verify")


def _enrol(request):
    # The secret waits in the session until the app shows a right code: nothing stored before.
    key = request.session.setdefault(TOTP_KEY_SESSION_KEY, second_factor.new_key())
    if request.method == "POST":
        token = request.POST.get("token", "")[:10]

        def enrol():
            otp_login(request, second_factor.enrol(request.user, key, token))

        if attempt(request, enrol, "Second facteur activé."):
            request.session.pop(TOTP_KEY_SESSION_KEY, None)
            return _go_on(request)
    qr = segno.make(second_factor.totp_uri(request.user, key), error="m")
    return _page(
        request, "enrol", qr=qr.svg_inline(scale=4), secret=second_factor.readable_secret(key)
    )


def _page(request, step, status=200, **context):
    context.update(step=step, next=_next(request))
    return render(request, "registration/second_factor.html", context, status=status)


@login_required
def pending_accounts(request):
    if not approvals.may_decide(request.user):
        raise PermissionDenied
    return render(
        request, "accounts/pending_accounts.html", {"pending": approvals.pending_for(request.user)}
    )


@require_POST
@login_required
def approve_account(request, pk):
    attempt(request, lambda: approvals.approve(request.user, pk), "Compte validé.")
    return redirect("pending_accounts")


@require_POST
@login_required
def refuse_account(request, pk):
    attempt(request, lambda: approvals.refuse(request.user, pk), "Demande refusée.")
    return redirect("pending_accounts")
