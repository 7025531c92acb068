"""Grid versioning: a version that pays a contract year already started (past or current) is
frozen. Its amounts are what those years were computed on, so editing them would change an
entitlement after the fact: it becomes read-only (admin and `grid_edits`), and a correction is
a new version in force from a later date (a year not yet started then takes it)."""

import datetime as dt
from bisect import bisect_right

from django.utils import timezone

from .base import FundingError
from .deadlines import CONTRACT_YEARS, contract_anniversary
from .models import Contract, GridVersion

FROZEN = (
    "La grille « {}» paie déjà des années de contrat commencées : elle ne se modifie plus. "
    "Créez une nouvelle version, en vigueur à une date à venir."
)
NOT_BEFORE = "Une nouvelle version de grille entre en vigueur au plus tôt demain ({:%d/%m/%Y})."


def frozen_codes(today: dt.date | None = None) -> set[str]:
    """Codes of the versions in force on the first day of a started year of a signed contract
    (terminated contracts: the years started before their termination)."""
    today = today or timezone.localdate()
    versions = list(GridVersion.objects.order_by("valid_from").values_list("valid_from", "code"))
    starts = [v for v, _ in versions]
    frozen = set()
    signed = Contract.objects.filter(signed_on__isnull=False, signed_on__lte=today)
    for signed_on, ended in signed.values_list("signed_on", "terminated_on").distinct():
        for year in range(1, CONTRACT_YEARS + 1):
            start = contract_anniversary(signed_on, year)
            if start > today or (ended and start >= ended):
                break
            index = bisect_right(starts, start) - 1
            if index >= 0:
                frozen.add(versions[index][1])
    return frozen


def is_frozen(code: str) -> bool:
    return code in frozen_codes()


def check_editable(code: str | None) -> None:
    if code and is_frozen(code):
        raise FundingError(FROZEN.format(f"{code} "))


def check_reaches_no_started_year(code: str) -> None:
    """A version just stored from a data file may not take over a started contract year."""
    if is_frozen(code):
        raise FundingError(
            f"La nouvelle grille « {code} » paierait des années de contrat déjà commencées : "
            "donnez-lui une date d'entrée en vigueur à venir."
        )


def check_new_validity(valid_from: dt.date) -> None:
    """A new version (or a new date) may not reach back to a year already started."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if valid_from < tomorrow:
        raise FundingError(NOT_BEFORE.format(tomorrow))
