"""A contract signed by the three parties, each for itself, through the services (the demo)."""

from .services import create_contract, record_signature


def sign_demo_contract(project, *, leader, cpam, ars, signed_on, members=30):
    contract = create_contract(project, cpam, members=members)
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        contract = record_signature(contract, user, party, signed_on)
    return contract
"""Demo data of the contract's life, one call each, through the real services (for `seed_demo`):
an evaluation awaiting the CPAM, payments made. A renewal due needs no call: a contract signed
more than four and a half years ago shows it."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from . import evaluations, payments
from .models import Contract, Indicator


def _one_page_pdf() -> SimpleUploadedFile:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return SimpleUploadedFile("rapport.pdf", out.getvalue(), content_type="application/pdf")


def evaluation_awaiting_cpam(contract, leader, year: int = 1):
    """The CPTS (`leader`, one of its leaders) declares every indicator at its objective and
    some spending per mission, attaches its report and submits year `year`."""
    values = {}
    for indicator in Indicator.objects.filter(mission__contract=contract):
        pairs = indicator.threshold_pairs()
        values[indicator] = max(v for v, _ in pairs) if pairs else 0
    spending = dict.fromkeys(evaluations.spending_missions(contract), "12500.00")
    evaluations.save_evaluation(
        contract, leader, year, values=values, spending=spending, report=_one_page_pdf()
    )
    return evaluations.submit_evaluation(contract, leader, year)


def payments_made(contract, cpam, *, leave_last_unpaid: bool = True) -> int:
    """The CPAM pays every line due by today on its due date, but the latest one (so that the
    late payments list has something). Returns the number of payments recorded."""
    today = timezone.localdate()
    lines = payments.standing(Contract.objects.filter(pk=contract.pk))[contract.pk]
    due = [x for x in lines if x.amount > 0 and not x.waiting and x.due_on <= today]
    if leave_last_unpaid and due:
        due = due[:-1]
    for line in due:
        paid_on = max(line.due_on, contract.signed_on)
        payments.record_payment(
            contract, cpam, line=line.key, paid_on=paid_on, amount=line.outstanding
        )
    return len(due)
