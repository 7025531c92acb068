"""Who is mailed, and the implicit validations the bulk sweep writes are mailed once."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from projects import services
from projects.notifications import (
    institution_emails,
    leader_emails,
    notify_implicit_validations,
)
from projects.states import State
from tests.world import project_in_state

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
        services.decide_letter(project, ars, "changes", "Préciser le territoire")
    assert len(mail.outbox) == 1
    assert "Lettre d'intention à modifier" in mail.outbox[0].subject
    assert leader.email in mail.outbox[0].to and world.cpam_other.email not in mail.outbox[0].to


def test_implicit_validations_are_mailed_once(world, mail_on_commit):
    project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept, received=dt.date(2026, 1, 5))
    assert services.apply_implicit_validations(today=dt.date(2026, 3, 6)) == 1
    with mail_on_commit(execute=True):
        assert notify_implicit_validations() == 1
        assert notify_implicit_validations() == 0
    assert [m.subject for m in mail.outbox] == [
        f"[Portail CPTS] {project.name} : Projet de santé réputé validé"
    ]
    assert leader.email in mail.outbox[0].to


def test_the_notice_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["implicit-validation-notices"]
    assert entry["task"] == notify_implicit_validations.name
    assert "projects.notifications" in settings.CELERY_IMPORTS
