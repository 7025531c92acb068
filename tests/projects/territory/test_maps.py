"""SVG maps: territory, neighbours, other CPTS and overlaps; institutions' map by state."""

import pytest

from projects import maps
from projects import territory as services
from projects.states import State
from territories.models import Commune
from tests.world import force_state, fresh_departement, new_project, row_of_communes

pytestmark = pytest.mark.django_db


def fills_of(svg, name):
    """The fill of the group holding the path whose tooltip starts with `name`."""
    index = svg.index(f"<title>{name} (")
    group = svg.rindex('<g fill="', 0, index)
    return svg[group + 9 : svg.index('"', group + 9)]


def test_project_map_shows_territory_neighbours_other_cpts_and_overlaps():
    dept = fresh_departement()
    communes = row_of_communes(dept, 4)
    other, other_leader = new_project(dept, name="CPTS <Voisine>")
    services.save_territory(other, other_leader, [c.insee for c in communes[2:]])
    force_state(other, State.PS_VALIDE)  # public: named on the map (tests/cpts_portal/test_leaks)
    project, leader = new_project(dept, name="CPTS du Val")
    project, _ = services.save_territory(project, leader, [c.insee for c in communes[:3]])
    svg = str(maps.project_map(project))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert fills_of(svg, communes[0].name) == maps.TERRITORY
    assert fills_of(svg, communes[2].name) == maps.OVERLAP
    assert fills_of(svg, communes[3].name) == maps.OTHER_CPTS
    assert "CPTS &lt;Voisine&gt;" in svg and "<Voisine>" not in svg  # escaped
    for label in ("Territoire du projet", "Autre CPTS active", "Chevauchement"):
        assert label in svg


def test_empty_territory_map_shows_the_departement():
    dept = fresh_departement()
    row_of_communes(dept, 2)
    project, _ = new_project(dept)
    svg = str(maps.project_map(project))
    assert "aucune commune choisie" in svg and svg.count("<path") == 2


def test_institution_map_colours_each_cpts_by_state():
    dept = fresh_departement()
    communes = row_of_communes(dept, 5)
    states = [State.EMERGENCE, State.PS_DEPOSE]
    projects = []
    for i, state in enumerate(states):
        project, leader = new_project(dept, name=f"CPTS {i}")
        services.save_territory(project, leader, [communes[i].insee])
        projects.append(force_state(project, state))
    svg = str(
        maps.institution_map(
            projects, Commune.objects.filter(departement=dept), "CPTS du département", False
        )
    )
    assert fills_of(svg, communes[0].name) == maps.STATE_COLOURS[State.EMERGENCE]
    assert fills_of(svg, communes[1].name) == maps.STATE_COLOURS[State.PS_DEPOSE]
    assert "Projet de santé déposé" in svg and "Émergence" in svg  # the legend
    assert "ACI signé" not in svg  # only the states present
    assert "Commune hors CPTS" in svg
