"""A committee lists its members (organisations, the named user representative, invited
persons), who attended, and the documents sent with the convocation; every write journaled."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from projects import committees
from projects.collaboration import CommitteeMember, Seat
from projects.errors import WorkflowError
from projects.forms import MemberForm
from tests.world import MINIMAL_PDF, project_in_state

from .committee_world import TwoItems, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_form_seats_organisations_a_named_representative_and_invited_people(world, login):
    project, _, _ = project_in_state("ps_depose", world.dept)
    client = login(world.ars_dd)
    form = client.get(reverse("projects:committee_create")).content.decode()
    assert str(world.urps.organisation) in form and str(world.cpam_other.organisation) not in form
    meets = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        reverse("projects:committee_create"),
        {
            "kind": "ps",
            "departement": world.dept.pk,
            "meets_at": meets.strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle 1",
            "organisations": [world.cpam.organisation.pk, world.urps.organisation.pk],
            "user_representative": "Jeanne Lefort",
            "user_representative_quality": "UFC-Que Choisir",
            "invited": "Dr Claire Martin — médecin conseil\n\nPaul Roy - chargé de mission",
            "projects": [project.pk],
        },
    )
    assert response.status_code == 302
    committee = project.committees.get()
    seated = {(m.seat, str(m)) for m in committee.participants.all()}
    assert seated == {
        (Seat.ORGANISATION, str(world.cpam.organisation)),
        (Seat.ORGANISATION, str(world.urps.organisation)),
        (Seat.USAGERS, "Jeanne Lefort (UFC-Que Choisir)"),
        (Seat.INVITED, "Dr Claire Martin (médecin conseil)"),
        (Seat.INVITED, "Paul Roy (chargé de mission)"),
    }
    page = client.get(reverse("projects:committee", args=[committee.pk])).content.decode()
    assert "Jeanne Lefort (UFC-Que Choisir)" in page and "Paul Roy" in page
    (entry,) = AuditEntry.objects.filter(action="projects.committee.create", project_id=None)
    assert "Jeanne Lefort" in entry.changes["membres"][1]


def test_an_organisation_of_another_territory_cannot_sit(world, login):
    with pytest.raises(WorkflowError, match="n'agit pas"):
        committees.create_committee(
            world.ars_dd,
            kind="li",
            departement=world.dept,
            meets_at=timezone.now() + dt.timedelta(days=3),
            place="Salle",
            organisations=[world.cpam_other.organisation],
        )
    with pytest.raises(WorkflowError, match="nom et prénom"):
        committees.create_committee(
            world.ars_dd,
            kind="ps",
            departement=world.dept,
            meets_at=timezone.now() + dt.timedelta(days=3),
            place="Salle",
            user_representative="   ",
        )


def test_seats_are_checked_by_the_database(world):
    two = TwoItems(world)
    for fields in (
        {"seat": Seat.ORGANISATION},  # an organisation seat without its organisation
        {"seat": Seat.INVITED, "name": ""},  # a person without a name
        {"seat": Seat.USAGERS, "name": "Second représentant"},  # one per committee
        {"seat": Seat.ORGANISATION, "organisation": world.cpam.organisation},  # seated twice
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            CommitteeMember.objects.create(committee=two.committee, **fields)


def test_attendance_after_the_meeting_by_the_ars_journaled(world, login, time_machine):
    two = TwoItems(world)
    cpam, urps = two.seat_of(world.cpam), two.seat_of(world.urps)
    with pytest.raises(WorkflowError, match="une fois le comité réuni"):
        committees.record_attendance(two.committee, world.ars_dd, [cpam.pk])
    time_machine.move_to(two.committee.meets_at + dt.timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        committees.record_attendance(two.committee, world.cpam, [cpam.pk])
    client = login(world.ars_dd)
    page = client.get(reverse("projects:committee", args=[two.committee.pk])).content.decode()
    assert 'id="attendance-form"' in page
    client.post(
        reverse("projects:committee_attendance", args=[two.committee.pk]),
        {"present": [cpam.pk, urps.pk]},
    )
    attended = dict(two.committee.participants.values_list("pk", "attended"))
    assert attended.pop(cpam.pk) is True and attended.pop(urps.pk) is True
    assert set(attended.values()) == {False}
    (entry,) = AuditEntry.objects.filter(action="projects.committee.attendance")
    assert entry.changes[str(world.cpam.organisation)] == [None, "présent"]
    assert entry.changes["Jeanne Lefort (France Assos Santé)"] == [None, "absent"]
    # A correction journals the change only.
    committees.record_attendance(two.committee, world.ars_dd, [cpam.pk])
    latest = AuditEntry.objects.filter(action="projects.committee.attendance").latest("pk")
    assert latest.changes == {str(world.urps.organisation): ["présent", "absent"]}
    # Someone who does not sit: refused.
    with pytest.raises(WorkflowError, match="ne siège pas"):
        committees.record_attendance(two.committee, world.ars_dd, [10**9])
    html = client.get(reverse("projects:committee", args=[two.committee.pk])).content.decode()
    assert "présent" in html and "absent" in html


def test_documents_of_the_convocation(world, login, time_machine):
    two = TwoItems(world)
    client = login(world.ars_dd)
    url = reverse("projects:committee_document_add", args=[two.committee.pk])
    client.post(url, {"title": "Ordre du jour", "file": pdf_upload()})
    client.post(url, {"title": "Faux", "file": SimpleUploadedFile("x.pdf", b"<html>")})
    client.post(url, {"title": "Dossier Alpha", "file": pdf_upload(), "project": two.alpha.pk})
    documents = list(two.committee.documents.order_by("pk"))
    assert [(d.title, d.project) for d in documents] == [
        ("Ordre du jour", None),
        ("Dossier Alpha", two.alpha),
    ]
    assert all(d.file.name.endswith(".pdf") and "x.pdf" not in d.file.name for d in documents)
    download = client.get(
        reverse("projects:committee_document", args=[two.committee.pk, documents[0].pk])
    )
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    entries = AuditEntry.objects.filter(action="projects.committee.document").order_by("pk")
    assert [(e.label, e.project_id) for e in entries] == [
        ("Document joint à la convocation : Ordre du jour", None),
        ("Document joint à la convocation : Dossier Alpha", two.alpha.pk),
    ]
    # A project not on the agenda, or a closed committee: refused.
    outsider, _, _ = project_in_state("ps_depose", world.dept)
    with pytest.raises(WorkflowError, match="pas à l'ordre du jour"):
        committees.add_document(
            two.committee, world.ars_dd, title="X", file=pdf_upload(), project=outsider
        )
    time_machine.move_to(two.committee.meets_at + dt.timedelta(hours=1))
    committees.close_committee(two.committee, world.ars_dd)
    with pytest.raises(WorkflowError, match="clos"):
        committees.add_document(two.committee, world.ars_dd, title="X", file=pdf_upload())
    assert two.committee.documents.count() == 2


def test_members_added_later_journaled(world, login, time_machine):
    from tests.world import institution_user

    two = TwoItems(world)
    late_urps = institution_user("urps", region=world.dept.region)  # not seated at creation
    client = login(world.ars_dd)
    page = client.get(reverse("projects:committee", args=[two.committee.pk])).content.decode()
    form = page.split('id="member-form"')[1].split("</form>")[0]
    assert str(late_urps.organisation) in form and str(world.cpam.organisation) not in form
    url = reverse("projects:committee_member_add", args=[two.committee.pk])
    client.post(url, {"organisation": late_urps.organisation.pk})
    client.post(url, {"name": "Paul Roy", "quality": "chargé de mission"})
    client.post(url, {"organisation": world.cpam_other.organisation.pk})  # not offered
    client.post(url, {})  # neither
    added = two.committee.participants.order_by("-pk")[:2]
    assert [str(m) for m in added] == ["Paul Roy (chargé de mission)", str(late_urps.organisation)]
    assert AuditEntry.objects.filter(action="projects.committee.member").count() == 2
    # Seated now: the late URPS gives its own opinion.
    committees.record_opinion(two.committee, two.alpha, late_urps, value="favorable")
    with pytest.raises(WorkflowError, match="siège déjà"):
        committees.add_member(two.committee, world.ars_dd, organisation=world.cpam.organisation)
    with pytest.raises(PermissionDenied):
        committees.add_member(two.committee, world.cpam, name="Quelqu'un")
    time_machine.move_to(two.committee.meets_at + dt.timedelta(hours=1))
    committees.close_committee(two.committee, world.ars_dd)
    with pytest.raises(WorkflowError, match="clos"):
        committees.add_member(two.committee, world.ars_dd, name="Trop tard")


def test_the_page_offers_the_organisations_its_post_offers(world):
    """The committee page's member form reads the seated organisations from the members it has
    already read; the POST reads them from the database: the same choices."""
    from tests.world import institution_user

    two = TwoItems(world)
    institution_user("urps", region=world.dept.region)  # not seated
    committees.add_member(two.committee, world.ars_dd, name="Paul Roy", quality="invité")
    seats = committees.members(two.committee)
    assert any(m.organisation_id is None for m in seats)
    page = MemberForm(committee=two.committee, seats=seats).fields["organisation"]
    post = MemberForm(committee=two.committee).fields["organisation"]
    choices = [str(label) for _, label in page.choices]
    assert choices == [str(label) for _, label in post.choices]
    assert len(choices) == 2 and str(world.cpam.organisation) not in "".join(choices)
