"""The contract page's avenants: the list with old and new terms and signatures, the proposal
(CPAM or ARS of the territory), each party's own signature, the PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from common.messages import attempt

from .. import avenants as services
from ..avenant_display import avenant_rows
from ..avenant_forms import AvenantForm, AvenantSignatureForm
from ..documents import avenant_first_year, avenant_pdf
from ..models import ContractAvenant
from ..permissions import can_propose_avenant
from ..signatures import PARTIES, PARTY_LABELS, parties_of
from .base import contract_or_404, submit, to_contract


def avenants_context(contract, user, grid_set, avenants) -> dict:
    """What `funding/_avenants.html` shows for this person; `avenants`: the contract's rows,
    their proposer joined."""
    mine = parties_of(contract.project, user)
    items = []
    for avenant in avenants:
        if avenant.effective_on is None:  # recorded before avenants had terms: summary only
            items.append({"avenant": avenant, "rows": [], "parties": []})
            continue
        unsigned = [p for p in PARTIES if not getattr(avenant, f"{p}_signed_on")]
        parties = [p for p in mine if p in unsigned and avenant.pending]
        items.append(
            {
                "avenant": avenant,
                "rows": avenant_rows(avenant, grid_set),
                "first_year": avenant_first_year(avenant),
                "signatures": [
                    (PARTY_LABELS[p], getattr(avenant, f"{p}_signed_on")) for p in PARTIES
                ],
                "parties": parties,
                "can_withdraw": avenant.pending and can_propose_avenant(contract, user),
                "form": AvenantSignatureForm(parties=parties, prefix=f"av{avenant.number}")
                if parties and not contract.terminated_on
                else None,
            }
        )
    open_for_proposal = contract.is_signed and not contract.terminated_on
    can_propose = open_for_proposal and can_propose_avenant(contract, user)
    return {
        "avenants": items,
        "avenant_form": AvenantForm(contract=contract) if can_propose else None,
    }


def _avenant(request, pk, number):
    contract = contract_or_404(request, pk)
    return contract, get_object_or_404(ContractAvenant, contract=contract, number=number)


@login_required
@require_POST
def avenant_propose(request, pk):
    contract = contract_or_404(request, pk)
    if not can_propose_avenant(contract, request.user):
        raise PermissionDenied("Un avenant est proposé par la CPAM ou l'ARS du territoire.")
    form = AvenantForm(request.POST, contract=contract)
    submit(
        request,
        form,
        lambda d: services.propose_avenant(contract, request.user, **form.terms()),
        "Avenant proposé : il attend la signature des trois parties.",
    )
    return to_contract(contract)


@login_required
@require_POST
def avenant_sign(request, pk, number):
    contract, avenant = _avenant(request, pk, number)
    parties = parties_of(contract.project, request.user)
    if not parties:
        raise PermissionDenied("Chaque partie enregistre sa propre signature.")
    form = AvenantSignatureForm(request.POST, parties=parties, prefix=f"av{number}")
    submit(
        request,
        form,
        lambda d: services.sign_avenant(avenant, request.user, d["party"], d["signed_on"]),
        "Signature enregistrée.",
    )
    return to_contract(contract)


@login_required
@require_POST
def avenant_withdraw(request, pk, number):
    contract, avenant = _avenant(request, pk, number)
    if not can_propose_avenant(contract, request.user):
        raise PermissionDenied("Un avenant est retiré par la CPAM ou l'ARS du territoire.")
    if not request.POST.get("confirmed"):  # withdrawing is final: a confirmation step first
        ctx = {"contract": contract, "avenant": avenant}
        return render(request, "funding/avenant_withdraw_confirm.html", ctx)
    attempt(
        request,
        lambda: services.withdraw_avenant(avenant, request.user),
        f"Avenant n° {number} retiré.",
    )
    return to_contract(contract)


@login_required
def avenant_document(request, pk, number):
    contract, avenant = _avenant(request, pk, number)
    content = avenant_pdf(avenant) if avenant.effective_on else None  # old rows have no PDF
    if content is None:
        context = {"project": contract.project}
        return render(request, "projects/document_pending.html", context, status=404)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"avenant-{number}-contrat-aci-{contract.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
