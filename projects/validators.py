"""Checks on what project leaders type (RNA; the SIRET in common.validators, uploads in
common.uploads)."""

import re

from django.core.exceptions import ValidationError

RNA_RE = re.compile(r"^W\d{9}$")


def normalise_rna(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_rna(value: str) -> None:
    if not RNA_RE.match(normalise_rna(value)):
        raise ValidationError("Le numéro RNA est la lettre W suivie de 9 chiffres.")
