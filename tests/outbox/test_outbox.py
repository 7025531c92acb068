"""The outbox: written with the change, sent once after it, retried while a server is down,
never blocked by one bad mail."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cpts_portal.celery import app
from outbox import services, tasks
from outbox.models import Heartbeat, Kind, Message

from .backends import REFUSED_DOMAIN, FlakyBackend
from .redis_server import point_broker_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.FlakyBackend"
    FlakyBackend.down = False
    yield FlakyBackend
    FlakyBackend.down = False


@pytest.fixture
def broker_down():
    """The app's broker at a port where nothing listens."""
    previous = point_broker_at(app, "redis://127.0.0.1:9/0")
    yield
    point_broker_at(app, previous)


def test_a_rolled_back_change_mails_nobody():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue_mail("Objet", "Texte", ["a@example.org"])
        raise RuntimeError("the change fails after writing its mail")
    assert not Message.objects.exists()
    assert services.deliver_due() == 0 and mail.outbox == []


def test_a_mail_is_sent_once_after_its_commit(django_capture_on_commit_callbacks, monkeypatch):
    nudges = []
    monkeypatch.setattr(services, "nudge", lambda: nudges.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        messages = services.enqueue_mail("Objet", "Texte", ["b@example.org", "a@example.org"])
        assert nudges == []  # the worker is asked only once the change is committed
    assert nudges == [1]
    assert services.deliver_due() == 2
    assert services.deliver_due() == 0  # a re-run (the beat task, another nudge) sends nothing
    # One mail per recipient, each naming that recipient alone (nor in Cc, nor in Bcc).
    assert sorted((m.subject, m.to, m.cc, m.bcc) for m in mail.outbox) == [
        ("Objet", ["a@example.org"], [], []),
        ("Objet", ["b@example.org"], [], []),
    ]
    for message in messages:
        message.refresh_from_db()
        assert message.sent_at is not None and message.attempts == 1


def test_a_mail_to_several_is_written_whole_or_not_at_all(monkeypatch):
    def broken_bulk_create(objs, *args, **kwargs):
        objs = list(objs)
        Message.objects.create(**{f: getattr(objs[0], f) for f in ("kind", "subject", "body")})
        raise RuntimeError("the database fails after the first copy")

    monkeypatch.setattr(Message.objects, "bulk_create", broken_bulk_create)
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            services.enqueue_mail("Objet", "Texte", ["a@example.org", "b@example.org"])
        assert not Message.objects.exists()  # the caller's change goes on without a half mail


def test_a_row_naming_several_recipients_never_shows_them_to_each_other():
    """A row written before mails were split per recipient (several addresses) goes in Bcc."""
    old = Message.objects.create(
        kind=Kind.MAIL, subject="Ancien", body="Texte", recipients=["a@example.org", "b@x.org"]
    )
    assert services.deliver_due() == 1
    (sent,) = mail.outbox
    assert sent.to == [] and sent.bcc == old.recipients and sent.recipients() == old.recipients
    assert "a@example.org" not in sent.message().as_string()


def test_subjects_are_one_line_and_bad_addresses_are_dropped():
    (message,) = services.enqueue_mail(
        "CPTS du\r\nVal :\n avis\tCPAM " + "x" * 400,
        "Texte",
        ["ok@example.org", "pas une adresse", "x@example.org\nBcc: y@example.org", "", None],
    )
    assert message.subject.startswith("CPTS du Val : avis CPAM x") and len(message.subject) == 255
    assert message.recipients == ["ok@example.org"]
    assert services.enqueue_mail("Objet", "Texte", ["pas une adresse"]) == []
    assert services.deliver_due() == 1
    assert mail.outbox[0].to == ["ok@example.org"]


def test_a_refused_or_malformed_mail_fails_alone(flaky):
    (refused,) = services.enqueue_mail("Refusé", "Texte", ["nobody" + REFUSED_DOMAIN])
    (malformed,) = services.enqueue_mail("Valide", "Texte", ["a@example.org"])
    Message.objects.filter(pk=malformed.pk).update(subject="Deux\nlignes")  # written by hand
    (fine,) = services.enqueue_mail("Bon", "Texte", ["b@example.org"])
    assert services.deliver_due() == 1
    assert [m.subject for m in mail.outbox] == ["Bon"]
    for message in (refused, malformed):
        message.refresh_from_db()
        assert message.failed_at is not None and message.sent_at is None and message.last_error
    fine.refresh_from_db()
    assert fine.sent_at is not None
    assert services.deliver_due() == 0  # failed for good: not retried


def test_a_mail_server_down_is_retried_with_backoff_until_sent_once(flaky):
    start = timezone.now()
    flaky.down = True
    with time_machine.travel(start, tick=False):
        (message,) = services.enqueue_mail("Objet", "Texte", ["a@example.org"])
        assert services.deliver_due() == 0
    message.refresh_from_db()
    assert message.attempts == 1 and message.sent_at is None and message.failed_at is None
    assert message.next_attempt_at == start + dt.timedelta(seconds=30)
    with time_machine.travel(start + dt.timedelta(seconds=29), tick=False):
        assert services.deliver_due() == 0  # not due yet: nothing tried
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert services.deliver_due() == 0
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at > start + dt.timedelta(seconds=90)
    flaky.down = False
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        assert services.deliver_due() == 1
        assert services.deliver_due() == 0
    assert len(mail.outbox) == 1


def test_backoff_doubles_up_to_its_cap():
    delays = [services.backoff(n).total_seconds() for n in (1, 2, 3, 10, 50)]
    assert delays == [30, 60, 120, settings.OUTBOX_RETRY_MAX_SECONDS, 1800]


def test_the_nudge_fails_silently_when_the_broker_is_down(broker_down):
    (message,) = services.enqueue_mail("Objet", "Texte", ["a@example.org"])  # autocommit: nudged
    services.enqueue_task("outbox.tasks.deliver")
    assert Message.objects.filter(sent_at__isnull=True).count() == 2
    message.refresh_from_db()
    assert message.attempts == 0  # waits for the beat task


def test_a_task_row_waits_while_the_broker_is_down(broker_down):
    row = services.enqueue_task("projects.tasks.sweep_implicit_validations", 1, "a")
    assert (row.kind, row.args) == (Kind.TASK, [1, "a"])
    assert services.deliver_due() == 0
    row.refresh_from_db()
    assert row.attempts == 1 and row.failed_at is None and "127.0.0.1:9" in row.last_error


def test_the_beat_task_writes_a_heartbeat_and_delivers():
    services.enqueue_mail("Objet", "Texte", ["a@example.org"])
    assert tasks.tick() == 1
    assert timezone.now() - Heartbeat.objects.get(name="beat").at < dt.timedelta(seconds=5)
    assert settings.CELERY_BEAT_SCHEDULE["outbox-tick"] == {
        "task": tasks.tick.name,
        "schedule": 60.0,
    }
