"""A CPTS brought in from an existing file has no leader on the portal: the ARS of its
territory invites the first one (then the leaders invite each other)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.throttling import rate_limited
from common.messages import attempt

from .. import permissions as perms
from ..existing import invite_first_leader
from ..forms import InvitationForm
from .base import _project


@login_required
@require_POST
@rate_limited("invitation", "CPTS_INVITATIONS_PER_HOUR")
def first_leader(request, pk):
    project = _project(request, pk)
    if not (perms.is_ars_of(project, request.user) or request.user.is_superuser):
        raise PermissionDenied("Seule l'ARS du territoire invite le premier porteur.")
    form = InvitationForm(request.POST)

    def accept_url(invitation):
        return request.build_absolute_uri(reverse("projects:invitation", args=[invitation.token]))

    if form.is_valid():
        attempt(
            request,
            lambda: invite_first_leader(
                project, request.user, form.cleaned_data["email"], accept_url
            ),
            "Invitation envoyée au premier porteur.",
        )
    else:
        attempt(request, lambda: invite_first_leader(project, request.user, "", accept_url))
    return redirect("projects:detail", pk=pk)
