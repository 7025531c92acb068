"""The beat task on a real Celery worker over the real Redis broker (no eager mode)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from projects.models import DocumentKind, IssuedDocument, Project
from projects.states import State
from projects.tasks import sweep_implicit_validations
from tests.worker import wait_for
from tests.world import project_in_state


def test_the_sweep_is_the_only_scheduled_project_task():
    entry = settings.CELERY_BEAT_SCHEDULE["implicit-validation-sweep"]
    assert entry["task"] == sweep_implicit_validations.name
    scheduled = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert [t for t in scheduled if t.startswith("projects.")] == [entry["task"]]
    assert settings.CELERY_TASK_ACKS_LATE is True


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_the_implicit_validation(celery_app, celery_worker):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert not celery_app.conf.task_always_eager
    due, leader, _ = project_in_state(State.PS_DEPOSE, received=dt.date(2025, 9, 1))
    pending, _, _ = project_in_state(State.PS_DEPOSE)

    assert sweep_implicit_validations.delay().get(timeout=30) == 1
    assert sweep_implicit_validations.delay().get(timeout=30) == 0  # idempotent

    states = dict(Project.objects.values_list("pk", "state"))
    assert states[due.pk] == State.PS_REPUTE_VALIDE
    assert states[pending.pk] == State.PS_DEPOSE
    # Then, from the tasks the sweep queued on commit: the attestation and the mail.
    attestation = IssuedDocument.objects.filter(kind=DocumentKind.IMPLICIT_ATTESTATION)
    assert wait_for(lambda: attestation.filter(project=due).exists(), timeout=60)
    subject = f"[Portail CPTS] {due.name} : Projet de santé réputé validé"
    to_leader = [subject, [leader.email]]
    assert wait_for(lambda: to_leader in ([m.subject, m.to] for m in mail.outbox), timeout=60)
    assert not attestation.filter(project=pending).exists()
