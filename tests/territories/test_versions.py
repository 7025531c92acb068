"""The reference data's version changes with every write of a commune or a département, and
only then."""

import pytest

from territories import versions
from territories.models import Commune
from tests.factories import RegionFactory
from tests.world import commune, fresh_departement

pytestmark = pytest.mark.django_db


def test_every_save_or_delete_changes_it_and_reading_does_not():
    departement = fresh_departement()
    first = versions.current()
    assert versions.current() == first
    town = commune(departement)
    after_create = versions.current()
    town.population += 1
    town.save()
    after_save = versions.current()
    Commune.objects.filter(pk=town.pk).delete()
    after_delete = versions.current()
    departement.region = RegionFactory()
    departement.save()
    after_move = versions.current()
    seen = [first, after_create, after_save, after_delete, after_move]
    assert len(set(seen)) == len(seen)
