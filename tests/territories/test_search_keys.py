"""Search keys and ranking on a few made-up communes (no real data loaded)."""

import pytest

from territories.models import SearchKey
from territories.search import search_communes, search_keys
from tests.factories import CommuneFactory
from tests.world import commune, fresh_departement


@pytest.mark.rules
def test_search_keys_of_a_commune():
    commune = CommuneFactory.build(
        name="Saint-Étienne-du-Rouvray", insee="76575", postal_codes="76800", population=28_000
    )
    keys = {(k.key, k.kind) for k in search_keys(commune)}
    assert keys == {
        ("saint etienne du rouvray", SearchKey.Kind.NAME),
        ("etienne du rouvray", SearchKey.Kind.WORD),
        ("du rouvray", SearchKey.Kind.WORD),
        ("rouvray", SearchKey.Kind.WORD),
        ("76575", SearchKey.Kind.INSEE),
        ("76800", SearchKey.Kind.POSTAL),
    }
    assert {k.population for k in search_keys(commune)} == {28_000}


@pytest.mark.django_db
def test_whole_names_rank_before_words_whatever_the_population():
    dept = fresh_departement()
    small = commune(dept, name="Rouvray", population=500)
    big = commune(dept, name="Saint-Étienne-du-Rouvray", population=28_000)
    bigger = commune(dept, name="Rouvray-Catillon", population=40_000)
    assert search_communes("rouvray") == [small, bigger, big]
