import pytest

from funding.calc import GridSet, grid_from_dict
from funding.grid_store import grid_files, read_grid_file
from tests.world import make_aci_project


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
