"""Checks on official identifiers, by python-stdnum, with French messages."""

import re

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import InvalidFormat
from stdnum.exceptions import ValidationError as InvalidNumber
from stdnum.fr import siret


def validate_siret(value: str) -> str:
    """The SIRET without its separators (spaces, dots), or a ValidationError.

    stdnum checks the Luhn key of the SIRET and of its SIREN, and knows INSEE's one exception:
    La Poste's establishments (SIREN 356 000 000), whose digits add up to a multiple of 5."""
    try:
        return siret.validate(value or "")
    except InvalidFormat:  # letters or a wrong length
        raise ValidationError("Le SIRET compte 14 chiffres.") from None
    except InvalidNumber:
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle).") from None


RPPS_LENGTH = 11
FINESS_RE = re.compile(r"^(?:\d{2}|2[AB])\d{7}$")


def validate_rpps(value: str) -> str:
    """The RPPS number (11 digits, the last a Luhn key) without spaces, or a ValidationError."""
    number = "".join((value or "").split())
    if len(number) != RPPS_LENGTH or not number.isdigit():
        raise ValidationError("Le numéro RPPS compte 11 chiffres.")
    if not luhn.is_valid(number):
        raise ValidationError("Ce numéro RPPS n'est pas valide (clé de contrôle).")
    return number


def validate_finess(value: str) -> str:
    """The FINESS number (9 characters: the département, 2A/2B for Corsica, then 7 digits)."""
    number = "".join((value or "").split()).upper()
    if not FINESS_RE.match(number):
        raise ValidationError(
            "Le numéro FINESS compte 9 caractères : le département (2A/2B en Corse) "
            "puis 7 chiffres."
        )
    return number
