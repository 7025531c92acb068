from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver() -> int:
    """Nudged after each commit that wrote a row; re-runs are harmless."""
    return services.deliver_due()


@shared_task(acks_late=True)
def tick() -> int:
    """Beat task, every minute: a heartbeat, then whatever is due (rows whose nudge was lost,
    retries whose backoff has passed)."""
    services.beat()
    return services.deliver_due()
