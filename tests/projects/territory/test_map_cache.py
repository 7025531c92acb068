"""The institutions' map is kept under a digest of all it is drawn from: drawn again whenever
any of it changes (nothing to forget), served without reading the outlines otherwise, and
drawn anyway when the cache (Redis) is down."""

import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationKind
from projects import maps
from projects import territory as services
from projects.states import State
from territories.models import Commune
from tests.factories import DepartementFactory, RegionFactory
from tests.world import (
    commune,
    force_state,
    fresh_departement,
    institution_user,
    new_project,
    row_of_communes,
)

pytestmark = pytest.mark.django_db
RUN = uuid.uuid4().hex
DOWN = {  # nothing listens on port 1: every cache call fails at once
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def territory():
    departement = fresh_departement()
    communes = row_of_communes(departement, 4)
    project, leader = new_project(departement, name="CPTS du Val")
    services.save_territory(project, leader, [c.insee for c in communes[:2]])
    return departement, communes, force_state(project, State.LI_DEPOSEE), leader


def draw(departement, title=None, region=None):
    """The map of the département, or of the région when given (`region`)."""
    # The cache outlives the test database: a title of its own keeps another run's drawing
    # (the same rows under the same keys) from being found first.
    title = title or f"CPTS du département {departement.pk} {RUN}"
    projects = list(departement.projects.all())
    if region is None:
        communes = Commune.objects.filter(departement=departement)
    else:
        communes = Commune.objects.filter(departement__region=region)
    with CaptureQueriesContext(connection) as queries:
        svg = str(maps.institution_map(projects, communes, title, False))
    read_outlines = any('"outline"' in q["sql"] for q in queries.captured_queries)
    return svg, read_outlines


def fill_of(svg, commune):
    index = svg.index(f"<title>{commune.name} (")
    group = svg.rindex('<g fill="', 0, index)
    return svg[group + 9 : svg.index('"', group + 9)]


def test_the_second_drawing_reads_no_outline(territory):
    departement, communes, _, _ = territory
    first, read_first = draw(departement)
    second, read_second = draw(departement)
    assert read_first and not read_second
    assert first == second
    assert fill_of(second, communes[0]) == maps.STATE_COLOURS[State.LI_DEPOSEE]


def test_any_change_of_what_it_shows_draws_it_again(territory):
    departement, communes, project, _ = territory
    draw(departement)
    force_state(project, State.LI_VALIDEE)  # a state
    svg, read = draw(departement)
    assert read and fill_of(svg, communes[0]) == maps.STATE_COLOURS[State.LI_VALIDEE]
    type(project).objects.filter(pk=project.pk).update(name="CPTS des Collines")  # a name
    svg, read = draw(departement)
    assert read and "CPTS des Collines – Lettre d&#x27;intention validée" in svg
    project.communes.add(communes[2])  # a commune
    svg, read = draw(departement)
    assert read and fill_of(svg, communes[2]) != maps.OUTSIDE
    Commune.objects.filter(pk=communes[0].pk).update(population=123_456)  # reference data
    svg, read = draw(departement)
    assert read and "123\u202f456 hab." in svg
    svg, read = draw(departement, title=f"Autre titre {RUN}")  # the title
    assert read and "Autre titre" in svg
    other, other_leader = new_project(departement, name="CPTS voisine")  # another project
    services.save_territory(other, other_leader, [communes[3].insee])
    svg, read = draw(departement)
    assert read and fill_of(svg, communes[3]) == maps.STATE_COLOURS[State.EMERGENCE]


def test_a_project_leaving_a_commune_draws_it_again(territory):
    departement, communes, project, _ = territory
    draw(departement)
    project.communes.remove(communes[1])
    svg, read = draw(departement)
    assert read and f"<title>{communes[1].name} (" not in svg  # outside: no tooltip
    svg, read = draw(departement)
    assert not read


def test_a_commune_saved_by_the_admin_or_deleted_draws_it_again(territory, rf):
    departement, communes, _, _ = territory
    draw(departement)
    communes[0].name = "Nouveau-Nom"
    commune_admin = admin.site._registry[Commune]
    commune_admin.save_model(rf.post("/"), communes[0], None, change=True)  # the admin's save
    svg, read = draw(departement)
    assert read and "<title>Nouveau-Nom (" in svg
    assert not draw(departement)[1]
    communes[0].delete()
    svg, read = draw(departement)
    assert read and "Nouveau-Nom" not in svg


def test_communes_written_as_the_loader_does_draw_it_again(territory):
    departement, communes, _, _ = territory
    draw(departement)
    communes[0].population = 654_321
    Commune.objects.bulk_create(  # the loader's upsert
        [communes[0]], update_conflicts=True, unique_fields=["insee"], update_fields=["population"]
    )
    svg, read = draw(departement)
    assert read and "654\u202f321 hab." in svg
    assert not draw(departement)[1]
    Commune.objects.filter(pk=communes[0].pk).update(population=111_111)  # many at once
    svg, read = draw(departement)
    assert read and "111\u202f111 hab." in svg


def test_a_departement_moved_to_another_region_leaves_its_map(territory):
    departement, _, _, _ = territory
    region = departement.region
    other = DepartementFactory(region=region)  # no CPTS there: the links stay the same
    commune(other, lon=1.0)
    before, _ = draw(departement, region=region)
    other.region = RegionFactory()
    other.save()
    svg, read = draw(departement, region=region)
    assert read and svg != before
    assert svg == draw(departement, region=region)[0]


def test_the_map_is_drawn_when_the_cache_is_down(territory, settings, client):
    departement, communes, _, _ = territory
    cached, _ = draw(departement)
    settings.CACHES = DOWN
    svg, read = draw(departement)
    assert read and svg == cached
    client.force_login(institution_user(OrganisationKind.ARS_DD, departement))
    page = client.get(reverse("projects:institution_map"))
    assert page.status_code == 200 and "CPTS du Val" in page.content.decode()


def test_the_table_lists_every_project_escaped(territory, client):
    departement, _, project, _ = territory
    new_project(departement, name="CPTS <b>Sud</b>")
    client.force_login(institution_user(OrganisationKind.ARS_DD, departement))
    page = client.get(reverse("projects:institution_map")).content.decode()
    url = reverse("projects:territory", args=[project.pk])
    assert f'<a href="{url}">CPTS du Val</a>' in page
    assert "CPTS &lt;b&gt;Sud&lt;/b&gt;" in page and "<b>Sud" not in page
    assert "Lettre d&#x27;intention déposée" in page and "Émergence" in page


@pytest.mark.parametrize("count", [1, 6])
def test_map_page_queries_do_not_grow_with_projects_and_communes(client, count):
    departement = fresh_departement()
    communes = row_of_communes(departement, 2 * count)
    for i in range(count):
        project, leader = new_project(departement, name=f"CPTS {i}")
        services.save_territory(project, leader, [c.insee for c in communes[2 * i : 2 * i + 2]])
    client.force_login(institution_user(OrganisationKind.ARS_DD, departement))
    url = reverse("projects:institution_map")
    assert client.get(url).status_code == 200  # drawn (or found: the cache outlives the test)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Session, user with organisation, its département, projects, reference version, links,
    # overlaps (the ARS's table): nothing per project or commune; the outlines only when drawn.
    assert len(queries) == 7, [q["sql"][:80] for q in queries.captured_queries]
