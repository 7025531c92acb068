"""Payments made by the Assurance Maladie, each against one line of the contract's schedule
(`calc.schedule`), and where each contract stands: due, paid and outstanding per year, late
lines. A year's balance (solde) is due only once its evaluation is closed, at the amount then
frozen; a recovery (negative line, termination) is owed by the CPTS and never "late" here."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import calc
from .base import FundingError, cents, deny_unless, journal
from .evaluation_models import EvaluationStatus, YearEvaluation
from .followup_models import ACI_DATE, PaymentRecord
from .models import Contract
from .permissions import can_record_payment
from .presentation import euros
from .terms import contract_terms

# A payment is late when not made within this many days of its due date (*à confirmer*: the
# ACI gives no delay; the CPAM's usual monthly payment run).
GRACE_DAYS = 30
FIRST_DAY = dt.date.fromisoformat(ACI_DATE)
NOTE_LIMIT = 200
RECORD_FIELDS = ("year", "kind", "due_on", "paid_on", "amount", "note")


def line_key(payment: calc.Payment) -> str:
    """How a schedule line is named in forms and records: year, kind and due date."""
    return f"{payment.year}|{payment.kind}|{payment.due_on.isoformat()}"


def late_after(due_on: dt.date) -> dt.date:
    """The last day a payment due on `due_on` is still on time."""
    return due_on + dt.timedelta(days=GRACE_DAYS)


def portal_from(imported: bool, created_at: dt.datetime) -> dt.date | None:
    """The day an imported contract (signed before the portal) was brought in: what fell due
    before was paid, or not, outside the portal, which cannot call it late. None for the
    others, whose whole life is in the portal."""
    return timezone.localtime(created_at).date() if imported else None


@dataclass(frozen=True)
class Line:
    """A schedule line as it stands: amount due (the frozen balance once the year is closed),
    paid, outstanding; `waiting`: a balance whose evaluation is not closed yet;
    `before_portal`: due before an imported contract came into the portal (`portal_from`)."""

    payment: calc.Payment
    amount: Decimal
    due_on: dt.date
    paid: Decimal
    waiting: bool
    before_portal: bool = False

    @property
    def key(self) -> str:
        return line_key(self.payment)

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    def is_late(self, today: dt.date) -> bool:
        return (
            not self.waiting
            and not self.before_portal
            and self.amount > 0
            and self.outstanding > 0
            and late_after(self.due_on) < today
        )


@dataclass(frozen=True)
class YearRow:
    year: int
    scheduled: Decimal  # the whole year's lines (balances as computed or frozen)
    due: Decimal  # lines due by today (balances only once the year is closed)
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid


def lines_of(
    schedule, records, closed: dict[int, tuple[Decimal, dt.date]], since: dt.date | None = None
) -> list[Line]:
    """`schedule`: the contract's `calc.schedule`; `records`: its PaymentRecord rows; `closed`:
    year → (balance, closing day), as `closed_years` gives them; `since`: its `portal_from`."""
    paid = defaultdict(lambda: calc.ZERO)
    for r in records:
        paid[f"{r.year}|{r.kind}|{r.due_on.isoformat()}"] += r.amount
    out = []
    for p in _one_per_key(schedule):
        amount, due_on, waiting = p.amount, p.due_on, False
        if p.kind == "solde":
            if p.year in closed:
                amount, closed_on = closed[p.year]
                due_on = max(due_on, closed_on)
            else:
                waiting = True
        before = since is not None and due_on < since
        out.append(Line(p, amount, due_on, paid[line_key(p)], waiting, before))
    return out


def _one_per_key(schedule) -> list[calc.Payment]:
    """Payments are recorded against (year, kind, due date): schedule lines sharing that key (the
    advances of two missions started the same day) are one line to pay, of their summed amount."""
    merged = {}
    for p in schedule:
        key = line_key(p)
        if key in merged:
            first = merged[key]
            label = calc.PAYMENT_KINDS.get(p.kind, first.label)
            merged[key] = first._replace(amount=first.amount + p.amount, label=label)
        else:
            merged[key] = p
    return list(merged.values())


def years_of(lines: list[Line], today: dt.date) -> list[YearRow]:
    rows = {}
    for line in lines:
        year = line.payment.year
        scheduled, due, paid = rows.get(year, (calc.ZERO, calc.ZERO, calc.ZERO))
        is_due = not line.waiting and line.due_on <= today
        rows[year] = (
            scheduled + line.amount,
            due + (line.amount if is_due else calc.ZERO),
            paid + line.paid,
        )
    return [YearRow(year, *values) for year, values in sorted(rows.items())]


def _closing(balance, closed_at) -> tuple[Decimal, dt.date]:
    return balance, timezone.localtime(closed_at).date()


def closed_years(evaluations) -> dict[int, tuple[Decimal, dt.date]]:
    """Year → (frozen balance, closing day) of the closed ones among a contract's evaluations."""
    return {
        e.year: _closing(e.balance, e.closed_at)
        for e in evaluations
        if e.status == EvaluationStatus.CLOSED
    }


def _closed(contract_ids) -> dict[int, dict[int, tuple[Decimal, dt.date]]]:
    rows = YearEvaluation.objects.filter(
        contract_id__in=contract_ids, status=EvaluationStatus.CLOSED
    )
    out = defaultdict(dict)
    for contract_id, year, balance, closed_at in rows.values_list(
        "contract_id", "year", "balance", "closed_at"
    ):
        out[contract_id][year] = _closing(balance, closed_at)
    return out


def standing(queryset, terms=None) -> dict[int, list[Line]]:
    """Contract pk → its schedule lines as they stand, for the signed contracts of `queryset`
    (bounded queries whatever their number); `terms`, their `contract_terms` if already read."""
    terms = contract_terms(queryset) if terms is None else terms
    records = defaultdict(list)
    for r in PaymentRecord.objects.filter(contract_id__in=list(terms)):
        records[r.contract_id].append(r)
    closed = _closed(list(terms))
    imported = queryset.filter(pk__in=list(terms), imported=True)
    since = {pk: portal_from(True, at) for pk, at in imported.values_list("pk", "created_at")}
    return {
        pk: lines_of(calc.schedule(t), records[pk], closed[pk], since.get(pk))
        for pk, t in terms.items()
    }


def standing_of(contract, terms: calc.ContractTerms, records) -> list[Line]:
    """`standing` of one contract from its terms and its PaymentRecord rows, which its page has
    read (it lists the records too)."""
    since = portal_from(contract.imported, contract.created_at)
    return lines_of(calc.schedule(terms), records, _closed([contract.pk])[contract.pk], since)


def late_lines(queryset, today: dt.date) -> list[tuple[int, Line]]:
    """(contract pk, line) of every late payment of the contracts of `queryset`, oldest first."""
    found = [
        (pk, line)
        for pk, lines in standing(queryset).items()
        for line in lines
        if line.is_late(today)
    ]
    return sorted(found, key=lambda item: (item[1].due_on, item[0]))


# --- Writes -----------------------------------------------------------------------------------


def record_payment(contract, user, *, line: str, paid_on: dt.date, amount, note: str = ""):
    """A payment made on `paid_on` against the schedule line `line` (`line_key`)."""
    deny_unless(can_record_payment(contract, user))
    amount = cents(amount, "Le montant versé est positif, au centime (moins de 10 milliards).")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise FundingError(f"La référence tient en {NOTE_LIMIT} caractères.")
    today = timezone.localdate()
    if not FIRST_DAY <= paid_on <= today:
        raise FundingError(
            "La date du versement ne peut être ni dans le futur ni antérieure à l'ACI "
            "du 20 juin 2019."
        )
    with transaction.atomic():
        locked = Contract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
        if not locked.is_signed or paid_on < locked.signed_on:
            raise FundingError("Un versement suit la signature du contrat.")
        lines = standing(Contract.objects.filter(pk=locked.pk))[locked.pk]
        target = next((x for x in lines if x.key == line), None)
        if target is None or target.amount <= 0:
            raise FundingError("Choisissez une échéance à verser de l'échéancier du contrat.")
        if target.waiting:
            raise FundingError("Le solde d'une année se verse après la clôture de son évaluation.")
        if amount > target.outstanding:
            raise FundingError(
                "Ce versement dépasse le reste dû sur cette échéance "
                f"({euros(target.outstanding)} €)."
            )
        p = target.payment
        record = PaymentRecord.objects.create(
            contract=locked, year=p.year, kind=p.kind, due_on=p.due_on, paid_on=paid_on,
            amount=amount, note=note, recorded_by=user,
        )  # fmt: skip
        journal(
            user, "funding.payment.record",
            f"Versement de {amount} € enregistré (année {p.year}, échéance du "
            f"{p.due_on:%d/%m/%Y})",
            record, RECORD_FIELDS, project=locked.project_id,
        )  # fmt: skip
    return record
