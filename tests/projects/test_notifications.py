"""Who is mailed, when, and how: one path for every transition, explicit or implicit."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from outbox.models import Kind, Message
from projects import documents, notifications, services
from projects.models import Project
from projects.notifications import institution_emails, leader_emails
from projects.states import State
from tests.world import WITHOUT_COMMITTEE, project_in_state

pytestmark = pytest.mark.django_db


def test_people_concerned_are_those_of_the_territory(world):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    assert leader_emails(project) == {leader.email}
    concerned = institution_emails(project)
    for role in ("ars_dd", "ars", "cpam", "msa", "urps"):
        assert getattr(world, role).email in concerned
        assert getattr(world, role + "_other").email not in concerned


def test_each_transition_is_mailed_on_commit(world, mail_on_commit):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    with mail_on_commit(execute=True):
        services.decide_letter(
            project, ars, "changes", "Préciser le territoire", without_committee=WITHOUT_COMMITTEE
        )
    assert len(mail.outbox) == 1
    assert "Lettre d'intention à modifier" in mail.outbox[0].subject
    assert leader.email in mail.outbox[0].to and world.cpam_other.email not in mail.outbox[0].to


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
    assert mails.count() == 3
    assert all(m.subject.endswith("Projet de santé réputé validé") for m in mails)


def test_a_line_break_in_a_project_name_never_reaches_a_mail_header(world, mail_on_commit):
    project, leader, ars = project_in_state(State.LI_DEPOSEE, world.dept)
    Project.objects.filter(pk=project.pk).update(name="CPTS du Val\r\nBcc: pirate@example.com")
    with mail_on_commit(execute=True):
        services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)
    [message] = mail.outbox
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
