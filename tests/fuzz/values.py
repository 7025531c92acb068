"""Extreme values of each field type, and plausible ones to fill the other fields with, so that
each extreme reaches the code behind the field it is put in."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.world import MINIMAL_PDF

HUGE = "x" * 100_000
TEXT = [HUGE, "ligne\r\nBcc: intrus@example.org", "nul\x00", "<script>alert(1)</script>", "1e309"]
DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "2019-06-19", "2100-01-01"]
DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "2100-01-01T10:00"]
NUMBERS = ["NaN", "Infinity", "1e309", "-1", "99999999999", "1e-400"]
CHOICES = ["inconnu", "99999999999", "-1"]
EMAILS = [HUGE + "@exemple.fr", "a@exemple.fr\r\nBcc: intrus@example.org", "nul\x00@exemple.fr"]
JS_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
FILES = [
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("piege.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "application/pdf"),
    ("actif.pdf", JS_PDF, "application/pdf"),
    ("vide.pdf", b"", "application/pdf"),
]


def upload(name="piece.pdf", content=MINIMAL_PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def extremes(field) -> list:
    """The values `field` is fuzzed with, by its type."""
    kind = field.kind
    if kind == "file":
        return [upload(*f) for f in FILES]
    if kind == "date":
        return DATES
    if kind == "datetime-local":
        return DATETIMES
    if kind == "number":
        return NUMBERS
    if kind == "email":
        return EMAILS
    if kind in ("select", "radio") or (kind == "checkbox" and field.multiple):
        return CHOICES
    if kind == "checkbox":
        return []  # a single box is on or off: any value means on
    return TEXT  # text, textarea, hidden, search, password, tel, url…


# Fields whose format a generic value of their type would not meet.
BY_NAME = {
    "rna": "W123456789",
    "siret": "",
    "codes": "",
    "user_representative": "France Assos",
    "username": "fuzz.porteur",
    "password1": "Mot-de-passe-solide-2026",
    "password2": "Mot-de-passe-solide-2026",
}


def plausible(field):
    """A value a careful person would give a field the page left empty."""
    today = timezone.localdate()
    kind = field.kind
    if field.name in BY_NAME:
        return BY_NAME[field.name]
    if kind == "file":
        return upload()
    if kind == "date":
        return (today - dt.timedelta(days=1)).isoformat()
    if kind == "datetime-local":
        return f"{today + dt.timedelta(days=20):%Y-%m-%d}T10:00"
    if kind == "number":
        return "1"
    if kind == "email":
        return "co-porteur@exemple.fr"
    if kind in ("select", "radio"):
        options = [o for o in field.options if o]
        return options[0] if options else ""
    if kind == "checkbox":
        return [field.options[0]] if field.multiple and field.options else "on"
    return "Texte de test"
