"""A TOTP second factor for institution staff and administrators who log in with a password
(setting CPTS_PASSWORD_2FA). A login through ProConnect or Pro Santé Connect needs none: the
provider authenticated the person."""

import binascii
import time
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record
from common.errors import UserError

from .models import User

# Set at an OpenID Connect login: {"provider": name, "id_token": the raw ID token}.
OIDC_SESSION_KEY = "cpts_oidc"


def applies_to(user) -> bool:
    return settings.CPTS_PASSWORD_2FA and (user.is_institution or user.is_staff)


def missing(request) -> bool:
    """The person logged in with a password and still owes the second factor."""
    user = request.user
    return (
        user.is_authenticated
        and applies_to(user)
        and OIDC_SESSION_KEY not in request.session
        and not user.is_verified()
    )


def exempt(view):
    """Pages open before the second factor: the second-factor page itself, logout."""
    view.second_factor_exempt = True
    return view


class SecondFactorMiddleware:
    """Sends a person who owes the second factor to its page, whatever page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if getattr(view, "second_factor_exempt", False) or not missing(request):
            return None
        return redirect(
            f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}"
        )


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def new_key() -> str:
    return TOTPDevice._meta.get_field("key").default()


def totp_uri(user, key: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def readable_secret(key: str) -> str:
    """The secret as typed into an app by hand: base32, in groups of four."""
    secret = b32encode(binascii.unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _time_step(key: str, token: str) -> int | None:
    """The time step at which `token` is right for `key` (one step of drift allowed)."""
    token = token.strip().replace(" ", "")
    if not (token.isdigit() and len(token) == 6):
        return None
    totp = TOTP(binascii.unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(token), tolerance=1):
        return None
    return totp.t()  # verify() set the drift to the matching step


@transaction.atomic
def enrol(user, key: str, token: str) -> TOTPDevice:
    """Register the authenticator app whose secret is `key`, once it shows a right code.
    Only a first app: replacing one goes through an administrator (Django admin)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one enrolment at a time
    if device_of(user) is not None:
        raise UserError("Un second facteur est déjà enregistré pour ce compte.")
    step = _time_step(key, token)
    if step is None:
        raise UserError("Code incorrect : saisissez les 6 chiffres affichés par l'application.")
    device = TOTPDevice.objects.create(
        user=user, name="Application d'authentification", key=key, last_t=step
    )
    record(user, "accounts.totp_enrol", "Second facteur (TOTP) activé", user)
    return device
