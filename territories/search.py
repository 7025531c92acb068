"""Commune and EPCI search as you type: by name, INSEE code or postal code.

Each commune has search keys (`SearchKey`): its normalised name (lower-case, unaccented,
punctuation as spaces), the same from each later word ("etienne" finds Saint-Étienne), its
INSEE code and its postal codes. A search is one prefix match on the keys' index, ranked by
kind (name, INSEE code, postal code, word inside a name; digits as a postal code first), the
exact match first within a kind, then by population.
"""

import re
import unicodedata

from django.db import models
from django.db.models import Case, Count, IntegerField, Max, Value, When

from .models import Commune, Epci, SearchKey

DEFAULT_LIMIT = 20
MIN_NAME_LENGTH = 2
_NON_WORD = re.compile(r"[^a-z0-9]+")
# What people type for the common abbreviations of commune names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", text.lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def key_pairs(name: str, insee: str, postal_codes: str) -> list[tuple[str, int]]:
    """(key, kind) under which a commune is found."""
    normalised = normalise(name)
    words = normalised.split()
    keys = {(normalised, SearchKey.Kind.NAME), (insee.lower(), SearchKey.Kind.INSEE)}
    keys |= {(" ".join(words[i:]), SearchKey.Kind.WORD) for i in range(1, len(words))}
    keys |= {(code, SearchKey.Kind.POSTAL) for code in postal_codes.split()}
    return sorted(keys)


def search_keys(commune: Commune) -> list[SearchKey]:
    """The keys of one commune, as model instances (the loader writes them in bulk)."""
    return [
        SearchKey(commune=commune, key=key, kind=kind, population=commune.population)
        for key, kind in key_pairs(commune.name, commune.insee, commune.postal_codes)
    ]


def search_communes(query: str, limit: int = DEFAULT_LIMIT, region_id=None):
    """Communes matching `query`, best first (a list, at most `limit`)."""
    raw = (query or "").strip()
    key = raw.lower() if raw.isalnum() and any(c.isdigit() for c in raw) else normalise(raw)
    if len(key) < MIN_NAME_LENGTH:
        return []
    keys = SearchKey.objects.filter(key__startswith=key)
    if region_id is not None:
        keys = keys.filter(commune__departement__region_id=region_id)
    ranked = keys.annotate(
        rank=_kind_rank(key),
        exact=Case(When(key=key, then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).order_by("rank", "exact", "-population", "commune_id")
    # A commune may match by several keys ("saint saturnin" for "sa"): keep its best one.
    ids = []
    for commune_id in ranked.values_list("commune_id", flat=True)[: limit * 3]:
        if commune_id not in ids:
            ids.append(commune_id)
            if len(ids) == limit:
                break
    communes = Commune.objects.select_related("departement", "epci").in_bulk(ids)
    return [communes[pk] for pk in ids]


def _kind_rank(key: str):
    """Kinds in their ranking order, except that digits are first read as a postal code: people
    type the code on their letters ("33310" is Lormont's postal code before Origne's INSEE)."""
    if not key.isdigit():
        return models.F("kind")
    postal_first = {SearchKey.Kind.POSTAL: 0, SearchKey.Kind.INSEE: 1}
    whens = [When(kind=kind, then=Value(rank)) for kind, rank in postal_first.items()]
    return Case(*whens, default=models.F("kind") + 1, output_field=IntegerField())


# The abbreviations of the EPCI kinds, as people write them ("CC du Pays de Fayence").
_EPCI_KINDS = {
    "cc": "communaute de communes",
    "ca": "communaute d agglomeration",
    "cu": "communaute urbaine",
}


def search_epcis(query: str, limit: int = 5):
    """EPCI whose official name holds every word typed, each as the start of one of its words,
    in any order (to add all their communes at once)."""
    name = normalise(query)
    if len(name) < 3 or name.isdigit():
        return []
    words = " ".join(_EPCI_KINDS.get(w, w) for w in name.split()).split()
    ids = [pk for pk, epci_words in _epci_names() if _all_prefixes(words, epci_words)][:limit]
    return list(Epci.objects.filter(pk__in=ids).order_by("name"))


def _all_prefixes(words: list[str], name_words: list[str]) -> bool:
    return all(any(n.startswith(w) for n in name_words) for w in words)


_epci_cache: dict = {}


def _epci_names() -> list[tuple[int, list[str]]]:
    """(pk, words of the normalised name) of the 1 253 EPCI; rebuilt when the table changes.

    Matching a few thousand short strings in Python is cheaper than another index. A rename
    alone (same count, same last id) needs a restart, as after any reference-data refresh."""
    key = tuple(Epci.objects.aggregate(n=Count("pk"), last=Max("pk")).values())
    if _epci_cache.get("key") != key:
        rows = Epci.objects.order_by("name").values_list("pk", "name")
        _epci_cache["names"] = [(pk, normalise(epci_name).split()) for pk, epci_name in rows]
        _epci_cache["key"] = key
    return _epci_cache["names"]
