"""The département principal of a territory: most population, ties broken deterministically."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from territories.models import Commune, Departement, Region
from territories.principal import population_by_departement, principal_departement, regions_of

pytestmark = pytest.mark.rules

REGION = Region(pk=1, code="75", name="Nouvelle-Aquitaine")
GIRONDE = Departement(pk=33, code="33", name="Gironde", region=REGION)
DORDOGNE = Departement(pk=24, code="24", name="Dordogne", region=REGION)
LANDES = Departement(pk=40, code="40", name="Landes", region=REGION)


def communes(*spec):
    """(département, population) pairs as unsaved communes."""
    return [
        Commune(insee=f"{d.code}{i:03d}", name=f"C{i}", departement=d, population=p)
        for i, (d, p) in enumerate(spec)
    ]


def test_the_most_populated_departement_wins_even_with_fewer_communes():
    territory = communes((GIRONDE, 30_000), (DORDOGNE, 12_000), (DORDOGNE, 12_000))
    assert principal_departement(territory) == GIRONDE
    assert population_by_departement(territory) == {GIRONDE: (30_000, 1), DORDOGNE: (24_000, 2)}


def test_a_population_tie_goes_to_the_departement_with_more_communes():
    territory = communes((GIRONDE, 20_000), (DORDOGNE, 10_000), (DORDOGNE, 10_000))
    assert principal_departement(territory) == DORDOGNE
    assert principal_departement(territory, current=GIRONDE) == DORDOGNE


def test_a_full_tie_keeps_the_departement_already_in_charge():
    territory = communes((GIRONDE, 10_000), (DORDOGNE, 10_000))
    assert principal_departement(territory, current=GIRONDE) == GIRONDE
    assert principal_departement(territory, current=DORDOGNE) == DORDOGNE


def test_a_full_tie_without_one_in_charge_goes_to_the_lowest_code():
    territory = communes((GIRONDE, 10_000), (LANDES, 10_000), (DORDOGNE, 10_000))
    assert principal_departement(territory) == DORDOGNE  # "24" < "33" < "40"
    # A current département that is not in the territory changes nothing.
    assert principal_departement(territory, current=Departement(pk=99, code="01")) == DORDOGNE


def test_the_order_of_the_communes_never_matters():
    spec = [(GIRONDE, 10_000), (LANDES, 10_000), (DORDOGNE, 10_000), (LANDES, 0)]
    answers = {principal_departement(communes(*order)) for order in itertools.permutations(spec)}
    assert answers == {LANDES}  # same population, one commune more


def test_no_commune_no_principal():
    assert principal_departement([]) is None


def test_regions_of_a_territory():
    other = Region(pk=2, code="76", name="Occitanie")
    gers = Departement(pk=32, code="32", name="Gers", region=other)
    assert regions_of(communes((GIRONDE, 1), (DORDOGNE, 1))) == {REGION}
    assert regions_of(communes((GIRONDE, 1), (gers, 1))) == {REGION, other}


DEPARTEMENTS = [GIRONDE, DORDOGNE, LANDES]


@given(
    st.lists(
        st.tuples(st.sampled_from(DEPARTEMENTS), st.integers(0, 2_200_000)), min_size=1, max_size=40
    ),
    st.sampled_from([None, *DEPARTEMENTS]),
    st.randoms(use_true_random=False),
)
def test_the_principal_holds_the_most_population_whatever_the_order(spec, current, rnd):
    territory = communes(*spec)
    principal = principal_departement(territory, current)
    totals = population_by_departement(territory)
    assert totals[principal][0] == max(population for population, _ in totals.values())
    rnd.shuffle(territory)
    assert principal_departement(territory, current) == principal
