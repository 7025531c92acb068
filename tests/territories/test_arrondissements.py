"""Paris, Lyon and Marseille are chosen by arrondissement municipal, never whole (domain.md §7)."""

import pytest

from territories.models import CITIES_BY_ARRONDISSEMENT, Commune
from territories.search import search_communes
from territories.services import TerritoryError, resolve_communes, summarise

pytestmark = pytest.mark.django_db


def test_the_three_cities_come_as_their_45_arrondissements(real_communes):
    assert not Commune.objects.filter(insee__in=CITIES_BY_ARRONDISSEMENT).exists()
    for name, first, last in CITIES_BY_ARRONDISSEMENT.values():
        arrondissements = Commune.objects.filter(insee__gte=first, insee__lte=last)
        expected = int(last) - int(first) + 1
        assert arrondissements.count() == expected, name
        assert all(a.population > 0 and a.outline for a in arrondissements), name
    assert Commune.objects.filter(insee__regex=r"^(751\d\d|6938\d|132\d\d)$").count() == 45


@pytest.mark.parametrize(
    ("insee", "departement"), [("75115", "75"), ("69381", "69"), ("13201", "13")]
)
def test_an_arrondissement_has_its_city_s_departement_and_epci(real_communes, insee, departement):
    arrondissement = Commune.objects.select_related("departement", "epci").get(insee=insee)
    assert arrondissement.departement.code == departement
    assert arrondissement.epci is not None and "Métropole" in arrondissement.epci.name


def test_a_paris_cpts_is_sized_by_its_arrondissements(real_communes):
    summary = summarise(resolve_communes(["75115"]))
    assert 150_000 < summary.population < 300_000  # the 15e, not Paris's 2.1 M inhabitants
    assert summary.taille == 4


def test_arrondissements_are_found_by_name_and_postal_code(real_communes):
    assert search_communes("Paris 15")[0].insee == "75115"
    assert search_communes("75015")[0].insee == "75115"
    assert search_communes("Marseille 1er")[0].insee == "13201"


@pytest.mark.parametrize("city", list(CITIES_BY_ARRONDISSEMENT))
def test_a_whole_city_is_refused_with_what_to_choose(real_communes, city):
    name, first, last = CITIES_BY_ARRONDISSEMENT[city]
    with pytest.raises(
        TerritoryError, match=f"{name} se choisit par arrondissement.*{first} à {last}"
    ):
        resolve_communes([city, "33063"])
