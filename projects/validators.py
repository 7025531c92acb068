"""Checks on what project leaders type (RNA, SIRET); uploads are judged by `common.uploads`."""

import re

from django.core.exceptions import ValidationError

RNA_RE = re.compile(r"^W\d{9}$")
SIRET_RE = re.compile(r"^\d{14}$")
# La Poste's establishments do not follow the Luhn rule; INSEE documents this one exception.
LA_POSTE_SIREN = "356000000"


def normalise_rna(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_rna(value: str) -> None:
    if not RNA_RE.match(normalise_rna(value)):
        raise ValidationError("Le numéro RNA est la lettre W suivie de 9 chiffres.")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def validate_siret(value: str) -> None:
    value = (value or "").replace(" ", "")
    if not SIRET_RE.match(value):
        raise ValidationError("Le SIRET compte 14 chiffres.")
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5:
            raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle).")
        return
    if not luhn_ok(value):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle).")
