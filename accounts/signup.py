"""Self sign-up of project leaders, answered the same way whoever already has an account.

The page only ever says "check your mailbox"; what happened is told by e-mail, to the address
typed: an activation link for a new account, or a note that an account exists (or that the
username is taken). Nobody learns from the portal whether an address or a username is known.
"""

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from audit.services import record
from common.errors import UserError
from outbox.services import enqueue_mail

from .models import User

INVALID_LINK = "Ce lien d'activation n'est pas valide ou a expiré : inscrivez-vous de nouveau."


def activation_path(user) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def _pending(user) -> bool:
    """Signed up and never activated (an account an administrator disabled has logged in)."""
    return not user.is_active and user.last_login is None


def _mail(template: str, email: str, context: dict) -> None:
    body = render_to_string(f"registration/{template}.txt", context)
    subject, _, body = body.partition("\n")
    enqueue_mail(subject, body.lstrip("\n"), [email])


@transaction.atomic
def sign_up(*, username, first_name, last_name, email, password, link_for) -> None:
    """`link_for(uidb64, token)` builds the absolute activation link; `email` is lowercased."""
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, is_active=False
    )
    user.set_password(password)  # in every case: the answer takes as long whatever exists
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        if _pending(existing):  # signed up before and never activated: a fresh link
            link = link_for(*activation_path(existing))
            _mail("signup_activate", email, {"user": existing, "link": link})
        else:
            _mail("signup_existing", email, {"user": existing})
        return
    taken = User.objects.filter(username__iexact=username).exists()
    if not taken:
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same username or address, signed up at the same moment
            existing = User.objects.filter(email__iexact=email).first()
            if existing is not None:
                _mail("signup_existing", email, {"user": existing})
                return
            taken = True
    if taken:
        _mail("signup_username_taken", email, {"username": username})
        return
    record(user, "accounts.signup", f"Inscription de {username}", target=user)
    _mail("signup_activate", email, {"user": user, "link": link_for(*activation_path(user))})


def user_for_link(uidb64: str, token: str) -> User:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, OverflowError, User.DoesNotExist):
        raise UserError(INVALID_LINK) from None
    disabled = not user.is_active and not _pending(user)
    if disabled or not default_token_generator.check_token(user, token):
        raise UserError(INVALID_LINK)
    return user


@transaction.atomic
def activate(uidb64: str, token: str) -> User:
    user = user_for_link(uidb64, token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if _pending(user):
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(user, "accounts.activate", f"Activation du compte {user.username}", target=user)
    return user
