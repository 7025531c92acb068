"""A CPTS's sequence of contracts: when the next one may be prepared (renewal at five years, or
after a termination), the end of the previous one when its successor is signed, and the
scheduler's end of contracts that reached their five years with no renewal."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from projects import services as project_services
from projects.states import CONTRACT_STATES, State

from .base import FundingError, journal
from .deadlines import add_months, contract_end, renewal_from
from .models import Contract

logger = logging.getLogger(__name__)
FIELDS = ["ended_on"]


def check_next_contract(project, previous, today: dt.date) -> None:
    """Refuse a new contract for `project` (locked) unless it is the first one at "ACI en
    préparation", or the next one once `previous` ended, was terminated or is due for renewal."""
    if previous is None:
        if project.state != State.ACI_PREPARATION:
            raise FundingError("Le contrat se prépare à l'étape « ACI en préparation » du projet.")
        return
    if not previous.is_signed:
        raise FundingError("Ce projet a déjà un contrat ACI en préparation.")
    if project.state not in CONTRACT_STATES:
        raise FundingError("Le contrat suivant se prépare pour une CPTS déjà sous contrat.")
    if previous.terminated_on or previous.ended_on:
        return
    opens = renewal_from(previous.signed_on)
    if today < opens:
        raise FundingError(
            f"Ce projet a déjà un contrat ACI en cours : son renouvellement se prépare à "
            f"partir du {opens:%d/%m/%Y}."
        )


def successor_of(contract) -> Contract | None:
    return Contract.objects.filter(
        project_id=contract.project_id, sequence=contract.sequence + 1
    ).first()


def in_renewal_window(contract, today: dt.date) -> bool:
    """A running contract within its renewal window, or an ended one, whether or not its next
    contract exists (`renewal_due` asks that too)."""
    if not contract.is_signed or contract.terminated_on:
        return False
    return today >= renewal_from(contract.signed_on)


def renewal_due(contract, today: dt.date) -> bool:
    """A running contract within its renewal window, or ended, with no next contract yet."""
    return in_renewal_window(contract, today) and successor_of(contract) is None


def close_predecessor(contract, user) -> Contract | None:
    """`contract` was just signed by the three parties (caller's transaction): the previous
    contract, if it still runs, ends the day before (at the latest at its five years)."""
    previous = (
        Contract.objects.select_for_update(of=("self",))
        .filter(project_id=contract.project_id, sequence=contract.sequence - 1)
        .first()
    )
    if previous is None or not previous.is_signed or previous.terminated_on or previous.ended_on:
        return None
    day_before = contract.signed_on - dt.timedelta(days=1)
    previous.ended_on = max(previous.signed_on, min(contract_end(previous.signed_on), day_before))
    previous.save(update_fields=FIELDS)
    journal(
        user, "funding.contract.end", f"Contrat n° {previous.sequence} échu : renouvelé",
        previous, FIELDS, {"ended_on": None}, project=previous.project_id,
    )  # fmt: skip
    return previous


def sweep_ended_contracts(today: dt.date | None = None) -> int:
    """End every signed contract past its five years (no termination, no successor signed): its
    end date, and the project's state "ACI échu" when it was the running one. Idempotent."""
    today = today or timezone.localdate()
    # add_months(…, -60) is a day or so generous at month ends: the exact end is checked below.
    candidates = Contract.objects.filter(
        signed_on__lte=add_months(today, -60) + dt.timedelta(days=3),
        terminated_on__isnull=True,
        ended_on__isnull=True,
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(candidates):
        with transaction.atomic():
            contract = (
                Contract.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(pk=pk, terminated_on__isnull=True, ended_on__isnull=True)
                .select_related("project")
                .first()
            )
            if contract is None or contract_end(contract.signed_on) >= today:
                continue
            contract.ended_on = contract_end(contract.signed_on)
            contract.save(update_fields=FIELDS)
            journal(
                None, "funding.contract.end", "Contrat échu : cinq ans écoulés", contract,
                FIELDS, {"ended_on": None}, project=contract.project_id,
            )  # fmt: skip
            later = Contract.objects.filter(
                project_id=contract.project_id,
                sequence__gt=contract.sequence,
                signed_on__isnull=False,
            )
            if contract.project.state == State.ACI_SIGNE and not later.exists():
                project_services.end_aci(contract.project)
            done += 1
    logger.info("contracts ended: %s", done)
    return done


def renewals_due(queryset, today: dt.date) -> list[Contract]:
    """The signed, not terminated contracts of `queryset` in their renewal window (or ended)
    with no next contract yet; each with its `end`. Three queries."""
    # Renewal opens six months before the five years: signed at least 4.5 years ago.
    oldest = add_months(today, -(60 - 6)) + dt.timedelta(days=3)
    candidates = list(
        queryset.filter(signed_on__isnull=False, signed_on__lte=oldest, terminated_on__isnull=True)
    )
    keys = Contract.objects.filter(project_id__in=[c.project_id for c in candidates])
    existing = set(keys.values_list("project_id", "sequence"))
    due = []
    for c in candidates:
        if today >= renewal_from(c.signed_on) and (c.project_id, c.sequence + 1) not in existing:
            c.end = contract_end(c.signed_on)
            due.append(c)
    return sorted(due, key=lambda c: c.end)
