"""The ACI contract as a PDF ready for signature, with its annexes."""

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from common.pdf import render_pdf
from projects.documents import stored
from projects.models import DocumentKind, IssuedDocument

from . import calc, deadlines
from .avenant_display import avenant_rows
from .grid_store import load_grid_set
from .models import Contract, ContractAvenant
from .presentation import line_label, mission_label


def _institution(kind, **where) -> str:
    org = Organisation.objects.filter(kind=kind, **where).order_by("pk").first()
    return org.name if org else ""


def contract_context(contract) -> dict:
    project = contract.project
    reference_day = contract.signed_on or timezone.localdate()
    grid_set = load_grid_set()
    chosen = {m.mission for m in contract.missions.all()}
    optional = chosen & set(grid_set.in_force(reference_day).optional_missions)
    grid, lines = calc.annual_maximum(
        grid_set, contract.size, contract.members, reference_day, optional=optional,
        snp_dispositif=contract.snp_dispositif, crisis=True,
    )  # fmt: skip
    missions = [
        {
            "label": mission_label(grid, m.mission),
            "start_by": contract.signed_on
            and deadlines.mission_start_deadline(contract.signed_on, m.mission),
            "indicators": list(m.indicators.all()),
        }
        for m in contract.missions.prefetch_related("indicators")
    ]
    return {
        "contract": contract,
        "project": project,
        "association": getattr(project, "association", None),
        "cpam": _institution(OrganisationKind.CPAM, departement=project.departement),
        "ars": _institution(OrganisationKind.ARS, region=project.departement.region),
        "grid": grid,
        "amounts": [
            {
                "label": line_label(grid, x.mission, x.part),
                "amount": x.amount,
                "to_confirm": x.to_confirm,
            }
            for x in lines
        ],
        "total": calc.total(lines),
        "missions": missions,
        "end": contract.signed_on and deadlines.contract_end(contract.signed_on),
    }


TEMPLATE = "funding/pdf/contract.html"


def contract_pdf(contract) -> bytes | None:
    """Before signature, a draft to sign; once signed, the copy stored with the project (issued
    by the task the last signature queues: None until then, nothing is written on a read)."""
    if not contract.is_signed:
        return render_pdf(TEMPLATE, contract_context(contract))
    _, document = stored(contract.project, DocumentKind.ACI_CONTRACT)
    if document is None:
        return None
    with document.file.open("rb") as handle:
        return handle.read()


def signed_contract_source(project, reference=None):
    """Document source for projects.documents: the contract once all three parties signed."""
    contract = (
        Contract.objects.filter(project=project, signed_on__isnull=False)
        .order_by("-sequence")
        .first()
    )
    if contract is None:
        return None
    current = f"{contract.pk}-{contract.signed_on:%Y%m%d}"
    if reference not in (None, current):
        return None
    return current, TEMPLATE, contract_context(contract)


# --- Avenants ---------------------------------------------------------------------------------

AVENANT_TEMPLATE = "funding/pdf/avenant.html"


def avenant_context(avenant) -> dict:
    contract = avenant.contract
    project = contract.project
    return {
        "avenant": avenant,
        "contract": contract,
        "project": project,
        "association": getattr(project, "association", None),
        "cpam": _institution(OrganisationKind.CPAM, departement=project.departement),
        "ars": _institution(OrganisationKind.ARS, region=project.departement.region),
        "rows": avenant_rows(avenant, load_grid_set()),
        "first_year": avenant_first_year(avenant),
    }


def avenant_first_year(avenant) -> tuple[int, object] | None:
    """(number, first day) of the first contract year the avenant changes."""
    signed_on = avenant.contract.signed_on
    for year in range(1, deadlines.CONTRACT_YEARS + 1):
        start = deadlines.contract_anniversary(signed_on, year)
        if start >= avenant.effective_on:
            return year, start
    return None


def _avenant_reference(avenant) -> str:
    return f"{avenant.pk}-{avenant.signed_on:%Y%m%d}"


def signed_avenant_source(project, reference=None):
    """Document source for projects.documents: the latest avenant in force of the project's
    contracts (a given `reference`: that avenant, to reproduce its stored copy)."""
    avenants = ContractAvenant.objects.filter(
        contract__project=project, signed_on__isnull=False, effective_on__isnull=False
    ).select_related("contract__project__departement__region")  # older rows had no terms
    if reference is not None:
        pk = reference.split("-")[0]
        avenant = avenants.filter(pk=int(pk)).first() if pk.isdigit() else None
    else:
        avenant = avenants.order_by("-signed_on", "-pk").first()
    if avenant is None or reference not in (None, _avenant_reference(avenant)):
        return None
    return _avenant_reference(avenant), AVENANT_TEMPLATE, avenant_context(avenant)


def avenant_pdf(avenant) -> bytes | None:
    """Before the third signature, a draft to sign; then its stored copy (None until the task
    the third signature queued has issued it)."""
    if not avenant.in_force:
        return render_pdf(AVENANT_TEMPLATE, avenant_context(avenant))
    document = IssuedDocument.objects.filter(
        project_id=avenant.contract.project_id,
        kind=DocumentKind.ACI_AVENANT,
        reference=_avenant_reference(avenant),
    ).first()
    if document is None:
        return None
    with document.file.open("rb") as handle:
        return handle.read()
