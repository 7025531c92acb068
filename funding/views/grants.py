"""Grants before the contract, posted from the contracts list: the Assurance Maladie's pre-ACI
accompaniment and the ARS's FIR start-up grants."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from projects.selectors import visible_projects

from .. import grants
from ..forms import FirGrantForm, PreAciForm
from ..permissions import can_grant_fir, can_grant_pre_aci
from .base import require_funding_role, submit


def _project(request, project_pk, allowed, refusal):
    require_funding_role(request.user)
    project = get_object_or_404(visible_projects(request.user), pk=project_pk)
    if not allowed(project, request.user):
        raise PermissionDenied(refusal)
    return project


@login_required
@require_POST
def pre_aci_grant(request, project_pk):
    project = _project(
        request, project_pk, can_grant_pre_aci, "L'accompagnement pré-ACI est accordé par la CPAM."
    )

    def grant(d):
        grants.grant_pre_aci_support(project, request.user, d["granted_on"])

    submit(request, PreAciForm(request.POST), grant, "Accompagnement pré-ACI accordé.")
    return redirect("funding:contracts")


@login_required
@require_POST
def fir_grant(request, project_pk):
    project = _project(request, project_pk, can_grant_fir, "Les subventions FIR sont de l'ARS.")

    def grant(d):
        grants.record_fir_grant(
            project, request.user, amount=d["amount"], granted_on=d["granted_on"], note=d["note"]
        )

    submit(request, FirGrantForm(request.POST), grant, "Subvention FIR enregistrée.")
    return redirect("funding:contracts")
