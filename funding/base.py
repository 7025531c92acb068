"""What every funding write shares: its refusals and its journal entry."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied

from audit import services as audit
from common.errors import UserError

DENIED = "Vous n'avez pas le droit d'effectuer cette action."
MONEY_LIMIT = Decimal("1e10")  # models' MONEY: 12 digits, 2 after the point


class FundingError(UserError):
    """An action the contract or project does not allow; the message is for the user."""


def deny_unless(allowed: bool, message: str = DENIED) -> None:
    if not allowed:
        raise PermissionDenied(message)


def cents(amount, message: str) -> Decimal:
    """A positive amount of euros the database can hold, rounded to the cent."""
    amount = Decimal(str(amount))
    if amount.is_finite() and abs(amount) < MONEY_LIMIT:
        amount = amount.quantize(Decimal("0.01"))  # rounding may reach the limit: check again
    if not amount.is_finite() or not 0 < amount < MONEY_LIMIT:
        raise FundingError(message)
    return amount


def journal(user, action, label, target, fields, before=None, *, project=None, extra=None):
    """Record the write of `target`, inside the caller's transaction: `fields` now against
    `before` (a snapshot taken before the change; nothing for a creation), plus `extra`
    changes {field: [old, new]} that are not plain fields (related rows)."""
    changes = audit.changes(before or {}, audit.snapshot(target, fields))
    changes.update(extra or {})
    return audit.record(user, action, label, target, project=project, changes=changes)
