"""Mails of the portal: written to the outbox in the caller's transaction (a rolled-back action
mails nobody, a broker or mail server that is down loses nothing), delivered by the worker.
Each recipient gets a message of their own, naming them alone: a notification never tells one
person who else received it."""

from outbox.services import enqueue_mail

SUBJECT_PREFIX = "[Portail CPTS] "


def queue_mail(subject: str, body: str, recipients) -> None:
    enqueue_mail(SUBJECT_PREFIX + subject, body, recipients)
