"""`/healthz` for the orchestrator: PostgreSQL answers a query, the broker takes a connection,
the beat scheduler ran recently (its heartbeat, written through the worker). 200 "ok", or 503
naming the checks that failed.

A small view rather than django-health-check: three checks, one of them (the heartbeat) ours
anyway, no extra app, URL or template to keep.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.utils import timezone
from kombu import Connection

from outbox.services import last_beat

logger = logging.getLogger(__name__)
BROKER_TIMEOUT = 3  # seconds; the compose probe gives the whole answer 5


def check_database() -> None:
    for alias in settings.HEALTHZ_DATABASES:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_broker() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=0)


def check_beat() -> None:
    at = last_beat()
    limit = dt.timedelta(seconds=settings.HEALTHZ_BEAT_MAX_AGE_SECONDS)
    if at is None or timezone.now() - at > limit:
        raise RuntimeError(f"no beat heartbeat since {at}")


CHECKS = {"database": check_database, "broker": check_broker, "beat": check_beat}


def healthz(request):
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # a health check reports failures, it does not raise them
            logger.warning("healthz: %s failed: %r", name, error)
            failed.append(name)
    if failed:
        return HttpResponse(
            "échec : " + ", ".join(failed), status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain")
