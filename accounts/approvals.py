"""Pending accounts: an agent's first ProConnect login asks for one; an administrator of their
organisation (or a superuser) approves or refuses it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.services import record
from common.errors import UserError

from .mail import queue_mail
from .models import Approval, User


def may_decide(actor) -> bool:
    return actor.is_active and (
        actor.is_superuser or (actor.is_organisation_admin and actor.organisation_id is not None)
    )


def pending_for(actor):
    """The requests `actor` decides on, oldest first."""
    if not may_decide(actor):
        return User.objects.none()
    pending = User.objects.filter(approval=Approval.PENDING).select_related("organisation")
    if not actor.is_superuser:
        pending = pending.filter(organisation_id=actor.organisation_id)
    return pending.order_by("date_joined", "pk")


def approve(actor, user_id: int) -> User:
    return _decide(actor, user_id, approved=True)


def refuse(actor, user_id: int) -> User:
    return _decide(actor, user_id, approved=False)


@transaction.atomic
def _decide(actor, user_id: int, *, approved: bool) -> User:
    user = pending_for(actor).select_for_update(of=("self",)).filter(pk=user_id).first()
    if user is None:
        if not may_decide(actor):
            raise PermissionDenied
        raise UserError("Cette demande de compte n'existe pas ou a déjà été traitée.")
    user.is_active = approved
    user.approval = "" if approved else Approval.REFUSED
    user.save(update_fields=["is_active", "approval"])
    verb = "validée" if approved else "refusée"
    record(
        actor,
        "accounts.approve" if approved else "accounts.refuse",
        f"Demande de compte de {user.get_full_name() or user.email} {verb}",
        user,
        organisation=user.organisation,
        changes={"approval": [Approval.PENDING.label, verb]},
    )
    queue_mail(
        f"Votre demande de compte a été {verb}",
        f"Bonjour,\n\nVotre demande de compte sur le portail CPTS ({user.organisation}) a été "
        f"{verb}." + ("\nVous pouvez vous connecter avec ProConnect." if approved else "") + "\n",
        [user.email],
    )
    return user


def notify_admins_of_request(user: User) -> None:
    """Mail the organisation's administrators that `user` asks for an account (on commit)."""
    admins = User.objects.filter(
        organisation_id=user.organisation_id, is_organisation_admin=True, is_active=True
    ).values_list("email", flat=True)
    queue_mail(
        "Nouvelle demande de compte",
        f"{user.get_full_name() or user.email} ({user.email}) demande un compte sur le portail "
        f"CPTS pour {user.organisation}.\nValidez ou refusez-la sur le portail, page "
        f"« Comptes à valider ».\n",
        admins,
    )
