"""The contracts list (with its export and, for the institutions, the projects waiting for a
contract or a grant) and the contract's creation."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from common import exports
from common.messages import attempt
from projects.deadlines import PRE_ACI_START_TO_CONFIRM
from projects.selectors import visible_projects
from projects.states import State

from .. import grants, renewal, services
from ..forms import ContractForm
from ..models import Contract, FirGrant, PreAciSupport
from ..permissions import can_prepare_contract, visible_contracts
from .base import export_format, require_funding_role

HEADERS = ["Projet", "Département", "Taille", "Membres", "Grille", "Signé le", "Résilié le"]


def _export(contracts, fmt):
    rows = (
        [
            c.project.name,
            c.project.departement.code,
            c.size,
            c.members,
            c.grid.code if c.grid else "",
            c.signed_on or "",
            c.terminated_on or "",
        ]
        for c in contracts
    )
    return exports.response(exports.dataset(HEADERS, rows), fmt, "contrats-aci")


def _institution_context(user) -> dict:
    """What the ARS and the Assurance Maladie prepare: contracts to create, grants."""
    projects = visible_projects(user)
    eligible = projects.filter(state__in=grants.PRE_ACI_STATES)
    overdue = grants.overdue_pre_aci(timezone.localdate()).filter(project__in=projects)
    return {
        "projects_to_contract": projects.filter(
            state=State.ACI_PREPARATION, contracts__isnull=True
        ),
        "supports": PreAciSupport.objects.filter(project__in=projects).select_related("project"),
        "overdue": set(overdue.values_list("pk", flat=True)),
        "fir_grants": FirGrant.objects.filter(project__in=projects).select_related("project"),
        "fir_eligible": eligible,
        "pre_aci_eligible": eligible.filter(pre_aci_support__isnull=True),
        "pre_aci_to_confirm": PRE_ACI_START_TO_CONFIRM,
        "renewals_due": renewal.renewals_due(visible_contracts(user), timezone.localdate()),
    }


@login_required
def contract_list(request):
    require_funding_role(request.user)
    contracts = visible_contracts(request.user).order_by("project__name")
    fmt = export_format(request)
    if fmt:
        return _export(contracts, fmt)
    ctx = {"contracts": contracts}
    if request.user.is_assurance_maladie or request.user.is_ars:
        ctx.update(_institution_context(request.user))
    return render(request, "funding/contract_list.html", ctx)


@login_required
def contract_create(request, project_pk):
    require_funding_role(request.user)
    project = get_object_or_404(visible_projects(request.user), pk=project_pk)
    if not can_prepare_contract(project, request.user):
        raise PermissionDenied("Le contrat se prépare avec l'ARS ou l'Assurance Maladie.")
    form = ContractForm(request.POST or None)

    def create():
        d = form.cleaned_data
        services.create_contract(
            project,
            request.user,
            members=d["members"],
            optional=d["optional"],
            snp_dispositif=d["snp_dispositif"],
        )

    created = "Contrat ACI créé."
    if request.method == "POST" and form.is_valid() and attempt(request, create, created):
        return redirect("funding:contract", pk=Contract.current_of(project).pk)
    return render(request, "funding/contract_form.html", {"form": form, "project": project})
