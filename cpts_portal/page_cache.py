"""Whole-response cache for the busiest read pages: the dashboard, the project page, the API list.

One rule makes it honest: an entry is served only if nothing was written to the database since
it was rendered. Every SQL statement that writes (ORM, bulk update, raw SQL of the implicit
sweep, admin, migrations, sessions, in any process: web, Celery worker, shell) increments a
data version kept in the shared cache (Redis), once right after the statement and once after
its transaction commits. Each entry carries the version read *before* rendering; any later write
makes it unreachable. So a hit needs one round trip to Redis and nothing else: a logout deletes
the session (a write), a revoked key is an update (a write).

Entries are private: keyed by the session cookie (or API key) and the URL, so permissions and
CSRF tokens stay those of the request that rendered them. They also carry the moment they stop
being true without any write: the end of the Paris day (pages show "today"'s deadlines), the
session's expiry, a committee's start time (`valid_until`). Pages showing flash messages are not
stored. Enabled only with a cache shared by every process (CPTS_PAGE_CACHE, on with REDIS_URL,
off in DEBUG where templates change under the server): a per-process cache would miss the
worker's writes.
"""

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.auth import SESSION_KEY, user_logged_in
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

log = logging.getLogger(__name__)

VERSION_KEY = "page-cache:data-version"
# URL names whose GET responses are cached (each reviewed for what it depends on: the data,
# the person, the URL and the day; the project page also declares its committees' start).
CACHED_VIEWS = {"projects:list", "projects:detail", "api:project_list"}
API_VIEWS = {"api:project_list"}
SESSION_EXPIRES = "page_cache_session_expires"
MAX_AGE = 15 * 60  # seconds; bounds memory and the effect of writes made outside Django
# Statements that leave the data as it was. Anything else counts as a write.
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "SET", "SHOW")


def enabled() -> bool:
    return settings.CPTS_PAGE_CACHE


# --- The data version ------------------------------------------------------------------------


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    return version if version is not None else _restart_version()


def _restart_version() -> int:
    # Random, not 0: if Redis lost the key, entries written before must not match again.
    cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)
    return cache.get(VERSION_KEY)


def bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one invalidates every entry
        _restart_version()


def is_write(sql) -> bool:
    if not isinstance(sql, str):
        return True
    head = sql.lstrip()[:12]
    keyword = head.split(None, 1)[0].upper() if head else ""
    return keyword not in _READS


def _bump_after_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if is_write(sql):
        bump()
        connection = context["connection"]
        # Again at commit: a page rendered meanwhile read the version bumped above but the data
        # from before the commit. Once per transaction is enough.
        if connection.in_atomic_block and not any(
            func is bump for _sids, func, _robust in connection.run_on_commit
        ):
            transaction.on_commit(bump, using=connection.alias)
    return result


def watch_connection(sender, connection, **kwargs):
    if enabled() and _bump_after_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_bump_after_write)


def _settings_changed(**kwargs):
    if kwargs["setting"] != "CPTS_PAGE_CACHE" and enabled():  # tests override settings
        bump()


def _note_session_expiry(sender, request, user, **kwargs):
    """Sessions are not saved again on each request: their expiry is known at login only."""
    if request is not None and hasattr(request, "session"):
        expires = timezone.now() + dt.timedelta(seconds=request.session.get_expiry_age())
        request.session[SESSION_EXPIRES] = expires.isoformat()


connection_created.connect(watch_connection)
user_logged_in.connect(_note_session_expiry)
setting_changed.connect(_settings_changed)


# --- Entries ---------------------------------------------------------------------------------


def valid_until(request, moment: dt.datetime) -> None:
    """The page being rendered stops being true at `moment` (e.g. a committee starts)."""
    current = getattr(request, "_page_cache_until", None)
    request._page_cache_until = moment if current is None else min(current, moment)


def _end_of_day(now: dt.datetime) -> dt.datetime:
    today = timezone.localdate(now)
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))


def _identity(request, api: bool) -> str | None:
    """Whose page this is: the API key or the session cookie (checked when rendering)."""
    if api:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        return "key:" + _digest(key) if scheme.lower() == "bearer" and key else None
    if request.COOKIES.get("messages"):
        return None  # flash messages waiting: render them
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return "session:" + _digest(session_key) if session_key else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def lookup(request, view_name: str) -> HttpResponse | None:
    """The stored response if still true, else None (and the request is marked for storing)."""
    api = view_name in API_VIEWS
    identity = _identity(request, api)
    if identity is None:
        return None
    key = f"page-cache:{identity}:{_digest(request.get_host() + request.get_full_path())}"
    found = cache.get_many([VERSION_KEY, key])  # one round trip
    version = found.get(VERSION_KEY)
    if version is None:
        version = _restart_version()
    entry = found.get(key)
    now = timezone.now()
    if entry and entry["version"] == version and entry["rendered_at"] <= now < entry["until"]:
        response = HttpResponse(entry["content"], status=entry["status"])
        for header, value in entry["headers"]:
            response[header] = value
        response["X-Page-Cache"] = "hit"
        patch_vary_headers(response, ["Authorization" if api else "Cookie"])
        return response
    request._page_cache = (key, version, now)
    return None


def store(request, response) -> None:
    key, version, rendered_at = request._page_cache
    storage = getattr(request, "_messages", None)
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Content-Disposition")  # exports
        or (
            storage is not None
            and (storage._queued_messages or getattr(storage, "_loaded_data", None))
        )
    ):
        return
    until = _end_of_day(rendered_at)
    if key.startswith("page-cache:session:"):
        expires = request.session.get(SESSION_EXPIRES)
        if request.session.get(SESSION_KEY) is None or expires is None:
            return
        until = min(until, dt.datetime.fromisoformat(expires))
    declared = getattr(request, "_page_cache_until", None)
    if declared is not None:
        until = min(until, declared)
    seconds = min(MAX_AGE, int((until - rendered_at).total_seconds()))
    if seconds <= 0:
        return
    entry = {
        "version": version,
        "rendered_at": rendered_at,
        "until": until,
        "status": response.status_code,
        "headers": [(h, v) for h, v in response.items() if h != "X-Page-Cache"],
        "content": response.content,
    }
    cache.set(key, entry, timeout=seconds)
    response["X-Page-Cache"] = "miss"


class PageCacheMiddleware:
    """Serves `CACHED_VIEWS` from the cache before the view runs; stores what they render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_page_cache", None) is not None:
            try:
                store(request, response)
            except Exception:  # the page was rendered: serve it even if it cannot be kept
                log.exception("page cache store failed")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not enabled() or request.method != "GET":
            return None
        view_name = request.resolver_match.view_name
        if view_name not in CACHED_VIEWS:
            return None
        try:
            return lookup(request, view_name)
        except Exception:  # the cache is an optimisation: without it, render
            log.exception("page cache lookup failed")
            request._page_cache = None
            return None
