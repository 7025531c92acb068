"""Checks on what project leaders type or upload (RNA, PDF files; the SIRET in common)."""

import re

from django.core.exceptions import ValidationError

RNA_RE = re.compile(r"^W\d{9}$")
PDF_MAGIC = b"%PDF-"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def normalise_rna(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_rna(value: str) -> None:
    if not RNA_RE.match(normalise_rna(value)):
        raise ValidationError("Le numéro RNA est la lettre W suivie de 9 chiffres.")


def validate_pdf(upload) -> None:
    """Judge the file by its content, not by its name or the browser's content type."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Le fichier dépasse 10 Mo.")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError("Le fichier doit être un PDF.")
