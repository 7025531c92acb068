"""Mails of the portal: written to the outbox in the caller's transaction (a rolled-back action
mails nobody, a broker or mail server that is down loses nothing), delivered by the worker."""

from outbox.services import enqueue_mail

SUBJECT_PREFIX = "[Portail CPTS] "


def queue_mail(subject: str, body: str, recipients) -> None:
    enqueue_mail(SUBJECT_PREFIX + subject, body, recipients)
