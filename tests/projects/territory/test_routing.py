"""The département principal routes the file; the other départements' délégations are informed;
a territory across two régions is refused (to confirm); after validation: an avenant."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from projects import services as workflow
from projects import territory as services
from projects.models import Project
from projects.services import WorkflowError
from projects.states import OppositionGround, State
from tests.factories import DepartementFactory
from tests.mails import sent_to
from tests.world import (
    WITHOUT_COMMITTEE,
    fill_letter,
    force_state,
    fresh_departement,
    institution_user,
    new_project,
    project_in_state,
    row_of_communes,
)

pytestmark = pytest.mark.django_db


def codes(communes):
    return [c.insee for c in communes]


@pytest.fixture
def two_depts():
    """Two départements of one région: `main` (where projects are created) and `neighbour`."""
    main = fresh_departement()
    return main, DepartementFactory(region=main.region)


def test_the_departement_principal_is_derived_and_journaled(two_depts):
    main, neighbour = two_depts
    project, leader = new_project(main)
    # Two communes of the neighbour (20 000) against one of the typed département (10 000).
    territory = row_of_communes(main, 1) + row_of_communes(neighbour, 2)
    project, _ = services.save_territory(project, leader, codes(territory))
    assert project.departement == neighbour
    assert Project.objects.get(pk=project.pk).departement == neighbour
    assert services.informed_departements(project) == [main]
    entry = AuditEntry.objects.filter(action="projects.territory").latest("pk")
    assert entry.changes["département principal"] == [str(main), str(neighbour)]


def test_a_tie_keeps_the_file_where_it_is(two_depts):
    main, neighbour = two_depts
    project, leader = new_project(main)
    territory = row_of_communes(neighbour, 1) + row_of_communes(main, 1)
    project, _ = services.save_territory(project, leader, codes(territory))
    assert project.departement == main


def test_the_principals_delegation_decides_the_other_is_informed(two_depts, client):
    main, neighbour = two_depts
    project, leader = new_project(main, name="CPTS à cheval")
    services.save_territory(
        project, leader, codes(row_of_communes(main, 2) + row_of_communes(neighbour, 1))
    )
    fill_letter(project)
    workflow.submit_letter(project, leader)
    deciding = institution_user(OrganisationKind.ARS_DD, main)
    informed = institution_user(OrganisationKind.ARS_DD, neighbour)
    neighbour_cpam = institution_user(OrganisationKind.CPAM, neighbour)
    detail = reverse("projects:detail", args=[project.pk])
    action = reverse("projects:action", args=[project.pk, "validate_li"])
    # The informed délégation reads the file, is told it is informed, and cannot decide.
    client.force_login(informed)
    page = client.get(detail).content.decode()
    assert "Délégation(s) informée(s)" in page and str(neighbour) in page
    assert action not in page
    assert client.get(action).status_code == 403
    with pytest.raises(PermissionDenied):
        workflow.decide_letter(project, informed, "validate", without_committee=WITHOUT_COMMITTEE)
    territory_page = reverse("projects:territory", args=[project.pk])
    assert client.get(territory_page).status_code == 200
    # It does not take the file on: not on its committees' agenda.
    agenda = client.get(reverse("projects:committee_create")).content.decode()
    assert project.name not in agenda
    # The neighbour's CPAM is not in charge: the file does not exist for it.
    client.force_login(neighbour_cpam)
    assert client.get(detail).status_code == 404
    # The principal's délégation decides.
    client.force_login(deciding)
    assert project.name in client.get(reverse("projects:committee_create")).content.decode()
    assert client.get(action).status_code == 200
    assert (
        workflow.decide_letter(
            project, deciding, "validate", without_committee=WITHOUT_COMMITTEE
        ).state
        == State.LI_VALIDEE
    )


def test_the_informed_delegation_is_mailed_on_each_transition(two_depts, mail_on_commit):
    main, neighbour = two_depts
    project, leader = new_project(main)
    services.save_territory(
        project, leader, codes(row_of_communes(main, 2) + row_of_communes(neighbour, 1))
    )
    fill_letter(project)
    informed = institution_user(OrganisationKind.ARS_DD, neighbour)
    elsewhere = institution_user(OrganisationKind.ARS_DD, fresh_departement())
    with mail_on_commit(execute=True):
        workflow.submit_letter(project, leader)
    recipients = {address for message in mail.outbox for address in message.to}
    assert informed.email in recipients and leader.email in recipients
    assert elsewhere.email not in recipients


def test_a_territory_across_two_regions_is_refused_as_to_confirm(two_depts, client):
    main, _ = two_depts
    project, leader = new_project(main)
    here = row_of_communes(main, 2)
    elsewhere = row_of_communes(fresh_departement(), 1, name="Ailleurs")
    with pytest.raises(services.TerritoryError, match=r"hors de la région.*Ailleurs.*à confirmer"):
        services.save_territory(project, leader, codes(here + elsewhere))
    assert project.communes.count() == 0
    assert services.CROSS_REGION_REFUSAL_TO_CONFIRM
    client.force_login(leader)
    page = client.get(reverse("projects:territory", args=[project.pk])).content.decode()
    assert 'id="cross-region-to-confirm"' in page and "à confirmer" in page
    preview = client.get(
        reverse("projects:territory_preview", args=[project.pk]),
        {"insee": codes(here + elsewhere)},
    ).json()
    assert preview["count"] == 2 and "à confirmer" in preview["errors"][0]
    assert preview["principal"] == str(main)


def test_in_emergence_the_territory_may_move_the_file_to_another_region():
    project, leader = new_project(fresh_departement())
    elsewhere = fresh_departement()
    project, _ = services.save_territory(project, leader, codes(row_of_communes(elsewhere, 2)))
    assert project.departement == elsewhere


def test_once_the_letter_is_filed_the_region_is_fixed(two_depts):
    main, neighbour = two_depts
    project, leader = new_project(main)
    services.save_territory(project, leader, codes(row_of_communes(main, 1)))
    fill_letter(project)
    workflow.submit_letter(project, leader)
    project = force_state(project, State.LI_A_MODIFIER)
    with pytest.raises(services.TerritoryError, match="hors de la région"):
        services.save_territory(project, leader, codes(row_of_communes(fresh_departement(), 3)))
    # Within the région the principal may change: the neighbour's délégation takes the file.
    project, _ = services.save_territory(project, leader, codes(row_of_communes(neighbour, 2)))
    assert project.departement == neighbour


def test_the_letter_is_not_filed_with_a_departement_the_communes_do_not_give(two_depts):
    main, neighbour = two_depts
    project, leader = new_project(main)
    fill_letter(project)
    project.communes.set(row_of_communes(neighbour, 2))  # written behind the service's back
    with pytest.raises(WorkflowError, match="département principal"):
        workflow.submit_letter(project, leader)
    project.communes.set(row_of_communes(main, 1) + row_of_communes(fresh_departement(), 1))
    with pytest.raises(WorkflowError, match="plusieurs régions"):
        workflow.submit_letter(project, leader)
    assert Project.objects.get(pk=project.pk).state == State.EMERGENCE


# --- When the territory may change ------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [State.PS_VALIDE, State.PS_REPUTE_VALIDE, State.ACI_PREPARATION, State.ACI_SIGNE]
)
def test_after_validation_the_territory_changes_only_by_an_avenant(state, client):
    project, leader, _ = project_in_state(State.PS_VALIDE)
    project = force_state(project, state)
    before = set(project.communes.all())
    with pytest.raises(services.TerritoryError, match="avenant"):
        services.save_territory(project, leader, codes(row_of_communes(project.departement, 1)))
    assert set(project.communes.all()) == before
    client.force_login(leader)
    url = reverse("projects:territory", args=[project.pk])
    page = client.get(url).content.decode()
    assert 'id="territory-locked"' in page and "avenant" in page
    assert 'id="territory-form"' not in page
    response = client.post(url, {"insee": codes(row_of_communes(project.departement, 1))})
    assert response.status_code == 200 and "avenant" in response.content.decode()
    assert set(project.communes.all()) == before


def opposed(ground):
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    project = workflow.oppose_health_project(project, ars, ground, "Motif")
    return project, leader


def test_after_an_opposition_on_the_territory_the_leaders_change_it(client):
    project, leader = opposed(OppositionGround.TERRITORY)
    assert services.territory_editable(project)
    client.force_login(leader)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="change-territory"' in page
    page = client.get(reverse("projects:territory", args=[project.pk])).content.decode()
    assert 'id="territory-form"' in page
    communes = row_of_communes(project.departement, 2)
    project, _ = services.save_territory(project, leader, codes(communes))
    assert set(project.communes.all()) == set(communes)
    assert project.territory_changed_at is not None


def test_after_an_opposition_on_the_prs_the_territory_stays():
    project, leader = opposed(OppositionGround.PRS)
    assert not services.territory_editable(project)
    with pytest.raises(services.TerritoryError, match="ne peut plus être modifié"):
        services.save_territory(project, leader, codes(row_of_communes(project.departement, 1)))


def test_when_the_file_moves_to_another_delegation_both_are_told(two_depts, mail_on_commit):
    main, neighbour = two_depts
    project, leader = new_project(main)
    services.save_territory(project, leader, codes(row_of_communes(main, 1)))
    fill_letter(project)
    workflow.submit_letter(project, leader)
    project = force_state(project, State.LI_A_MODIFIER)
    old_dd = institution_user(OrganisationKind.ARS_DD, main)
    new_dd = institution_user(OrganisationKind.ARS_DD, neighbour)
    new_cpam = institution_user(OrganisationKind.CPAM, neighbour)
    elsewhere = institution_user(OrganisationKind.ARS_DD, fresh_departement())
    with mail_on_commit(execute=True):
        services.save_territory(
            project, leader, codes(row_of_communes(main, 1) + row_of_communes(neighbour, 2))
        )
    moved = [m for m in mail.outbox if "instruit désormais" in m.subject]
    assert len({m.body for m in moved}) == 1  # one notice, each person their own copy
    assert sent_to(moved) >= {leader.email, old_dd.email, new_dd.email, new_cpam.email}
    assert elsewhere.email not in sent_to(moved)
    assert "reste dans le territoire, en est informée" in moved[0].body
    # Saving again without a change of principal tells nobody.
    with mail_on_commit(execute=True):
        mail.outbox.clear()
        services.save_territory(project, leader, codes(row_of_communes(neighbour, 3)))
    assert not [m for m in mail.outbox if "instruit désormais" in m.subject]
