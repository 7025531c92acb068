"""Grants before the contract, posted from the contracts list: the Assurance Maladie's pre-ACI
accompaniment and the ARS's FIR start-up grants. A grant cannot be undone: a valid form first
shows what will be granted, and the confirmation posts it again with `confirmed`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from projects.selectors import visible_projects

from .. import grants
from ..forms import FirGrantForm, PreAciForm
from ..permissions import can_grant_fir, can_grant_pre_aci
from ..presentation import euros
from .base import confirmation, confirming, require_funding_role, submit


def _project(request, project_pk, allowed, refusal):
    require_funding_role(request.user)
    project = get_object_or_404(visible_projects(request.user), pk=project_pk)
    if not allowed(project, request.user):
        raise PermissionDenied(refusal)
    return project


def _confirmation(request, project, form, title, lines):
    back = ("Retour aux contrats", reverse("funding:contracts"))
    return confirmation(request, form, project, title, lines, back=back, button="confirm-grant")


@login_required
@require_POST
def pre_aci_grant(request, project_pk):
    project = _project(
        request, project_pk, can_grant_pre_aci, "L'accompagnement pré-ACI est accordé par la CPAM."
    )

    def grant(d):
        grants.grant_pre_aci_support(project, request.user, d["granted_on"])

    form = PreAciForm(request.POST)
    if confirming(request, form):
        granted_on = form.cleaned_data["granted_on"]
        amount = grants.pre_aci_amount(project, granted_on)
        return _confirmation(
            request, project, form, "Accorder l'accompagnement pré-ACI",
            [
                ("Accordé le", f"{granted_on:%d/%m/%Y}"),
                ("Taille de la CPTS", project.taille or "inconnue"),
                ("Montant", f"{euros(amount)} €" if amount is not None else "aucun (refusé)"),
            ],
        )  # fmt: skip
    submit(request, form, grant, "Accompagnement pré-ACI accordé.")
    return redirect("funding:contracts")


@login_required
@require_POST
def fir_grant(request, project_pk):
    project = _project(request, project_pk, can_grant_fir, "Les subventions FIR sont de l'ARS.")

    def grant(d):
        grants.record_fir_grant(
            project, request.user, amount=d["amount"], granted_on=d["granted_on"], note=d["note"]
        )

    form = FirGrantForm(request.POST)
    if confirming(request, form):
        d = form.cleaned_data
        return _confirmation(
            request, project, form, "Enregistrer une subvention FIR",
            [
                ("Accordée le", f"{d['granted_on']:%d/%m/%Y}"),
                ("Montant", f"{euros(d['amount'])} €"),
                ("Objet", d["note"] or "—"),
            ],
        )  # fmt: skip
    submit(request, form, grant, "Subvention FIR enregistrée.")
    return redirect("funding:contracts")
