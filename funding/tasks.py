from celery import shared_task
from django.db import OperationalError

from . import renewal


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def sweep_ended_contracts() -> int:
    """Beat task: contracts past their five years end ("ACI échu"). Re-runs are no-ops."""
    return renewal.sweep_ended_contracts()
