"""Redis stopped: pages with a session answer, writes answer and their mails wait in the
outbox; Redis back: delivered once. The Redis is the test's own, stopped for real."""

import pytest
from django.core import mail
from django.urls import reverse

from cpts_portal.celery import app
from outbox import tasks
from outbox.models import Message
from outbox.services import enqueue_task
from projects.models import Project
from projects.states import State
from tests.world import project_in_state

from .redis_server import RedisServer, point_broker_at

pytestmark = pytest.mark.django_db
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
SIGNUP = {
    "username": "nouvelle",
    "first_name": "Nora",
    "last_name": "Velle",
    "email": "nora@example.org",
    "password1": "un-mot-de-passe-long-2026",
    "password2": "un-mot-de-passe-long-2026",
}


@pytest.fixture
def own_redis(settings):
    """The app's broker and cache on a Redis of this test's own."""
    server = RedisServer()
    server.start()
    previous = point_broker_at(app, server.url)
    settings.CELERY_BROKER_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    settings.CPTS_SIGNUPS_PER_ADDRESS_PER_HOUR = 5  # the limit is consulted, and fails open
    yield server
    server.stop()
    point_broker_at(app, previous)


def test_with_redis_down_reads_and_writes_answer_and_mails_wait(
    own_redis, client, django_capture_on_commit_callbacks
):
    project, leader, ars = project_in_state(State.LI_DEPOSEE)
    # A newline in a name used to make every mail about the project fail.
    Project.objects.filter(pk=project.pk).update(name="CPTS du\nVal")
    Message.objects.all().delete()  # the set-up's mails are not this test's
    client.force_login(leader)
    own_redis.stop()

    assert client.get(reverse("projects:list")).status_code == 200
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the nudge meets the dead broker
        response = client.post(
            reverse("projects:messages", args=[project.pk]), {"body": "Le dossier est complet."}
        )
        task = enqueue_task("outbox.tasks.deliver")
    assert response.status_code == 302
    assert project.messages.filter(body="Le dossier est complet.").exists()
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("signup"), SIGNUP).url == reverse("signup_done")
    response = client.get("/healthz")
    assert response.status_code == 503 and "broker" in response.content.decode()
    assert Message.objects.filter(sent_at__isnull=True).count() == 3 and mail.outbox == []

    own_redis.start()
    assert tasks.tick() == 3  # the beat task, on the worker, once Redis is back
    assert tasks.tick() == 0
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Activez votre compte sur le Portail CPTS",
        "[Portail CPTS] CPTS du Val : nouveau message",
    ]
    assert ars.email in mail.outbox[0].to + mail.outbox[1].to
    task.refresh_from_db()
    assert task.sent_at is not None and own_redis.queued() == 1  # published once
