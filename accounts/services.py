"""Account writes: sign-up (institution accounts are created in the admin, journaled there)."""

from django.db import IntegrityError, transaction

from audit.services import record
from common.errors import UserError

from .models import User


def sign_up(*, username, first_name, last_name, email, password) -> User:
    """A project leader's own account."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username, email, password, first_name=first_name, last_name=last_name
            )
            record(user, "accounts.signup", "Inscription d'un porteur de projet", user)
    except IntegrityError as exc:  # the same name taken between the form's check and now
        raise UserError("Ce nom d'utilisateur est déjà pris : choisissez-en un autre.") from exc
    return user
