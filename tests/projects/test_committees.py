"""Committees: organised by the ARS, opinions per institution, decision, minutes, ICS."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from projects import committees as committee_services
from projects.collaboration import Committee, Opinion
from projects.states import State
from tests.mails import sent_to, to_whom
from tests.world import project_in_state

from .test_leader import pdf_text

pytestmark = pytest.mark.django_db


def seats(world):
    """Every institution of the territory, as the form lists them."""
    return [o.pk for o in committee_services.member_organisations(world.dept)]


def create_committee(client, world, project, kind="li"):
    meets = timezone.localtime() + dt.timedelta(days=7)
    return client.post(
        reverse("projects:committee_create"),
        {
            "kind": kind,
            "departement": world.dept.pk,
            "meets_at": meets.strftime("%Y-%m-%dT%H:%M"),
            "place": "DD ARS, salle 2",
            "organisations": seats(world),
            "invited": "Dr Claire Martin — médecin conseil",
            "projects": [project.pk],
        },
    )


@pytest.fixture
def committee(world, login):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    response = create_committee(login(world.ars_dd), world, project)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Committee.objects.get(), project, leader


def test_only_the_ars_of_the_territory_creates_a_committee(world, login):
    project, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    assert create_committee(login(world.cpam), world, project).status_code == 403
    # Another territory's ARS: the département and the project are not offered to them.
    response = create_committee(login(world.ars_dd_other), world, project)
    assert response.status_code == 200 and not Committee.objects.exists()


def test_each_institution_records_its_own_opinion(committee, world, login, mail_on_commit):
    committee_obj, project, leader = committee
    url = reverse("projects:committee_opinion", args=[committee_obj.pk, project.pk])
    prefix = f"p{project.pk}"
    with mail_on_commit(execute=True):
        for user, institution in ((world.cpam, "cpam"), (world.msa, "msa"), (world.urps, "urps")):
            login(user).post(
                url, {f"{prefix}-institution": institution, f"{prefix}-value": "favorable"}
            )
    assert set(Opinion.objects.values_list("institution", flat=True)) == {"cpam", "msa", "urps"}
    assert any(leader.email in m.to and "avis CPAM" in m.subject for m in mail.outbox)
    # A CPAM cannot speak for the URPS; another territory cannot speak at all.
    login(world.cpam).post(url, {f"{prefix}-institution": "urps", f"{prefix}-value": "defavorable"})
    assert Opinion.objects.get(institution="urps").value == "favorable"
    assert login(world.cpam_other).post(url, {}).status_code == 404


def test_decision_from_the_committee_then_minutes(committee, world, login, time_machine):
    committee_obj, project, _ = committee
    url = reverse("projects:committee_opinion", args=[committee_obj.pk, project.pk])
    login(world.ars_dd).post(
        url, {f"p{project.pk}-institution": "ars", f"p{project.pk}-value": "favorable"}
    )
    time_machine.move_to(committee_obj.meets_at + dt.timedelta(hours=2))
    client = login(world.ars_dd)
    page = client.get(reverse("projects:committee", args=[committee_obj.pk])).content.decode()
    action = reverse("projects:action", args=[project.pk, "validate_li"])
    assert f"{action}?comite={committee_obj.pk}" in page
    form = client.get(f"{action}?comite={committee_obj.pk}").content.decode()
    assert f'<option value="{committee_obj.pk}" selected>' in form
    data = {"reason": "Avis favorables", "committee": committee_obj.pk}
    client.post(action, {**data, "confirmed": "1"})
    project.refresh_from_db()
    assert project.state == State.LI_VALIDEE
    assert project.events.get(transition="validate_li").committee_record.committee == committee_obj
    pdf = client.get(reverse("projects:committee_minutes", args=[committee_obj.pk]))
    text = " ".join(pdf_text(pdf.content).split())
    assert "Projet de compte rendu (provisoire)" in text  # not closed yet
    assert "Favorable" in text and "Lettre d'intention validée" in text
    assert "prise en comité" in text


def test_ics_feed_lists_the_territory_committees(committee, world, login):
    committee_obj, _, _ = committee
    ics = login(world.cpam).get(reverse("projects:committee_ics"))
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:committee-{committee_obj.pk}@" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert (
        "UID:committee"
        not in login(world.cpam_other).get(reverse("projects:committee_ics")).content.decode()
    )


def test_ics_feed_escapes_the_names_on_the_agenda(committee, world, login):
    _, project, _ = committee
    type(project).objects.filter(pk=project.pk).update(name="CPTS du Val, nord;\r\nsud")
    body = login(world.cpam).get(reverse("projects:committee_ics")).content
    (event,) = Calendar.from_ical(body).events
    assert event.description == "Ordre du jour : CPTS du Val, nord;\nsud"


def test_leaders_see_the_committees_of_their_projects_only(committee, world, login):
    committee_obj, _, leader = committee
    assert (
        login(leader).get(reverse("projects:committee", args=[committee_obj.pk])).status_code == 200
    )
    other = login(world.leader).get(reverse("projects:committee", args=[committee_obj.pk]))
    assert other.status_code == 404


def test_the_next_committee_is_the_next_step_on_the_project_page(committee, login):
    committee_obj, project, leader = committee
    html = login(leader).get(reverse("projects:detail", args=[project.pk])).content.decode()
    day = timezone.localtime(committee_obj.meets_at)
    assert "Comité de validation de la lettre d&#x27;intention (DD ARS, salle 2)" in html
    assert f"{day.day} " in html.split('id="next-deadline"')[1][:300]


def test_ps_committee_needs_a_user_representative_and_convenes_everyone(
    world, login, mail_on_commit
):
    project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept)
    client = login(world.ars_dd)
    response = create_committee(client, world, project, kind="ps")
    assert "représentant des usagers" in response.content.decode()
    assert not Committee.objects.exists()
    meets = timezone.localtime() + dt.timedelta(days=7)
    with mail_on_commit(execute=True):
        client.post(
            reverse("projects:committee_create"),
            {
                "kind": "ps",
                "departement": world.dept.pk,
                "meets_at": meets.strftime("%Y-%m-%dT%H:%M"),
                "place": "Salle 3",
                "organisations": seats(world),
                "user_representative": "Jeanne Lefort",
                "user_representative_quality": "France Assos Santé",
                "projects": [project.pk],
            },
        )
    committee_obj = Committee.objects.get()
    representative = committee_obj.user_representative
    assert (representative.name, representative.quality) == ("Jeanne Lefort", "France Assos Santé")
    convocation = [m for m in mail.outbox if m.subject.startswith("[Portail CPTS] Convocation")]
    # The members get the whole agenda, the leaders their project only: one mail each.
    (for_leader,) = to_whom(convocation, leader.email)
    members = [m for m in convocation if m is not for_leader]
    assert len({m.body for m in members}) == 1 and for_leader.body != members[0].body
    assert {world.cpam.email, world.urps.email} <= sent_to(members)
    assert world.cpam_other.email not in sent_to(convocation)
    assert project.name in members[0].body and "Jeanne Lefort (France Assos Santé)" in (
        members[0].body
    )
    # The ARS records the user representative's opinion (no account of their own).
    page = client.get(reverse("projects:committee", args=[committee_obj.pk])).content.decode()
    assert 'value="usagers"' in page


def test_ics_subscription_address_needs_no_session_and_can_be_renewed(committee, world, client):
    committee_obj, _, _ = committee
    client.force_login(world.cpam)
    page = client.get(reverse("reminders:list")).content.decode()
    assert 'id="feed-url"' not in page  # a GET creates nothing
    client.post(reverse("reminders:regenerate_feed"))
    page = client.get(reverse("reminders:list")).content.decode()
    feed = re.search(r'id="feed-url">http://testserver([^<]+)<', page)
    client.logout()
    body = client.get(feed.group(1)).content.decode()
    assert f"UID:committee-{committee_obj.pk}@" in body
    assert client.get(feed.group(1).replace(".ics", "x.ics")).status_code == 404
    client.force_login(world.cpam)
    client.post(reverse("reminders:regenerate_feed"))
    client.logout()
    assert client.get(feed.group(1)).status_code == 404


def test_closing_freezes_the_opinions_and_issues_the_minutes_once(
    committee, world, login, settings, tmp_path, time_machine
):
    settings.MEDIA_ROOT = tmp_path
    committee_obj, project, _ = committee
    detail = reverse("projects:committee", args=[committee_obj.pk])
    close = reverse("projects:committee_close", args=[committee_obj.pk])
    minutes = reverse("projects:committee_minutes", args=[committee_obj.pk])
    opinion_url = reverse("projects:committee_opinion", args=[committee_obj.pk, project.pk])
    prefix = f"p{project.pk}"
    cpam = login(world.cpam)
    cpam.post(opinion_url, {f"{prefix}-institution": "cpam", f"{prefix}-value": "reserves"})
    draft = pdf_text(cpam.get(minutes).content)
    assert "Projet de compte rendu (provisoire)" in draft and "Favorable avec réserves" in draft

    ars = login(world.ars_dd)
    assert "Clore le comité" not in ars.get(detail).content.decode()  # not met yet
    ars.post(close)
    assert Committee.objects.get().closed_at is None

    time_machine.move_to(committee_obj.meets_at + dt.timedelta(hours=2))
    ars = login(world.ars_dd)  # days later: the 8-hour session has expired
    assert "Clore le comité" in ars.get(detail).content.decode()
    assert "Action définitive" in ars.get(close).content.decode()  # confirmation first
    assert Committee.objects.get().closed_at is None
    ars.post(close)
    closed = Committee.objects.get()
    assert closed.closed_by == world.ars_dd and closed.minutes
    cpam = login(world.cpam)
    stored = cpam.get(minutes).content
    assert hashlib.sha256(stored).hexdigest() == closed.minutes_sha256
    text = pdf_text(stored)
    assert "Comité clos le" in text and "Favorable avec réserves" in text
    assert "provisoire" not in text

    # Frozen: no form, an opinion posted anyway is refused, the minutes stay the same bytes.
    page = cpam.get(detail).content.decode()
    assert "Enregistrer l'avis" not in page and "Comité clos le" in page
    cpam.post(opinion_url, {f"{prefix}-institution": "cpam", f"{prefix}-value": "defavorable"})
    assert Opinion.objects.get(institution="cpam").value == "reserves"
    assert cpam.get(minutes).content == stored
    ars = login(world.ars_dd)
    assert "Clore le comité" not in ars.get(detail).content.decode()


def test_only_the_ars_of_the_territory_closes_a_committee(committee, world, login, time_machine):
    committee_obj, _, _ = committee
    time_machine.move_to(committee_obj.meets_at + dt.timedelta(hours=2))
    close = reverse("projects:committee_close", args=[committee_obj.pk])
    assert login(world.cpam).post(close).status_code == 403
    assert login(world.ars_dd_other).post(close).status_code == 404
    assert Committee.objects.get().closed_at is None


def test_an_opinion_and_the_closing_cannot_cross(committee, world, time_machine):
    """The opinion service re-reads the committee under its lock: a stale object is no way in."""
    from projects import committees as committee_services
    from projects.services import WorkflowError

    committee_obj, project, _ = committee
    time_machine.move_to(committee_obj.meets_at + dt.timedelta(hours=2))
    stale = Committee.objects.get(pk=committee_obj.pk)
    committee_services.close_committee(committee_obj, world.ars_dd)
    with pytest.raises(WorkflowError, match="clos"):
        committee_services.record_opinion(
            stale, project, world.cpam, institution="cpam", value="favorable"
        )
    assert not Opinion.objects.exists()
