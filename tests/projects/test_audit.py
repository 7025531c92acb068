"""Every write of the workflow is journaled by its service: who, which organisation, what
changed (old -> new); a refused write journals nothing (its transaction rolls back)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from common.errors import UserError
from projects import committees, drafts, exchanges, services
from projects.collaboration import CommitteeKind, Institution
from projects.states import State
from projects.territory import save_territory
from tests.factories import CommuneFactory, UserFactory
from tests.world import MINIMAL_PDF, WITHOUT_COMMITTEE, new_project, project_in_state

pytestmark = pytest.mark.django_db


def entry(action) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("pk")


def journaled(action) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_project_creation(world):
    project, _ = new_project(world.dept, world.leader, name="CPTS des Coteaux")
    created = entry("projects.create")
    assert (created.actor, created.organisation, created.project_id) == (
        world.leader,
        None,  # a leader acts for no organisation yet
        project.pk,
    )
    assert created.changes == {
        "nom du projet": [None, "CPTS des Coteaux"],
        "département principal": [None, str(world.dept)],
    }
    with pytest.raises(PermissionDenied):
        new_project(world.dept, world.cpam)
    assert AuditEntry.objects.filter(action="projects.create").count() == 1


def test_letter_draft_old_to_new_and_nothing_when_unchanged(world):
    project, leader = new_project(world.dept, world.leader)
    sections = dict.fromkeys(project.letter.REQUIRED_FIELDS, "")
    drafts.save_draft(project, leader, "letter", {**sections, "territory": "Le canton"})
    drafts.save_draft(project, leader, "letter", {**sections, "territory": "Deux cantons"})
    saved = entry("projects.letter.draft")
    assert saved.label == "Lettre d'intention : brouillon enregistré"
    assert saved.changes == {"territoire envisagé": ["Le canton", "Deux cantons"]}
    assert saved.project_id == project.pk and saved.actor == leader
    drafts.save_draft(project, leader, "letter", {**sections, "territory": "Deux cantons"})
    assert journaled("projects.letter.draft") == 2


def test_a_refused_draft_writes_and_journals_nothing(world):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    data = {name: "Autre" for name in project.letter.REQUIRED_FIELDS}
    with pytest.raises(UserError):
        drafts.save_draft(project, leader, "letter", data)
    with pytest.raises(PermissionDenied):
        drafts.save_draft(project, ars, "letter", data)
    project.letter.refresh_from_db()
    assert project.letter.territory != "Autre"
    assert journaled("projects.letter.draft") == 0


def test_health_project_draft_is_created_by_its_first_save(world):
    project, leader, _ = project_in_state(State.ASSOCIATION_CONSTITUEE, world.dept)
    sections = dict.fromkeys(drafts.FILES["health_project"][0].REQUIRED_FIELDS, "")
    drafts.save_draft(project, leader, "health_project", {**sections, "needs": "Médecins"})
    assert project.health_project.needs == "Médecins"
    assert entry("projects.health_project.draft").changes == {
        "besoins identifiés": [None, "Médecins"]
    }


def test_association_old_to_new_and_nothing_when_refused(world):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    args = dict(name="CPTS Asso", general_assembly_on=dt.date(2026, 1, 10))
    with pytest.raises(UserError):  # no valid RNA: the transition refuses
        services.constitute_association(project, leader, rna="X1", **args)
    assert journaled("projects.association") == 0
    assert not hasattr(project.__class__.objects.get(pk=project.pk), "association")

    services.constitute_association(project, leader, rna="w123456789", **args)
    recorded = entry("projects.association")
    assert recorded.actor == leader and recorded.project_id == project.pk
    assert recorded.changes["numéro RNA"] == [None, "W123456789"]
    assert recorded.changes["date de l'assemblée générale constitutive"] == [None, "2026-01-10"]


def test_territory_communes_population_and_taille(world):
    project, leader = new_project(world.dept, world.leader)
    first, second, third = (
        CommuneFactory(departement=world.dept, name=name, population=population)
        for name, population in (("Alpha", 30_000), ("Beta", 20_000), ("Gamma", 10_000))
    )
    save_territory(project, leader, [first.insee, second.insee])
    save_territory(project, leader, [second.insee, third.insee])
    recorded = entry("projects.territory")
    assert recorded.label == "Territoire modifié" and recorded.actor == leader
    assert recorded.changes["communes ajoutées"] == [None, f"Gamma ({third.insee})"]
    assert recorded.changes["communes retirées"] == [f"Alpha ({first.insee})", None]
    assert recorded.changes["population"] == ["50000", "30000"]
    assert recorded.changes["taille"] == ["2", "1"]


def test_a_refused_territory_journals_nothing(world):
    project, leader = new_project(world.dept, world.leader)
    inside = CommuneFactory(departement=world.dept)
    outside = CommuneFactory(departement=world.other_dept)  # another région
    with pytest.raises(UserError):
        save_territory(project, leader, [inside.insee, outside.insee])
    with pytest.raises(PermissionDenied):
        save_territory(project, world.ars_dd, [])
    assert journaled("projects.territory") == 0


def convene(world, project, kind=CommitteeKind.LI, **extra):
    return committees.create_committee(
        world.ars_dd,
        kind=kind,
        departement=world.dept,
        meets_at=timezone.now() + dt.timedelta(days=7),
        place="Salle 2",
        members="ARS\nCPAM",
        projects=[project],
        **extra,
    )


def test_committee_creation_on_the_committee_and_each_project(world):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    committee = convene(world, project)
    on_committee, on_project = AuditEntry.objects.filter(
        action="projects.committee.create"
    ).order_by("pk")
    assert on_committee.project_id is None and on_committee.target_id == committee.pk
    assert on_committee.changes["lieu"] == [None, "Salle 2"]
    assert on_project.project_id == project.pk
    assert on_project.organisation == world.ars_dd.organisation


def test_a_refused_committee_journals_nothing(world):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    with pytest.raises(UserError):  # a PS committee needs a user representative
        convene(world, project, kind=CommitteeKind.PS)
    assert journaled("projects.committee.create") == 0


def test_opinion_given_then_amended_old_to_new(world):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    committee = convene(world, project)
    cpam = world.cpam
    committees.record_opinion(
        committee, project, cpam, institution=Institution.CPAM, value="favorable"
    )
    committees.record_opinion(
        committee,
        project,
        cpam,
        institution=Institution.CPAM,
        value="defavorable",
        comment="Territoire trop petit",
    )
    first, amended = AuditEntry.objects.filter(action="projects.opinion").order_by("pk")
    assert first.label.startswith("Avis rendu (CPAM)")
    assert first.changes == {"avis": [None, "Favorable"]}
    assert amended.label.startswith("Avis modifié (CPAM)")
    assert amended.changes == {
        "avis": ["Favorable", "Défavorable"],
        "observations": [None, "Territoire trop petit"],
    }
    assert (amended.actor, amended.organisation, amended.project_id) == (
        cpam,
        cpam.organisation,
        project.pk,
    )


def test_closing_then_no_more_opinion(world, time_machine):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    committee = convene(world, project)
    with pytest.raises(UserError):  # not met yet
        committees.close_committee(committee, world.ars_dd)
    assert journaled("projects.committee.close") == 0
    time_machine.move_to(committee.meets_at + dt.timedelta(hours=3))
    committees.close_committee(committee, world.ars_dd)
    closed = entry("projects.committee.close")
    assert closed.project_id == project.pk and closed.actor == world.ars_dd
    with pytest.raises(UserError):
        committees.record_opinion(
            committee, project, world.cpam, institution=Institution.CPAM, value="favorable"
        )
    assert journaled("projects.opinion") == 0


def test_message_journaled_without_its_text(world):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    with pytest.raises(UserError):
        exchanges.post_message(project, leader, "   ")
    assert journaled("projects.message") == 0
    exchanges.post_message(project, leader, "Secret du fil")
    sent = entry("projects.message")
    assert sent.actor == leader and sent.project_id == project.pk
    assert "Secret" not in sent.label and sent.changes == {}


def test_attachment(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)

    def upload(user):
        pdf = SimpleUploadedFile("c.pdf", MINIMAL_PDF, "application/pdf")
        return exchanges.add_attachment(project, user, kind="li", title="Carte", file=pdf)

    with pytest.raises(PermissionDenied):
        upload(ars)
    assert journaled("projects.attachment") == 0
    attachment = upload(leader)
    added = entry("projects.attachment")
    assert added.label == "Pièce jointe ajoutée : Carte" and added.target_id == attachment.pk


def test_invitation_sent_and_accepted(world):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    invitation = exchanges.invite_coleader(
        project, leader, "Co@Example.org", lambda i: "https://x/"
    )
    sent = entry("projects.invitation")
    assert sent.label == "Invitation de co-porteur envoyée à co@example.org"
    assert sent.actor == leader and sent.project_id == project.pk
    with pytest.raises(PermissionDenied):  # another address
        exchanges.accept_invitation(invitation.token, UserFactory(email="autre@example.org"))
    assert journaled("projects.invitation.accept") == 0
    coleader = UserFactory(email="co@example.org")
    exchanges.accept_invitation(invitation.token, coleader)
    accepted = entry("projects.invitation.accept")
    assert accepted.actor == coleader and accepted.project_id == project.pk


def test_missing_items_request(world):
    project, _, ars = project_in_state(State.PS_DEPOSE, world.dept)
    due_on = timezone.localdate() + dt.timedelta(days=15)
    with pytest.raises(UserError):
        services.request_missing_items(project, ars, "  ", due_on)
    assert journaled("projects.request_items") == 0
    services.request_missing_items(project, ars, "Budget prévisionnel", due_on)
    requested = entry("projects.request_items")
    assert requested.changes == {
        "pièces manquantes": [None, "Budget prévisionnel"],
        "à fournir au plus tard le": [None, due_on.isoformat()],
    }
    assert requested.organisation == ars.organisation and requested.project_id == project.pk


def test_the_admin_changes_projects_only_through_their_transitions(admin_client, world):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    page = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and project.name in html
    assert 'name="name"' not in html and 'name="communes"' not in html
    for model in ("project", "projectmember", "letterofintent", "association"):
        assert admin_client.get(reverse(f"admin:projects_{model}_add")).status_code == 403
    for model in ("commune", "departement"):
        assert admin_client.get(reverse(f"admin:territories_{model}_add")).status_code == 403
    assert admin_client.get(reverse("admin:reminders_calendarfeed_add")).status_code == 403
