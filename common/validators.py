"""Checks on official identifiers, by python-stdnum, with French messages."""

from django.core.exceptions import ValidationError
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
