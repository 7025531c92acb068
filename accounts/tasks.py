"""Mails about accounts, sent by a Celery task queued on commit (a rolled-back decision mails
nobody; the request never waits for the mail server)."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_account_mail(subject: str, body: str, recipients: list[str]) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def queue_mail(subject: str, body: str, recipients) -> None:
    recipients = sorted({r for r in recipients if r})
    if recipients:
        subject = f"[Portail CPTS] {subject}"
        transaction.on_commit(lambda: send_account_mail.delay(subject, body, recipients))
