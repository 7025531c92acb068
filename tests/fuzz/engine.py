"""The typed fuzzer: finds every form of the portal by walking the URL conf as each person,
then submits it again and again, one field at a time set to an extreme value of its type.

Each submission runs in a savepoint rolled back afterwards, so every mutation meets the same
world. A submission fails the run when it answers 500 (or raises), when it is refused (form
errors, an error message, a 4xx) yet the database changed, or when it stored a value outside
the bounds of `common.bounds`.
"""

import traceback
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.messages import constants
from django.db import connection, models, transaction
from django.urls import Resolver404, resolve

from common import bounds
from tests.cpts_portal.test_url_matrix import TOKEN_ONLY, concrete_urls, url_patterns

from .htmlforms import Form, page_forms
from .values import extremes, plausible

APPS = ("accounts", "projects", "funding", "audit", "outbox", "reminders", "territories")
# Never submitted: they end the session or replace a secret the other requests need.
SKIPPED_ROUTES = {"logout", "reminders:regenerate_feed", "admin"}
# Query parameters read by the views (request.GET) and the filters; every page gets them all.
QUERY_NAMES = (
    "next", "q", "codes", "departement", "horizon", "_export", "page", "sort", "state",
    "deadline_within", "taille", "hand", "name", "after", "year", "size", "members",
    "signature_date",
)  # fmt: skip
QUERY_VALUES = ("x" * 100_000 + "\x00", "99999999999", "-1")
TEXT_STORED_MAX = 20_000  # the longest section of a file (projects.forms.SECTION_MAX)
INT_STORED_MAX = bounds.POPULATION_MAX


def watched_models():
    every = apps.get_models(include_auto_created=True)  # many-to-many tables included
    return [m for m in every if m._meta.app_label in APPS and not m._meta.proxy]


def checksum() -> dict[str, str]:
    """A digest of every row of the portal's tables, per model, in one query."""
    quote = connection.ops.quote_name
    parts = []
    for model in watched_models():
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        if connection.vendor == "postgresql":
            rows = f"md5(coalesce(string_agg(t::text, '|' ORDER BY t.{pk}), ''))"
        else:
            cols = "||','||".join(f"quote(t.{quote(f.column)})" for f in model._meta.local_fields)
            rows = f"coalesce(group_concat({cols}, '|'), '')"
        parts.append(f"SELECT '{model._meta.label}', {rows} FROM {table} t")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def out_of_bounds(labels) -> list[str]:
    """Stored values no page should ever have to show, in the models named."""
    lo, hi = bounds.STORED_DATES
    problems = []
    for label in labels:
        model = apps.get_model(label)
        if model._meta.app_label in ("audit", "outbox"):
            continue  # their text is copies of what the checks below judge
        for f in model._meta.concrete_fields:
            for value in model._default_manager.values_list(f.attname, flat=True):
                if not _stored_ok(f, value, lo, hi):
                    problems.append(f"{label}.{f.name} = {str(value)[:60]!r}")
    return problems


def _stored_ok(f, value, lo, hi) -> bool:
    if value is None:
        return True
    if isinstance(f, models.DateTimeField):
        return lo <= value.date() <= hi
    if isinstance(f, models.DateField):
        return lo <= value <= hi
    if isinstance(f, models.DecimalField):
        return Decimal(value).is_finite() and abs(value) <= bounds.MONEY_MAX * 1000
    if isinstance(f, models.IntegerField):
        return abs(value) <= INT_STORED_MAX
    if isinstance(f, models.CharField | models.TextField) and isinstance(value, str):
        limit = f.max_length or TEXT_STORED_MAX
        return len(value) <= limit and "\x00" not in value
    return True


def refused(response) -> bool:
    """The portal said no: a 4xx, a form shown again, or an error message."""
    if 400 <= response.status_code < 500 or response.status_code == 200:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(m.level >= constants.ERROR for m in queued)


@dataclass
class Fuzzer:
    client: object
    failures: list[tuple[str, str]] = field(default_factory=list)  # (route name, what)
    submissions: int = 0
    refused_baselines: list[str] = field(default_factory=list)
    seen: set = field(default_factory=set)
    queried: set = field(default_factory=set)

    def pages(self, ids) -> list[str]:
        urls = []
        for name, pattern in url_patterns():
            if TOKEN_ONLY.match(name) or name in SKIPPED_ROUTES:
                continue
            urls.extend(concrete_urls(pattern, ids))
        return urls

    def forms_of(self, url: str, who: str) -> list[Form]:
        page = self._request(f"{who} GET {url}", "", url, lambda: self.client.get(url))
        if page is None or page.status_code != 200:
            return []
        self.fuzz_query(url, who)
        if page.streaming:
            return []
        if "html" not in page.get("Content-Type", ""):
            return []
        return page_forms(page.content.decode(), "http://testserver" + url)

    def fuzz_page(self, url: str, who: str) -> None:
        for form in self.forms_of(url, who):
            if (who, form.signature) in self.seen or _skipped(form):
                continue
            # The first person to see a form gets every extreme; the others, who reach the
            # same code with other rights, the first extreme of each field.
            every = not any(signature == form.signature for _, signature in self.seen)
            self.seen.add((who, form.signature))
            self.fuzz_form(form, who, every)

    def fuzz_query(self, url: str, who: str) -> None:
        """Every query parameter the views read, at once, at the extremes (never a 500); once
        per route, as the first person it answers."""
        route = resolve(url).view_name
        if route in self.queried:
            return
        self.queried.add(route)
        for value in QUERY_VALUES:
            query = dict.fromkeys(QUERY_NAMES, value)
            label = f"{who} GET {url} ?…={_short(value)}"
            response = self._request(label, "", url, lambda q=query: self.client.get(url, q))
            if response is not None and response.streaming:
                b"".join(response.streaming_content)  # a streamed export fails while streamed

    def fuzz_form(self, form: Form, who: str, every: bool = True) -> None:
        base = form.baseline()
        for f in form.fields.values():
            if base.get(f.name) in ("", []) and f.kind != "hidden":
                if f.kind != "checkbox" or f.required or f.multiple:
                    base[f.name] = plausible(f)
        if self.submit(form, base, who, "baseline"):
            self.refused_baselines.append(f"{who} {form.method} {form.action}")
        for f in form.fields.values():
            for value in extremes(f) if every else extremes(f)[:1]:
                self.submit(form, {**base, f.name: value}, who, f"{f.name}={_short(value)}")

    def submit(self, form: Form, data: dict, who: str, what: str) -> bool:
        """Whether the portal refused the submission."""
        path = form.action.removeprefix("http://testserver")
        data = {k: _rewound(v) for k, v in data.items()}
        self.submissions += 1
        label = f"{who} {form.method.upper()} {path} {what}"
        with transaction.atomic():
            before = checksum()
            if form.method == "post":
                response = self._request(label, "", path, lambda: self.client.post(path, data))
            else:
                query = {k: v for k, v in data.items() if not hasattr(v, "read")}
                response = self._request(label, "", path, lambda: self.client.get(path, query))
            if response is not None:
                try:
                    self._judge(label, form, response, before)
                except Exception as exc:  # a broken transaction, or a value Python cannot read
                    self._fail(label, f"{label}: after the answer, {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)
        return response is None or (form.method == "post" and refused(response))

    def _judge(self, label, form, response, before) -> None:
        after = checksum()
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return
        if form.method == "get":
            self._fail(label, f"{label}: a GET wrote to {changed}")
        elif refused(response):
            self._fail(label, f"{label}: refused ({response.status_code}) but wrote {changed}")
        for problem in out_of_bounds(changed):
            self._fail(label, f"{label}: stored {problem}")

    def _fail(self, label: str, what: str) -> None:
        path = label.split(" ")[2]
        try:
            route = resolve(path.split("?")[0]).view_name
        except Resolver404:
            route = "?"
        self.failures.append((route, what))

    def _request(self, label, method, path, send):
        try:
            response = send()
        except Exception as exc:  # a 500: the client re-raises what the view raised
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self._fail(
                label,
                f"{label} {method}: 500 {type(exc).__name__}: {str(exc)[:120]} "
                f"({where.filename.split('/wt/')[-1]}:{where.lineno})",
            )
            return None
        if response.status_code == 500:
            self._fail(label, f"{label} {method}: {response.status_code}")
            return None
        return response


def _skipped(form: Form) -> bool:
    return any(part in form.action for part in ("/logout/", "/admin/"))


def _rewound(value):
    if hasattr(value, "seek"):
        value.seek(0)
    return value


def _short(value) -> str:
    if hasattr(value, "name"):
        return f"<fichier {value.name}>"
    text = repr(value)
    return text if len(text) < 40 else text[:30] + f"…({len(value)})"
