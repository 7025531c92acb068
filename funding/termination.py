"""What a termination recovers: the advances paid for the time after it, pro rata temporis
(ACI art. 9), as the schedule computes it (`calc.schedule`, its "recuperation" line)."""

import dataclasses
import datetime as dt
from decimal import Decimal

from . import calc
from .models import Contract
from .terms import contract_terms


def recovery_of(terms: calc.ContractTerms, terminated_on: dt.date) -> Decimal:
    """Advances to recover (a positive amount, 0.00 when none) if the contract whose `terms`
    are given ends on `terminated_on`."""
    return recovered(calc.schedule(dataclasses.replace(terms, terminated_on=terminated_on)))


def recovered(schedule: list[calc.Payment]) -> Decimal:
    """Advances to recover in a terminated contract's schedule (0.00 when none)."""
    return -sum((p.amount for p in schedule if p.kind == "recuperation"), calc.ZERO)


def recovery(contract) -> Decimal:
    """Advances to recover from a terminated contract (0.00 for one still running)."""
    if not contract.terminated_on:
        return calc.ZERO
    terms = contract_terms(Contract.objects.filter(pk=contract.pk))[contract.pk]
    return recovery_of(terms, contract.terminated_on)
