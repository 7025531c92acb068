"""Write e-mails and tasks in the caller's transaction; deliver them from the worker.

A row is written with the change it follows: a rolled-back change sends nothing, and a broker
or a mail server that is down loses nothing, the worker retrying with exponential backoff. After
the commit a nudge asks the worker to deliver at once; when the broker is down the nudge fails
silently and the beat task (every minute) delivers once it is back.
"""

import datetime as dt
import logging
import smtplib

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .models import SUBJECT_MAX, Heartbeat, Kind, Message

logger = logging.getLogger(__name__)
DELIVER_TASK = "outbox.tasks.deliver"
# No retry cures these (a header Django refuses, every recipient refused): that message fails,
# the others go on. Anything else (broker or mail server down) is retried.
PERMANENT_ERRORS = (ValueError, TypeError, smtplib.SMTPRecipientsRefused)
ERROR_MAX = 2000


def one_line(subject: str) -> str:
    """A subject on one line (a CR or LF in a header makes the mail fail), within its bound."""
    return " ".join(str(subject).split())[:SUBJECT_MAX]


def valid_addresses(recipients) -> list[str]:
    """Distinct well-formed addresses; a bad one is dropped (and logged), not the whole mail."""
    kept = set()
    for address in recipients:
        address = (address or "").strip()
        try:
            validate_email(address)
        except ValidationError:
            if address:
                logger.warning("outbox: invalid recipient dropped: %r", address[:100])
            continue
        kept.add(address)
    return sorted(kept)


def enqueue_mail(subject: str, body: str, recipients) -> list[Message]:
    """Write a mail to send once the caller's transaction commits: one message per recipient,
    each naming that recipient alone (nobody learns who else was told). All or none are
    written. Empty when nobody is left to send to."""
    recipients = valid_addresses(recipients)
    if not recipients:
        return []
    subject = one_line(subject)
    with transaction.atomic():  # a savepoint inside the caller's change: all the copies or none
        messages = Message.objects.bulk_create(
            Message(kind=Kind.MAIL, subject=subject, body=body, recipients=[address])
            for address in recipients
        )
    transaction.on_commit(nudge)
    return messages


def enqueue_task(task_name: str, *args) -> Message:
    """Write a Celery task (JSON arguments) to queue once the caller's transaction commits."""
    message = Message.objects.create(kind=Kind.TASK, task=task_name, args=list(args))
    transaction.on_commit(nudge)
    return message


def nudge() -> None:
    """Ask the worker to deliver now. Never fails: the row waits for the beat task."""
    try:  # one connection attempt, no retry loop: the request that wrote the row is waiting
        with current_app.connection_for_write(transport_options={"max_retries": 0}) as broker:
            current_app.send_task(DELIVER_TASK, connection=broker, retry=False)
    except Exception:  # whatever the broker raises, the request that wrote the row succeeded
        logger.warning("outbox: broker unreachable, delivery left to the beat task", exc_info=True)


def backoff(attempts: int) -> dt.timedelta:
    delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(delay, settings.OUTBOX_RETRY_MAX_SECONDS))


def _send(message: Message) -> None:
    if message.kind == Kind.MAIL:
        to, bcc = message.recipients, []
        if len(to) > 1:  # a row written before mails were split per recipient: nobody is named
            to, bcc = [], to
        EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, to, bcc=bcc).send()
    else:
        current_app.send_task(message.task, args=message.args)


def attempt(message: Message) -> bool:
    """Try one delivery and record its outcome on the row; True when sent."""
    now = timezone.now()
    message.attempts += 1
    try:
        _send(message)
    except PERMANENT_ERRORS as error:
        logger.error("outbox: message %s can never be sent: %r", message.pk, error)
        message.failed_at, message.last_error = now, repr(error)[:ERROR_MAX]
    except Exception as error:  # transient: retried later, never lost
        logger.warning("outbox: message %s not delivered yet: %r", message.pk, error)
        message.next_attempt_at = now + backoff(message.attempts)
        message.last_error = repr(error)[:ERROR_MAX]
    else:
        message.sent_at = now
    message.save(
        update_fields=["attempts", "sent_at", "failed_at", "next_attempt_at", "last_error"]
    )
    return message.sent_at is not None


def deliver_due(limit: int = 500) -> int:
    """Deliver the due rows, each in its own transaction holding its row: a row another worker
    holds is skipped and a sent row is never picked again, so each is sent once."""
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            message = (
                Message.objects.due()
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if message is None:
                break
            sent += attempt(message)
    return sent


def beat() -> None:
    """Record that the beat scheduler and a worker are alive (read by `/healthz`)."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"at": timezone.now()})


def last_beat() -> dt.datetime | None:
    return Heartbeat.objects.filter(name="beat").values_list("at", flat=True).first()
