"""The message thread and the invitations of co-leaders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.throttling import rate_limited
from common.messages import attempt

from .. import exchanges
from ..forms import (
    InvitationForm,
    MessageForm,
)
from .base import (
    _leader_project,
    _project,
)


@login_required
def message_thread(request, pk):
    project = _project(request, pk)
    if not exchanges.can_use_thread(project, request.user):
        raise PermissionDenied("Le fil d'échanges réunit les porteurs et l'ARS.")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: exchanges.post_message(project, request.user, form.cleaned_data["body"]),
        ):
            messages.success(request, "Message envoyé.")
            return redirect("projects:messages", pk=pk)
    thread = project.messages.select_related("author__organisation")
    return render(
        request,
        "projects/messages.html",
        {"project": project, "thread": thread, "form": form},
    )


@login_required
@rate_limited("invitation", "CPTS_INVITATIONS_PER_HOUR")
def invite(request, pk):
    project = _leader_project(request, pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def accept_url(invitation):
            return request.build_absolute_uri(
                reverse("projects:invitation", args=[invitation.token])
            )

        if attempt(
            request,
            lambda: exchanges.invite_coleader(
                project, request.user, form.cleaned_data["email"], accept_url
            ),
        ):
            messages.success(request, "Invitation envoyée.")
            return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/invite.html",
        {"project": project, "form": form, "invitations": project.invitations.all()},
    )


@login_required
def invitation_accept(request, token):
    if request.method == "POST":
        invitation = None

        def accept():
            nonlocal invitation
            invitation = exchanges.accept_invitation(token, request.user)

        if attempt(request, accept):
            messages.success(request, "Vous êtes maintenant co-porteur du projet.")
            return redirect("projects:detail", pk=invitation.project_id)
        return redirect("projects:list")
    return render(request, "projects/invitation_accept.html", {"token": token})


# --- Committees -------------------------------------------------------------------------------
