"""Who signed a decision, as the letter must say it (name, quality, delegation of signature)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import SignatureDelegation

TO_COMPLETE = "à compléter"


@dataclass(frozen=True)
class Signatory:
    name: str
    quality: str  # "" when no delegation is recorded: the letter says "à compléter"
    delegated_by: str = ""
    act: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.quality)


def signatory(user, organisation, on: dt.date) -> Signatory | None:
    """The signatory of a decision `user` took for `organisation` on day `on`; None without a
    person (an implicit decision)."""
    if user is None:
        return None
    name = user.get_full_name() or user.username
    found = (
        SignatureDelegation.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
            user=user,
            organisation=organisation,
            starts_on__lte=on,
        )
        .order_by("-starts_on", "-pk")
        .first()
        if organisation is not None
        else None
    )
    if found is None:
        return Signatory(name, "")
    return Signatory(name, found.quality, found.delegated_by, found.act)
