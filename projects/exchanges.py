"""Services around the workflow: the message thread, attachments, co-leader invitations."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import record
from common import bounds

from . import notifications
from . import permissions as perms
from .collaboration import Attachment, AttachmentKind, Invitation, Message
from .models import ProjectMember
from .services import WorkflowError


def can_use_thread(project, user) -> bool:
    """The thread is between the project leaders and the ARS."""
    return user.is_superuser or perms.is_leader(project, user) or perms.is_ars_of(project, user)


def post_message(project, user, body: str) -> Message:
    if not can_use_thread(project, user):
        raise PermissionDenied("Seuls les porteurs et l'ARS échangent sur ce projet.")
    if not str(body or "").strip():
        raise WorkflowError("Le message est vide.")
    body = bounds.require_text(
        body, "le message", max_length=bounds.TEXT_MAX, multiline=True, error=WorkflowError
    )
    with transaction.atomic():
        message = Message.objects.create(project=project, author=user, body=body)
        # Not the text: the journal is read by institutions outside the thread.
        record(user, "projects.message", "Message envoyé", message, project=project)
        notifications.notify_message(message)
    return message


def add_attachment(project, user, *, kind: str, title: str, file) -> Attachment:
    if not perms.is_leader(project, user):
        raise PermissionDenied("Seuls les porteurs du projet déposent des pièces.")
    title = bounds.require_text(title, "l'intitulé", error=WorkflowError)
    if kind not in AttachmentKind.values:
        raise WorkflowError("Choisissez à quoi la pièce est rattachée.")
    with transaction.atomic():
        attachment = Attachment.objects.create(
            project=project, uploaded_by=user, kind=kind, title=title, file=file
        )
        record(
            user,
            "projects.attachment",
            f"Pièce jointe ajoutée : {attachment.title}",
            attachment,
            project=project,
        )
    return attachment


def invite_coleader(project, user, email: str, accept_url_for) -> Invitation:
    """`accept_url_for(invitation)` builds the absolute link sent by e-mail."""
    if not perms.is_leader(project, user):
        raise PermissionDenied("Seuls les porteurs du projet invitent des co-porteurs.")
    email = bounds.require_text(
        email, "l'adresse électronique", max_length=254, error=WorkflowError
    ).lower()
    if project.members.filter(user__email__iexact=email).exists():
        raise WorkflowError("Cette personne porte déjà le projet.")
    with transaction.atomic():
        invitation = Invitation.objects.create(project=project, email=email, invited_by=user)
        record(
            user,
            "projects.invitation",
            f"Invitation de co-porteur envoyée à {email}",
            invitation,
            project=project,
        )
        notifications.notify_invitation(invitation, accept_url_for(invitation))
    return invitation


def accept_invitation(token: str, user) -> Invitation:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("project")
            .filter(token=token, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise WorkflowError("Cette invitation n'existe pas ou a déjà été utilisée.")
        if user.is_institution:
            raise PermissionDenied("Un compte d'institution ne peut pas porter un projet.")
        if user.email.lower() != invitation.email:
            raise PermissionDenied("Cette invitation a été envoyée à une autre adresse.")
        try:
            with transaction.atomic():
                ProjectMember.objects.create(project=invitation.project, user=user)
        except IntegrityError:
            pass  # Already a member: accepting twice changes nothing.
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        record(
            user,
            "projects.invitation.accept",
            "Invitation acceptée : co-porteur du projet",
            invitation,
            project=invitation.project,
        )
    return invitation
