import datetime as dt

import pytest

from funding.calc import GridSet, grid_from_dict
from funding.grid_store import grid_files, read_grid_file
from tests.world import make_aci_project, signed_contract


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


@pytest.fixture
def aci_project(db):
    return make_aci_project()


SIGNED_ON = dt.date(2023, 2, 6)


@pytest.fixture
def signed(aci_project):
    """A contract the three parties signed on SIGNED_ON: (contract, cpam, ars, leader)."""
    project, leader, ars = aci_project
    contract, cpam = signed_contract(project, ars, members=30, signed_on=SIGNED_ON)
    return contract, cpam, ars, leader
