"""Payments recorded by the CPAM against the schedule: bounds, due / paid / outstanding per
year, late lines (the balance only once its evaluation is closed), exports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEntry
from funding import evaluations, payments, services
from funding.base import FundingError
from funding.followup_models import PaymentRecord
from funding.models import Contract
from funding.views.payments import payable_choices
from tests.funding.contract_life import (
    SIGNED,
    contract_in_life,
    full_declaration,
    report_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def life():
    return contract_in_life()


def _lines(contract):
    return payments.standing(Contract.objects.filter(pk=contract.pk))[contract.pk]


def _line(contract, kind, year):
    return next(x for x in _lines(contract) if x.payment.kind == kind and x.payment.year == year)


def test_payment_settles_its_line_and_its_year(life):
    c, today = life.contract, timezone.localdate()
    signature = _line(c, "signature", 1)
    assert signature.amount == Decimal("60000.00") and signature.is_late(today)
    payments.record_payment(
        c, life.cpam, line=signature.key, paid_on=SIGNED + dt.timedelta(days=10), amount="59000"
    )
    payments.record_payment(c, life.cpam, line=signature.key, paid_on=SIGNED, amount="1000.00")
    after = _line(c, "signature", 1)
    assert after.paid == Decimal("60000.00") and after.outstanding == 0
    assert not after.is_late(today)
    year_1 = payments.years_of(_lines(c), today)[0]
    # Due in year 1 today: the signature payment and 75 % of parcours (the balance waits for
    # the evaluation); paid 60 000.
    assert (year_1.due, year_1.paid, year_1.outstanding) == (
        Decimal("86250.00"),
        Decimal("60000.00"),
        Decimal("26250.00"),
    )
    entry = AuditEntry.objects.filter(action="funding.payment.record").order_by("pk").last()
    assert entry.changes["amount"] == [None, "1000.00"]


@pytest.mark.parametrize(
    "paid_on, amount",
    [
        (dt.date(2019, 6, 19), "100"),  # before the ACI
        (None, "100"),  # tomorrow
        (dt.date(2023, 2, 5), "100"),  # before the signature
        (SIGNED, "0"),
        (SIGNED, "-5"),
        (SIGNED, "1e10"),
        (SIGNED, "NaN"),
        (SIGNED, "60000.01"),  # more than the line
    ],
)
def test_payment_bounds(life, paid_on, amount):
    paid_on = paid_on or timezone.localdate() + dt.timedelta(days=1)
    line = _line(life.contract, "signature", 1).key
    with pytest.raises(FundingError):
        payments.record_payment(life.contract, life.cpam, line=line, paid_on=paid_on, amount=amount)
    assert not PaymentRecord.objects.exists()


def test_balance_waits_for_the_evaluation_then_is_late(life):
    c = life.contract
    solde = _line(c, "solde", 1)
    assert solde.waiting and not solde.is_late(timezone.localdate())
    with pytest.raises(FundingError, match="clôture de son évaluation"):
        payments.record_payment(c, life.cpam, line=solde.key, paid_on=SIGNED, amount="1")
    evaluations.save_evaluation(c, life.leader, 1, report=report_pdf(), **full_declaration(life))
    evaluations.submit_evaluation(c, life.leader, 1)
    evaluations.close_evaluation(c, life.cpam, 1)
    solde = _line(c, "solde", 1)
    assert not solde.waiting and solde.amount == Decimal("29750.00")
    assert solde.due_on == timezone.localdate()  # due from the closing day
    assert not solde.is_late(solde.due_on + dt.timedelta(days=payments.GRACE_DAYS))
    assert solde.is_late(solde.due_on + dt.timedelta(days=payments.GRACE_DAYS + 1))


def test_late_lines_of_the_territory(life):
    other = contract_in_life()
    late = payments.late_lines(Contract.objects.filter(pk=life.contract.pk), timezone.localdate())
    assert {pk for pk, _ in late} == {life.contract.pk}
    assert late[0][1].payment.kind == "signature"  # oldest first
    assert other.contract.pk not in {pk for pk, _ in late}


def test_only_the_assurance_maladie_records(life):
    line = _line(life.contract, "signature", 1).key
    for user in (life.leader, life.ars):
        with pytest.raises(PermissionDenied):
            payments.record_payment(life.contract, user, line=line, paid_on=SIGNED, amount="1")


def test_database_bounds(life):
    fields = dict(contract=life.contract, year=1, kind="signature", due_on=SIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRecord.objects.create(paid_on=SIGNED, amount=0, recorded_by=life.cpam, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRecord.objects.create(
            paid_on=dt.date(2019, 1, 1), amount=1, recorded_by=life.cpam, **fields
        )


def test_missions_started_the_same_day_are_one_line_paid_once(life):
    c = life.contract
    services.start_mission(c, life.cpam, "prevention", SIGNED)
    advances = [x for x in _lines(c) if x.payment.kind == "avance_mission"]
    keys = [x.key for x in advances]
    assert len(keys) == len(set(keys))  # one line per key: nothing counted twice
    first_year = next(x for x in advances if x.payment.year == 1)
    payments.record_payment(
        c, life.cpam, line=first_year.key, paid_on=SIGNED, amount=first_year.outstanding
    )
    settled = next(x for x in _lines(c) if x.key == first_year.key)
    assert settled.outstanding == 0 and settled.paid == first_year.amount


def test_amounts_shown_to_the_cpam_are_written_the_french_way(life):
    c = life.contract
    signature = _line(c, "signature", 1)  # 60 000 € outstanding
    label = dict(payable_choices(_lines(c)))[signature.key]
    assert "(reste 60\xa0000,00 €)" in label and "60000.00" not in label
    with pytest.raises(FundingError, match="60\xa0000,00 €"):
        payments.record_payment(c, life.cpam, line=signature.key, paid_on=SIGNED, amount="60000.01")


def _imported(contract, brought_in: dt.date):
    """The contract as brought in from the existing on `brought_in` (noon, Paris)."""
    at = timezone.make_aware(dt.datetime.combine(brought_in, dt.time(12)))
    Contract.objects.filter(pk=contract.pk).update(imported=True, created_at=at)
    return Contract.objects.get(pk=contract.pk)


def test_an_imported_contract_is_late_only_for_what_fell_due_in_the_portal(life, client):
    today = timezone.localdate()
    before = [x for x in _lines(life.contract) if x.is_late(today)]
    assert len(before) >= 2  # the signature's and parcours' advance, unpaid since 2023
    brought_in = max(x.due_on for x in before)  # the last of them fell due in the portal
    contract = _imported(life.contract, brought_in)
    lines = _lines(contract)
    late = [x for x in lines if x.is_late(today)]
    assert [x.key for x in late] == [x.key for x in before if x.due_on == brought_in]
    earlier = [x for x in lines if x.due_on < brought_in and x.amount > 0]
    assert earlier and all(x.before_portal and not x.is_late(today) for x in earlier)
    assert {pk for pk, _ in payments.late_lines(Contract.objects.all(), today)} == {contract.pk}
    # The payments page and the contract page say the same, line by line.
    client.force_login(life.cpam)
    html = client.get(f"/financement/contrats/{contract.pk}/versements/").content.decode()
    owed = [x for x in earlier if not x.waiting]  # a balance awaiting its evaluation says so
    assert owed and html.count("échue avant le portail (reprise de l&#x27;existant)") == len(owed)
    assert html.count("en retard</td>") == len(late)
    page = client.get(f"/financement/contrats/{contract.pk}/").content.decode()
    assert f"{len(late)} versement{'s' if len(late) > 1 else ''} en retard" in page
    # What fell due before can still be recorded, and is then settled.
    payments.record_payment(
        contract, life.cpam, line=owed[0].key, paid_on=SIGNED, amount=owed[0].amount
    )
    assert next(x for x in _lines(contract) if x.key == owed[0].key).outstanding == 0


def test_a_contract_signed_in_the_portal_keeps_its_late_lines(life):
    contract = Contract.objects.get(pk=life.contract.pk)
    assert not contract.imported
    assert payments.portal_from(contract.imported, contract.created_at) is None
    assert all(not x.before_portal for x in _lines(contract))
