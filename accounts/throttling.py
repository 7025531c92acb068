"""Who is the client, and how often may it try: login lockouts (django-axes, configured in
settings to use this module) and hourly limits on sign-ups and invitations.

Login, within AXES_COOLOFF_TIME: AXES_FAILURE_LIMIT failures lock one username at one address,
and CPTS_LOGIN_FAILURES_PER_ADDRESS failures lock an address whatever the usernames tried
(password spraying). No limit locks a username for every address, so nobody can lock someone
else out, and behind a trusted proxy each client keeps its own address.
"""

import hashlib
import ipaddress
import logging
import time
from functools import wraps

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.shortcuts import render

logger = logging.getLogger(__name__)
HOUR = 3600


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return address is not None and any(
        address in ipaddress.ip_network(proxy, strict=False)
        for proxy in settings.CPTS_TRUSTED_PROXIES
    )


def from_trusted_proxy(request) -> bool:
    """Whether the TCP peer is one of DJANGO_TRUSTED_PROXIES (whose X-Forwarded-* headers are
    believed)."""
    return _trusted(_address(request.META.get("REMOTE_ADDR", "")))


def client_ip(request) -> str:
    """The TCP peer's address; when the peer is a trusted proxy, the right-most address of
    X-Forwarded-For that is not a trusted proxy (proxies append what they saw; anything the
    client wrote itself stands further left and is never read)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(_address(peer)):
        return peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a proxy that writes garbage: fall back on the proxy's own address
        if not _trusted(address):
            return str(address)
    return peer


class LoginThrottle(AxesDatabaseHandler):
    """Axes compares one count to one limit: past the per-address limit, report the address as
    having reached the per-username one."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        by_address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(n=Sum("failures_since_start"))["n"]
        if (by_address or 0) >= settings.CPTS_LOGIN_FAILURES_PER_ADDRESS:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def allow(scope: str, key: str, limit: int, window: int = HOUR) -> bool:
    """Count one more action of `key` in the current window; False past `limit`. With the cache
    (Redis) down the action is allowed and logged: a limit must not turn into a 500."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    bucket = f"rate:{scope}:{digest}:{int(time.time() // window)}"
    try:
        cache.add(bucket, 0, timeout=window)
        return cache.incr(bucket) <= limit
    except Exception:  # the cache's own errors (a Redis connection refused …)
        logger.warning("rate limit %s not checked: cache unavailable", scope, exc_info=True)
        return True


def rate_limited(scope: str, limit_setting: str):
    """Limit a view's POSTs per client address and per signed-in person (a setting names the
    hourly limit); past it the person is told to come back later (429)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                keys = [f"ip:{client_ip(request)}"]
                if request.user.is_authenticated:
                    keys.append(f"user:{request.user.pk}")
                limit = getattr(settings, limit_setting)
                if not all(allow(scope, key, limit) for key in keys):
                    return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
