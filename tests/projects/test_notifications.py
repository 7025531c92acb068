"""Who is mailed, when, and how: one path for every transition, explicit or implicit."""

import datetime as dt

import pytest
from django.core import mail
from django.db import OperationalError, transaction

from outbox.models import Kind, Message
from projects import documents, exchanges, notifications, services
from projects.models import Project, ProjectMember
from projects.notifications import (
    ars_emails,
    informed_emails,
    institution_emails,
    leader_emails,
)
from projects.states import State
from tests.factories import UserFactory
from tests.mails import sent_to
from tests.world import WITHOUT_COMMITTEE, fill_letter, new_project, project_in_state

pytestmark = pytest.mark.django_db


def test_people_concerned_are_those_of_the_territory(world):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    assert leader_emails(project) == {leader.email}
    concerned = institution_emails(project)
    for role in ("ars_dd", "ars", "cpam", "msa", "urps"):
        assert getattr(world, role).email in concerned
        assert getattr(world, role + "_other").email not in concerned


def concerned(project) -> set[str]:
    return institution_emails(project) | informed_emails(project)


def test_each_transition_is_mailed_on_commit(world, mail_on_commit):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    with mail_on_commit(execute=True):
        services.decide_letter(
            project, ars, "changes", "Préciser le territoire", without_committee=WITHOUT_COMMITTEE
        )
    # One mail per person concerned, each naming that person alone.
    everyone = sent_to(mail.outbox)
    assert len(mail.outbox) == len(everyone) == len(leader_emails(project) | concerned(project))
    assert all("Lettre d'intention à modifier" in m.subject for m in mail.outbox)
    assert {leader.email, world.ars_dd.email, world.cpam.email} <= everyone
    assert world.cpam_other.email not in everyone


def test_a_rolled_back_transition_mails_nobody(world, mail_on_commit):
    project, _, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    with mail_on_commit(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.decide_letter(
                    project, ars, "validate", without_committee=WITHOUT_COMMITTEE
                )
                raise RuntimeError("rollback")
    assert callbacks == [] and mail.outbox == []


def test_a_sweep_batch_queues_one_mail_task_whatever_its_size(world):
    due = [
        project_in_state(State.PS_DEPOSE, world.dept, received=dt.date(2026, 1, 5))[0]
        for _ in range(3)
    ]
    Message.objects.all().delete()
    assert services.sweep_implicit_validations() == 3
    # The batch writes one outbox task for the mails and one for the documents, no mail yet:
    # the worker computes the recipients.
    tasks = {m.task: m.args for m in Message.objects.filter(kind=Kind.TASK)}
    assert set(tasks) == {notifications.notify_events.name, documents.issue_documents.name}
    assert not Message.objects.filter(kind=Kind.MAIL).exists()
    [event_ids], [project_ids] = (
        tasks[notifications.notify_events.name],
        tasks[documents.issue_documents.name],
    )
    assert sorted(project_ids) == sorted(p.pk for p in due)
    deemed = Project.objects.filter(events__pk__in=event_ids, state=State.PS_REPUTE_VALIDE)
    assert sorted(deemed.values_list("pk", flat=True)) == sorted(p.pk for p in due)

    assert notifications.notify_events.run(event_ids) == 3
    mails = Message.objects.filter(kind=Kind.MAIL)
    # Each project's people, one message each: the three leaders and the territory's staff.
    assert sorted(tuple(m.recipients) for m in mails) == sorted(
        (address,) for project in due for address in leader_emails(project) | concerned(project)
    )
    assert all(m.subject.endswith("Projet de santé réputé validé") for m in mails)


def test_a_line_break_in_a_project_name_never_reaches_a_mail_header(world, mail_on_commit):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    Project.objects.filter(pk=project.pk).update(name="CPTS du Val\r\nBcc: pirate@example.com")
    with mail_on_commit(execute=True):
        services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    assert mail.outbox and "pirate@example.com" not in sent_to(mail.outbox)
    for message in mail.outbox:
        assert message.subject == (
            "[Portail CPTS] CPTS du Val Bcc: pirate@example.com : Lettre d'intention validée"
        )
        headers = message.message().as_string().split("\n\n", 1)[0]
        assert "\nBcc:" not in headers and "pirate@example.com" not in message.recipients()


def test_the_worker_knows_every_task_a_transition_queues():
    from cpts_portal.celery import app

    app.loader.import_default_modules()
    for task in ("projects.notifications.notify_events", "projects.documents.issue_documents"):
        assert task in app.tasks


def test_a_notification_to_three_people_is_three_messages_sent_on_commit(world, mail_on_commit):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    co_leaders = [UserFactory(), UserFactory()]
    for user in co_leaders:
        ProjectMember.objects.create(project=project, user=user)
    with mail_on_commit(execute=False) as callbacks:
        exchanges.post_message(project, ars, "Comité le 12.")
        assert not Message.objects.filter(kind=Kind.MAIL, sent_at__isnull=False).exists()
    leaders = {leader.email} | {u.email for u in co_leaders}
    written = Message.objects.filter(kind=Kind.MAIL)
    assert sorted(m.recipients for m in written) == sorted([a] for a in leaders)
    assert len(callbacks) == 1 and mail.outbox == []  # the nudge waits for the commit
    callbacks[0]()
    assert len(mail.outbox) == 3 and sent_to(mail.outbox) == leaders
    assert Message.objects.filter(kind=Kind.MAIL, sent_at__isnull=True).count() == 0


def test_no_mail_of_a_whole_letter_review_names_two_people(world, mail_on_commit):
    """LI filed, sent back, filed again, validated; messages both ways: every mail sent names
    its own recipient alone, in To: and in every header, and each person concerned gets one
    copy of each notice."""
    project, leader = new_project(world.dept, world.leader)
    co_leader = UserFactory()
    ProjectMember.objects.create(project=project, user=co_leader)
    ars = world.ars_dd
    fill_letter(project)
    with mail_on_commit(execute=True):
        services.submit_letter(project, leader)
        services.decide_letter(
            project, ars, "changes", "Préciser le territoire", without_committee=WITHOUT_COMMITTEE
        )
        exchanges.post_message(project, co_leader, "C'est fait.")
        exchanges.post_message(project, ars, "Merci, déposez à nouveau.")
        services.submit_letter(project, leader)
        services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    everyone = leader_emails(project) | concerned(project)
    assert len(everyone) >= 7  # two leaders, five people of the territory's institutions
    notices = {}
    for message in mail.outbox:
        (address,) = message.to
        assert message.recipients() == [address] and not message.cc and not message.bcc
        headers = message.message().as_string().split("\n\n", 1)[0]
        assert [a for a in everyone if a in headers] == [address], headers
        notices.setdefault(message.subject, []).append(address)
    transitions = [
        "Lettre d'intention déposée",
        "Lettre d'intention à modifier",
        "Lettre d'intention déposée",
        "Lettre d'intention validée",
    ]
    for label in set(transitions):
        told = notices[f"[Portail CPTS] {project.name} : {label}"]
        assert sorted(told) == sorted(list(everyone) * transitions.count(label))
    told = notices[f"[Portail CPTS] {project.name} : nouveau message"]
    assert sorted(told) == sorted(ars_emails(project) | leader_emails(project))
    assert world.cpam_other.email not in sent_to(mail.outbox)


def test_a_batch_that_fails_midway_leaves_no_mail_to_send_twice(world, monkeypatch):
    due = [
        project_in_state(State.PS_DEPOSE, world.dept, received=dt.date(2026, 1, 5))[0]
        for _ in range(2)
    ]
    Message.objects.all().delete()
    assert services.sweep_implicit_validations() == 2
    (event_ids,) = Message.objects.get(task=notifications.notify_events.name).args
    notify = notifications.notify_transition

    def second_fails(project, source, target):
        if project.pk == due[1].pk:
            raise OperationalError("the database went away")
        notify(project, source, target)

    monkeypatch.setattr(notifications, "notify_transition", second_fails)
    with pytest.raises(OperationalError):
        notifications.notify_events.run(event_ids)
    assert not Message.objects.filter(kind=Kind.MAIL).exists()  # the retry starts afresh
    monkeypatch.setattr(notifications, "notify_transition", notify)
    assert notifications.notify_events.run(event_ids) == 2
    assert {m.recipients[0] for m in Message.objects.filter(kind=Kind.MAIL)} >= {
        p.members.get().user.email for p in due
    }
