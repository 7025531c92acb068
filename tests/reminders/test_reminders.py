"""Deadlines across the life of a CPTS, reminders (never twice), the page and the ICS feed."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accounts.models import OrganisationKind
from funding.models import Contract, ContractMission, PreAciSupport
from outbox.services import deliver_due
from projects.states import State
from reminders import services
from reminders.collect import deadlines_for
from reminders.models import CalendarFeed, ReminderSent
from reminders.tasks import send_deadline_reminders
from tests.world import institution_user, project_in_state


def paris_noon(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=1)))


def ps_received(day):
    """A PS received on `day` (ARS deadline two months later), with its ARS DD agent."""
    project, leader, ars = project_in_state(State.PS_DEPOSE, received=day)
    project.refresh_from_db()
    return project, leader, ars


def signed_contract(project, signed_on, missions, started=()):
    contract = Contract.objects.create(project=project, size=2, members=40, signed_on=signed_on)
    for code in missions:
        ContractMission.objects.create(
            contract=contract, mission=code, started_on=signed_on if code in started else None
        )
    return contract


@pytest.mark.django_db
def test_deadlines_of_a_project_and_its_contract():
    project, _, _ = ps_received(dt.date(2026, 3, 15))
    opposition = deadlines_for([project])
    assert [(d.kind, d.due, d.holder) for d in opposition] == [
        ("opposition", dt.date(2026, 5, 15), "ars")
    ]
    signed_contract(
        project, dt.date(2026, 9, 30), ["acces_soins", "parcours", "crise_sanitaire"], ["parcours"]
    )
    items = {(d.kind, d.due): d for d in deadlines_for([project])}
    assert items[("start_acces_soins", dt.date(2027, 3, 30))].open
    assert not items[("start_parcours", dt.date(2027, 9, 30))].open  # already started
    assert ("deploy_acces_soins", dt.date(2028, 3, 30)) in items
    assert ("crisis_plan", dt.date(2027, 9, 30)) in items
    assert ("evaluation", dt.date(2031, 9, 30)) in items
    assert items[("contract_end", dt.date(2031, 9, 29))].holder == "assurance_maladie"
    assert not any(kind == "start_prevention" for kind, _ in items)  # not in this contract


@pytest.mark.rules
def test_offset_reached_sends_late_but_never_early():
    offsets = [1, 7, 30]
    assert services.offset_reached(31, offsets) is None
    assert services.offset_reached(30, offsets) == 30
    assert services.offset_reached(12, offsets) == 30
    assert services.offset_reached(5, offsets) == 7  # J-7 missed while down: sent at J-5
    assert services.offset_reached(0, offsets) == 1
    assert services.offset_reached(-1, offsets) is None


@pytest.mark.django_db(transaction=True)
def test_reminders_across_time_on_a_real_worker(celery_app, celery_worker, settings):
    settings.CPTS_REMINDER_OFFSETS = [30, 7, 1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    project, leader, ars = ps_received(dt.date(2026, 3, 15))  # ARS deadline 15 May
    other_ars = institution_user(OrganisationKind.ARS_DD)  # another département: never told

    def run_on(day):
        with time_machine.travel(paris_noon(day), tick=False):
            return send_deadline_reminders.delay().get(timeout=30)

    assert run_on(dt.date(2026, 4, 14)) == 0  # J-31
    assert run_on(dt.date(2026, 4, 15)) == 1  # J-30
    assert run_on(dt.date(2026, 4, 15)) == 0  # same day again (a restart): nothing
    assert run_on(dt.date(2026, 4, 20)) == 0  # J-25: still the J-30 window
    assert run_on(dt.date(2026, 5, 10)) == 1  # J-5: the missed J-7, late once
    assert run_on(dt.date(2026, 5, 14)) == 1  # J-1
    assert run_on(dt.date(2026, 5, 16)) == 0  # past: the PS is (deemed) decided

    reminders = [m for m in mail.outbox if "Portail CPTS] J-" in m.subject]
    assert [m.to for m in reminders] == [[ars.email]] * 3
    assert "J-30" in reminders[0].subject and project.name in reminders[0].subject
    assert "15 mai 2026" in reminders[0].body
    assert set(ReminderSent.objects.values_list("offset_days", flat=True)) == {30, 7, 1}
    assert not ReminderSent.objects.filter(recipient__in=[leader, other_ars]).exists()


@pytest.mark.django_db
def test_missed_pre_aci_commitment_is_flagged_to_the_cpam_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    PreAciSupport.objects.create(
        project=project, granted_on=dt.date(2026, 1, 10), amount="17500.00",
        ps_due_on=dt.date(2026, 10, 10), granted_by=cpam,
    )  # fmt: skip
    mail.outbox.clear()
    assert services.send_reminders(dt.date(2026, 10, 9)) == 1  # J-1 to the leader
    deliver_due()  # the worker's part: the mails wait in the outbox (the set-up's first)
    assert mail.outbox[-1].to == [leader.email]
    assert services.send_reminders(dt.date(2026, 10, 11)) == 1  # missed: the CPAM is told
    assert deliver_due() == 1
    assert mail.outbox[-1].to == [cpam.email] and "dépassée" in mail.outbox[-1].subject
    assert services.send_reminders(dt.date(2026, 10, 12)) == 0


@pytest.mark.django_db
def test_deadline_page_per_role(client):
    with time_machine.travel(paris_noon(dt.date(2026, 3, 15)), tick=False):
        project, leader, ars = ps_received(dt.date(2026, 3, 15))
        outsider = institution_user(OrganisationKind.ARS_DD)
        for user, sees in ((leader, True), (ars, True), (outsider, False)):
            client.force_login(user)
            page = client.get(reverse("reminders:list")).content.decode()
            assert (project.name in page) is sees
            assert "15/05/2026" in page or not sees
        assert client.get(reverse("reminders:list") + "?horizon=abc").status_code == 200


@pytest.mark.django_db
def test_private_calendar_feed(client):
    project, leader, ars = ps_received(dt.date(2026, 3, 15))
    client.force_login(ars)
    client.get(reverse("reminders:list"))
    assert not CalendarFeed.objects.filter(user=ars).exists()  # a GET writes nothing
    client.post(reverse("reminders:regenerate_feed"))
    secret = CalendarFeed.objects.get(user=ars).secret
    client.logout()
    feed = client.get(reverse("reminders:feed", args=[secret]))
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and "DTSTART;VALUE=DATE:20260515" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    type(project).objects.filter(pk=project.pk).update(name="CPTS du Val, nord;\nsud")
    events = Calendar.from_ical(client.get(reverse("reminders:feed", args=[secret])).content).events
    assert any(e.summary.endswith(" – CPTS du Val, nord;\nsud") for e in events)  # escaped
    assert client.get(reverse("reminders:feed", args=["not-a-secret"])).status_code == 404
    client.force_login(ars)
    client.post(reverse("reminders:regenerate_feed"))
    client.logout()
    assert client.get(reverse("reminders:feed", args=[secret])).status_code == 404
