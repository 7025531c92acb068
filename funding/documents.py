"""The ACI contract as a PDF ready for signature, with its annexes."""

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from common.pdf import render_pdf
from projects.documents import stored
from projects.models import DocumentKind

from . import calc, deadlines
from .grid_store import load_grid_set
from .models import Contract
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
