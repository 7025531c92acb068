"""Payments: a contract's schedule lines with what was paid (the CPAM records each payment,
after a confirmation: a record can be neither changed nor deleted), and the late payments of
the territory for its Assurance Maladie and its ARS; CSV/XLSX."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from common import exports

from .. import payments
from ..followup_forms import PaymentForm
from ..grid_store import load_grid_set
from ..permissions import can_follow_payments, can_record_payment, visible_contracts
from ..presentation import euros, payment_kind
from ..terms import read_terms
from .base import (
    confirmation,
    confirming,
    contract_or_404,
    export_format,
    require_funding_role,
    submit,
)

LINE_HEADERS = [
    "Année du contrat", "Échéance", "Nature", "Libellé", "Dû (€)", "Versé (€)", "Reste (€)",
    "État",
]  # fmt: skip
LATE_HEADERS = ["Projet", "Département", "Contrat n°", *LINE_HEADERS]


def _state(line, today) -> str:
    if line.waiting:
        return "solde en attente de l'évaluation"
    if line.is_late(today):
        return "en retard"
    if line.amount < 0:
        return "à récupérer auprès de la CPTS"
    if line.outstanding <= 0:
        return "soldé"
    return "échue avant le portail (reprise de l'existant)" if line.before_portal else "à verser"


def _line_row(line, today) -> list:
    p = line.payment
    return [
        p.year, p.due_on.isoformat(), payment_kind(p.kind), p.label, str(line.amount),
        str(line.paid), str(line.outstanding), _state(line, today),
    ]  # fmt: skip


def payable_choices(lines) -> list[tuple[str, str]]:
    """Schedule lines a payment may settle: positive, not awaiting the evaluation, not paid."""
    return [
        (x.key, f"Année {x.payment.year} — {x.due_on:%d/%m/%Y} — {x.payment.label} "
                f"(reste {euros(x.outstanding)} €)")
        for x in lines
        if x.amount > 0 and not x.waiting and x.outstanding > 0
    ]  # fmt: skip


def _confirmation(request, contract, form):
    d = form.cleaned_data
    lines = [
        ("Échéance", dict(form.fields["line"].choices)[d["line"]]),
        ("Montant versé", f"{euros(d['amount'])} €"),
        ("Versé le", f"{d['paid_on']:%d/%m/%Y}"),
        ("Référence", d["note"] or "—"),
    ]
    back = ("Retour aux versements", reverse("funding:payments", args=[contract.pk]))
    return confirmation(
        request, form, contract.project, "Enregistrer un versement", lines,
        back=back, button="confirm-payment",
    )  # fmt: skip


@login_required
def contract_payments(request, pk):
    contract = contract_or_404(request, pk)
    if not contract.is_signed:
        return redirect("funding:contract", pk=pk)
    today = timezone.localdate()
    # The contract is read once (not again by `payments.standing`), its records once for its
    # lines and their list (in the order of their default ordering within one contract).
    records = list(contract.payments.select_related("recorded_by").order_by("paid_on", "pk"))
    terms = read_terms(contract, load_grid_set())
    lines = payments.standing_of(contract, terms, records)
    fmt = export_format(request)
    if fmt:
        rows = (_line_row(x, today) for x in lines)
        data = exports.dataset(LINE_HEADERS, rows)
        return exports.response(data, fmt, f"versements-aci-{pk}")
    may_record = can_record_payment(contract, request.user)
    form = PaymentForm(request.POST or None, lines=payable_choices(lines))
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("Les versements sont enregistrés par l'Assurance Maladie.")

        def record(d):
            payments.record_payment(
                contract, request.user, line=d["line"], paid_on=d["paid_on"],
                amount=d["amount"], note=d["note"],
            )  # fmt: skip

        if confirming(request, form):  # a payment is final: its confirmation first
            return _confirmation(request, contract, form)
        if submit(request, form, record, "Versement enregistré."):
            return redirect("funding:payments", pk=pk)
    ctx = {
        "contract": contract,
        "rows": [(x, _state(x, today)) for x in lines],
        "years": payments.years_of(lines, today),
        "records": records,
        "form": form if may_record else None,
        "grace_days": payments.GRACE_DAYS,
    }
    return render(request, "funding/payments.html", ctx)


@login_required
def late_payments(request):
    require_funding_role(request.user)
    if not can_follow_payments(request.user):
        raise PermissionDenied("Réservé à l'Assurance Maladie et à l'ARS.")
    today = timezone.localdate()
    contracts = visible_contracts(request.user)
    by_pk = {c.pk: c for c in contracts.filter(signed_on__isnull=False)}
    late = [(by_pk[pk], line) for pk, line in payments.late_lines(contracts, today)]
    fmt = export_format(request)
    if fmt:
        rows = (
            [c.project.name, c.project.departement.code, c.sequence, *_line_row(x, today)]
            for c, x in late
        )
        return exports.response(exports.dataset(LATE_HEADERS, rows), fmt, "versements-en-retard")
    ctx = {"late": late, "today": today, "grace_days": payments.GRACE_DAYS}
    return render(request, "funding/late_payments.html", ctx)
