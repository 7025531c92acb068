from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def sweep_implicit_validations() -> int:
    """Beat task: apply the two-month implicit validation. Re-runs are no-ops."""
    return services.sweep_implicit_validations()
