"""Commune and EPCI search as you type: by name, INSEE code or postal code.

Names are matched on `Commune.search_name` (lower-case, unaccented, punctuation as spaces): a
prefix of the whole name ("saint e") or of a word inside it ("etienne"). Digits match the start
of the INSEE code or of one of the postal codes. Results: exact and prefix matches first, then
the most populated communes. PostgreSQL serves these from a pattern_ops btree and trigram
indexes (migration 0002).
"""

import re
import unicodedata

from django.db.models import Case, IntegerField, Q, Value, When

from .models import Commune, Epci

DEFAULT_LIMIT = 20
MIN_NAME_LENGTH = 2
_NON_WORD = re.compile(r"[^a-z0-9]+")
# What people type for the common abbreviations of commune names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "s/": "sur"}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", text.lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def search_communes(query: str, limit: int = DEFAULT_LIMIT, region_id=None):
    """Communes matching `query`, best first (a list, at most `limit`)."""
    raw = (query or "").strip()
    qs = Commune.objects.select_related("departement", "epci")
    if region_id is not None:
        qs = qs.filter(departement__region_id=region_id)
    if raw.isdigit() or (len(raw) <= 5 and raw[:2].upper() in ("2A", "2B")):
        code = raw.upper()
        qs = qs.filter(
            Q(insee__startswith=code)
            | Q(postal_codes__startswith=code)
            | Q(postal_codes__contains=" " + code)
        ).annotate(
            rank=Case(
                When(insee=code, then=Value(0)),
                When(insee__startswith=code, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    else:
        name = normalise(raw)
        if len(name) < MIN_NAME_LENGTH:
            return []
        qs = qs.filter(
            Q(search_name__startswith=name) | Q(search_name__contains=" " + name)
        ).annotate(
            rank=Case(
                When(search_name=name, then=Value(0)),
                When(search_name__startswith=name, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    return list(qs.order_by("rank", "-population", "insee")[:limit])


def search_epcis(query: str, limit: int = 5):
    """EPCI whose name contains `query` (to add all their communes at once)."""
    name = normalise(query)
    if len(name) < 3 or name.isdigit():
        return []
    # 1 253 EPCI: matching their normalised names in Python is cheaper than another index.
    ids = [
        pk
        for pk, epci_name in Epci.objects.order_by("name").values_list("pk", "name")
        if name in normalise(epci_name)
    ][:limit]
    return list(Epci.objects.filter(pk__in=ids).order_by("name"))
