from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def send_deadline_reminders() -> int:
    """Beat task, daily: idempotent thanks to the ReminderSent unique constraint."""
    return services.send_reminders()
