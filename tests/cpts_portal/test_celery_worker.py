"""The beat task on a real Celery worker over the real Redis broker (no eager mode)."""

import datetime as dt

import pytest
from django.conf import settings

from projects.models import Project
from projects.states import State
from projects.tasks import sweep_implicit_validations
from tests.world import project_in_state


def test_the_sweep_is_scheduled_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["implicit-validation-sweep"]
    assert entry["task"] == sweep_implicit_validations.name
    assert settings.CELERY_TASK_ACKS_LATE is True


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_the_implicit_validation(celery_app, celery_worker):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert not celery_app.conf.task_always_eager
    due, _, _ = project_in_state(State.PS_DEPOSE, received=dt.date(2025, 9, 1))
    pending, _, _ = project_in_state(State.PS_DEPOSE)

    assert sweep_implicit_validations.delay().get(timeout=30) == 1
    assert sweep_implicit_validations.delay().get(timeout=30) == 0  # idempotent

    states = dict(Project.objects.values_list("pk", "state"))
    assert states[due.pk] == State.PS_REPUTE_VALIDE
    assert states[pending.pk] == State.PS_DEPOSE
