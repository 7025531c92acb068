import datetime as dt

import pytest

from funding.calc import GridSet, grid_from_dict
from funding.grid_store import grid_files, read_grid_file


@pytest.fixture(scope="session")
def grid_set():
    """The shipped data files, without the database (pure computation tests)."""
    return GridSet(tuple(grid_from_dict(read_grid_file(p)) for p in grid_files()))


@pytest.fixture(scope="session")
def aci_2019(grid_set):
    return grid_set.by_code("aci_2019")


@pytest.fixture(scope="session")
def avenant_2(grid_set):
    return grid_set.by_code("avenant_2")


def make_aci_project(departement=None, taille=2):
    """A project at "ACI en préparation" with its leader and ARS DD user."""
    from projects import services
    from projects.models import Project
    from projects.states import State
    from tests.factories import project_in_state

    project, leader, ars = project_in_state(State.PS_DEPOSE, departement=departement)
    services.validate_health_project(project, ars)
    services.start_aci(project, ars)
    Project.objects.filter(pk=project.pk).update(taille=taille, population=50_000)
    return Project.objects.get(pk=project.pk), leader, ars


@pytest.fixture
def aci_project(db):
    return make_aci_project()


def signed_contract(project, ars, *, members, signed_on, cpam=None):
    """A contract signed by the three parties on `signed_on` (the CPAM user signs for the
    CPTS too); returns it with its CPAM user."""
    from accounts.models import OrganisationKind
    from funding import services
    from tests.factories import institution_user

    cpam = cpam or institution_user(OrganisationKind.CPAM, project.departement)
    contract = services.create_contract(project, cpam, members=members)
    for party, user in (("cpts", cpam), ("cpam", cpam), ("ars", ars)):
        contract = services.record_signature(contract, user, party, signed_on)
    return contract, cpam


SIGNED_ON = dt.date(2023, 2, 6)


@pytest.fixture
def signed(aci_project):
    """A contract the three parties signed on SIGNED_ON: (contract, cpam, ars, leader)."""
    project, leader, ars = aci_project
    contract, cpam = signed_contract(project, ars, members=30, signed_on=SIGNED_ON)
    return contract, cpam, ars, leader
