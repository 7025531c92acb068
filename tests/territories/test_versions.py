"""The reference data's version changes with every write of a commune or a département (one
at a time or many at once), and only then."""

import pytest
from django.db import IntegrityError

from territories.models import Commune, ReferenceVersion
from tests.factories import RegionFactory
from tests.world import commune, fresh_departement

pytestmark = pytest.mark.django_db


def test_every_write_changes_it_and_reading_does_not():
    departement = fresh_departement()
    seen = [ReferenceVersion.current()]
    assert ReferenceVersion.current() == seen[0]
    town = commune(departement)  # created (save)
    seen.append(ReferenceVersion.current())
    town.population += 1
    town.save()
    seen.append(ReferenceVersion.current())
    Commune.objects.filter(pk=town.pk).update(population=7)
    seen.append(ReferenceVersion.current())
    town.pk = None
    town.insee = "X0001"
    Commune.objects.bulk_create([town])
    seen.append(ReferenceVersion.current())
    Commune.objects.filter(insee="X0001").delete()
    seen.append(ReferenceVersion.current())
    Commune.objects.get(departement=departement).delete()
    seen.append(ReferenceVersion.current())
    departement.region = RegionFactory()
    departement.save()
    seen.append(ReferenceVersion.current())
    assert len(set(seen)) == len(seen)


def test_a_write_refused_keeps_it():
    departement = fresh_departement()
    town, other = commune(departement), commune(departement)
    before = ReferenceVersion.current()
    with pytest.raises(IntegrityError):  # the INSEE code is unique
        Commune.objects.filter(pk=town.pk).update(insee=other.insee)
    assert ReferenceVersion.current() == before


def test_reading_it_writes_nothing_even_when_the_row_is_gone(django_assert_num_queries):
    ReferenceVersion.objects.all().delete()
    with django_assert_num_queries(1):
        assert ReferenceVersion.current() == ""
    assert not ReferenceVersion.objects.exists()
    commune(fresh_departement())
    assert ReferenceVersion.current() != ""
