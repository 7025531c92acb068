"""Signatures of a contract or an avenant: each party records its own, on a date with legal
weight bounded by the ACI of 20 June 2019 and today (one tested function each)."""

import datetime as dt

from django.utils import timezone

from projects import permissions as project_perms

from .base import FundingError
from .models import ACI_SIGNED_ON

PARTIES = {"cpts": "de la CPTS", "cpam": "de la CPAM", "ars": "de l'ARS"}
PARTY_LABELS = {"cpts": "CPTS", "cpam": "CPAM", "ars": "ARS"}


def check_signature_date(day: dt.date, not_before: dt.date | None = None) -> dt.date:
    """A signature date: not in the future (Paris), not before the ACI of 20 June 2019, nor
    before `not_before` (the contract's signature, for an avenant)."""
    if not isinstance(day, dt.date):
        raise FundingError("Indiquez la date de signature.")
    if day > timezone.localdate():
        raise FundingError("Une signature ne peut pas être datée dans le futur.")
    if day < ACI_SIGNED_ON:
        raise FundingError("Une signature ne peut pas précéder l'ACI du 20 juin 2019.")
    if not_before is not None and day < not_before:
        raise FundingError(
            f"Une signature de l'avenant ne peut pas précéder celle du contrat "
            f"({not_before:%d/%m/%Y})."
        )
    return day


def check_mission_date(day: dt.date, signed_on: dt.date) -> dt.date:
    """A mission's start: not in the future, not before the contract's signature (itself not
    before the ACI of 20 June 2019)."""
    if not isinstance(day, dt.date):
        raise FundingError("Indiquez la date de démarrage.")
    if day > timezone.localdate():
        raise FundingError("Une mission ne peut pas démarrer dans le futur.")
    if day < max(signed_on, ACI_SIGNED_ON):
        raise FundingError("Une mission démarre après la signature du contrat.")
    return day


def parties_of(project, user) -> list[str]:
    """The parties `user` signs for: the CPTS's by its leaders, the CPAM's by the Assurance
    Maladie of the territory (CPAM, MSA), the ARS's by the ARS (DD or siège) of the territory.
    Nobody signs for another party."""
    parties = []
    if project_perms.is_leader(project, user):
        parties.append("cpts")
    if project_perms.is_assurance_maladie_of(project, user):
        parties.append("cpam")
    if project_perms.is_ars_of(project, user):
        parties.append("ars")
    return parties
