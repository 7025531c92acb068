"""A Celery worker killed in the middle of the sweep loses nothing; the next run finishes."""

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection

from cpts_portal import celery
from projects.models import Project, ProjectEvent
from projects.states import State
from projects.tasks import sweep_implicit_validations
from tests.factories import DepartementFactory
from tests.worker import wait_for, wait_while_progressing

ROOT = Path(__file__).resolve().parents[2]
# Enough that the kill, right after the first 200, lands mid-sweep: at 20 a batch the first
# worker has 290 batches left. Each wait below ends on its event, with generous bounds for a
# loaded machine (starting a worker alone can take a minute there).
COUNT = 6_000
KILL_AFTER = 200


def start_worker(queue, batch_size):
    test_db = urlparse(os.environ["DATABASE_URL"])._replace(
        path="/" + connection.settings_dict["NAME"]
    )
    env = {
        **os.environ,
        "DATABASE_URL": urlunparse(test_db),
        "CPTS_IMPLICIT_SWEEP_BATCH_SIZE": str(batch_size),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cpts_portal", "worker", "--pool=solo",
         "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def counts():
    validated = Project.objects.filter(state=State.PS_REPUTE_VALIDE).count()
    return validated, ProjectEvent.objects.filter(transition="deem_ps_validated").count()


@pytest.fixture
def emptied_default_queue():
    """Each batch queues its mails and documents on the default queue, which no worker of this
    test consumes: 2 000 messages for projects the test then deletes. Emptied afterwards."""
    yield
    celery.app.control.purge()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("emptied_default_queue")
def test_killed_worker_loses_nothing_and_the_next_run_finishes():
    dept = DepartementFactory()
    deadline = dt.date(2025, 3, 1)
    Project.objects.bulk_create(
        Project(
            name=f"CPTS {i}",
            departement=dept,
            state=State.PS_DEPOSE,
            ps_received_on=dt.date(2025, 1, 1),
            ps_deadline=deadline,
            ps_implicit_on=deadline + dt.timedelta(days=1),
        )
        for i in range(COUNT)
    )
    queue = f"crash-test-{uuid.uuid4().hex}"
    worker = start_worker(queue, batch_size=20)  # many small batches: a kill lands mid-sweep
    try:
        sweep_implicit_validations.apply_async(queue=queue)
        started = wait_for(lambda: counts()[0] >= KILL_AFTER or worker.poll() is not None, 300)
        assert started and worker.poll() is None, "the worker never started"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()

    validated, events = counts()
    assert 0 < validated < COUNT, "the kill must land in the middle of the sweep"
    assert validated == events  # every committed batch has its history, nothing half-done

    # The next beat run, on a new worker: larger batches, as in production, to finish sooner.
    worker = start_worker(queue, batch_size=500)
    try:
        sweep_implicit_validations.apply_async(queue=queue)
        finished = wait_while_progressing(
            lambda: counts()[0], COUNT, stall=180, timeout=900, alive=lambda: worker.poll() is None
        )
        assert finished, f"the next run stopped at {counts()[0]} of {COUNT}"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
    assert counts() == (COUNT, COUNT)
    assert ProjectEvent.objects.values("project").distinct().count() == COUNT  # no duplicate
