"""SIRET checks by python-stdnum, with the portal's French messages."""

import pytest
from django.core.exceptions import ValidationError

from common.validators import validate_siret

pytestmark = pytest.mark.rules


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("73282932000074", "73282932000074"),
        ("732 829 320 00074", "73282932000074"),  # as printed on a Kbis
        ("732.829.320.00074", "73282932000074"),
        # La Poste: not a Luhn number, its digits add up to a multiple of 5 (INSEE's exception).
        ("35600000012346", "35600000012346"),
        ("35600000000048", "35600000000048"),  # La Poste's head office follows Luhn
    ],
)
def test_valid_siret_is_returned_without_separators(typed, stored):
    assert validate_siret(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("73282932000075", "Ce SIRET n'est pas valide (clé de contrôle)."),
        # Luhn-valid, but a La Poste SIRET whose digits do not add up to a multiple of 5.
        ("35600000000014", "Ce SIRET n'est pas valide (clé de contrôle)."),
        ("7328293200007", "Le SIRET compte 14 chiffres."),
        ("732829320000740", "Le SIRET compte 14 chiffres."),
        ("7328293200007A", "Le SIRET compte 14 chiffres."),
        ("", "Le SIRET compte 14 chiffres."),
    ],
)
def test_invalid_siret_is_refused_in_french(typed, message):
    with pytest.raises(ValidationError) as refused:
        validate_siret(typed)
    assert refused.value.messages == [message]
