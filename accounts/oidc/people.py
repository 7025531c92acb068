"""From a provider's verified claims to a portal account.

ProConnect (agents): the organisation is found by the SIRET the provider sends, the person by
e-mail; an unknown agent of a known organisation gets a pending account that an administrator of
the organisation approves (accounts.approvals). Pro Santé Connect (health professionals): the
person is found by the national identifier (RPPS), and an unknown one gets a leader account.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from audit.services import record
from common.errors import UserError

from ..approvals import notify_admins_of_request
from ..models import Approval, Organisation, User

NATIONAL_ID = re.compile(r"^[0-9A-Za-z]{1,30}$")


class UnknownSiret(UserError):
    """No organisation of the portal carries the SIRET ProConnect sent."""

    def __init__(self, siret: str):
        super().__init__(f"Aucune organisation du portail n'a le SIRET {siret}.")
        self.siret = siret


def _text(claims: dict, name: str, limit: int = 150) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _email(claims: dict) -> str:
    email = _text(claims, "email", 254).lower()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _siret(claims: dict) -> str:
    siret = _text(claims, "siret", 20).replace(" ", "")
    return siret if re.fullmatch(r"\d{14}", siret) else ""


def agent(claims: dict) -> User:
    """The account of the agent ProConnect vouches for (maybe pending, maybe just created)."""
    siret, email = _siret(claims), _email(claims)
    if not siret or not email:
        raise UserError(
            "ProConnect n'a pas transmis votre SIRET et votre adresse électronique : "
            "le portail ne peut pas vous identifier."
        )
    organisation = Organisation.objects.filter(siret=siret).first()
    if organisation is None:
        raise UnknownSiret(siret)
    with transaction.atomic():
        # One request per organisation at a time: a double click never makes two accounts.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        known = list(User.objects.filter(email__iexact=email)[:2])
        if len(known) > 1:
            raise UserError(
                "Plusieurs comptes du portail portent cette adresse électronique : "
                "demandez à l'administrateur de votre organisation de n'en garder qu'un."
            )
        if not known:
            return _request_account(organisation, email, claims)
    user = known[0]
    if user.organisation_id != organisation.pk:
        raise UserError(
            f"Votre compte du portail est rattaché à une autre organisation que celle du SIRET "
            f"{siret} ({organisation}). Demandez à l'administrateur du portail de le corriger."
        )
    return user


def _request_account(organisation: Organisation, email: str, claims: dict) -> User:
    """A pending (inactive) account; an administrator of the organisation approves it."""
    user = User(
        username=_free_username(email),
        email=email,
        first_name=_text(claims, "given_name"),
        last_name=_text(claims, "usual_name") or _text(claims, "family_name"),
        organisation=organisation,
        is_active=False,
        approval=Approval.PENDING,
    )
    user.set_unusable_password()
    user.save()
    record(
        user,
        "accounts.request",
        f"Demande de compte de {user.get_full_name() or email} (ProConnect)",
        user,
        organisation=organisation,
    )
    notify_admins_of_request(user)
    return user


def professional(claims: dict) -> User:
    """The account of the health professional Pro Santé Connect vouches for; a new project
    leader account the first time."""
    national_id = _text(claims, settings.CPTS_PSC_ID_CLAIM, 31)
    if not NATIONAL_ID.match(national_id):
        raise UserError(
            "Pro Santé Connect n'a pas transmis votre identifiant national (RPPS) : "
            "le portail ne peut pas vous identifier."
        )
    user = User.objects.filter(rpps=national_id).first()
    if user is not None:
        return user
    try:
        return _create_leader(national_id, claims)
    except IntegrityError:  # the same person's other tab created it a moment ago
        return User.objects.get(rpps=national_id)


@transaction.atomic
def _create_leader(national_id: str, claims: dict) -> User:
    email = _email(claims)
    if email and User.objects.filter(email__iexact=email).exists():
        email = ""  # that address belongs to another account: never linked on trust
    user = User(
        username=_free_username(f"ps-{national_id}"),
        email=email,
        first_name=_text(claims, "given_name"),
        last_name=_text(claims, "family_name"),
        rpps=national_id,
    )
    user.set_unusable_password()
    user.save()
    record(user, "accounts.create", "Compte porteur de projet créé (Pro Santé Connect)", user)
    return user


def _free_username(wanted: str) -> str:
    base = wanted[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username
