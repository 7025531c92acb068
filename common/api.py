"""What every API router shares: bounded page-number pagination and plain output rows."""

import datetime as dt
import json
from functools import wraps

from django.core.exceptions import FullResultSet
from django.db.models import CharField, Expression, Func, IntegerField
from django.http import HttpResponse
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel, ConfigDict

MAX_PAGE = 10_000  # keeps OFFSET within what PostgreSQL accepts whatever a client sends
MAX_PAGE_SIZE = 200


class Pages(PageNumberPagination):
    """Page numbers with bounds, so that a huge page never reaches the database as an error.

    `rows`, if given, turns the page's items (e.g. `.values()` dicts) into output rows in bulk:
    building plain dicts is several times cheaper than serialising model instances."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, rows=None, **kwargs):
        self.rows = rows
        super().__init__(page_size=50, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        if self.rows is not None:
            return self._rows_page(queryset, offset, page_size)
        items = list(queryset[offset : offset + page_size])
        # A page neither full nor empty is the last one: it gives the count without a query.
        count = offset + len(items) if 0 < len(items) < page_size else self._items_count(queryset)
        return {"items": items, "count": count}

    def _rows_page(self, queryset, offset, page_size):
        """`.values()` rows, each with the count of them all: one query instead of two (the
        count query cost more to compile than the database took to answer it)."""
        if isinstance(queryset, Listing):
            items, count = queryset.page(offset, page_size)
            return {"items": self.rows(items), "count": count}
        counted = queryset.annotate(_count=CountOfAll())
        items = list(counted[offset : offset + page_size])
        if items:
            count = items[0]["_count"]
        else:  # past the last row: nothing carries the count
            count = 0 if offset == 0 else self._items_count(queryset)
        return {"items": self.rows(items), "count": count}


class Listing:
    """Rows read without a queryset (plain SQL), which an operation paginated with
    `paginated_rows` may return instead of one."""

    def page(self, offset: int, limit: int) -> tuple[list[dict], int]:
        """The rows from `offset`, at most `limit` of them, and how many there are in all."""
        raise NotImplementedError


class CountOfAll(Expression):
    """How many rows the query has, as a column computed once: its own FROM and WHERE in a
    scalar subquery (the same names, shadowed inside it). Unlike `COUNT(*) OVER ()`, it lets
    the database stop at the page's last row (an index in the order) and compute the selected
    expressions for the page's rows only; unlike a `Subquery` of the queryset, it costs no
    second queryset to build, relabel and compile."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection):
        query = compiler.query
        if query.distinct or query.group_by or query.combinator:
            raise NotImplementedError("rows counted as filtered, not grouped nor combined")
        tables, params = compiler.get_from_clause()
        try:
            where, where_params = compiler.compile(query.where)
        except FullResultSet:
            where, where_params = "", []
        else:
            where = f" WHERE {where}"
        return f"(SELECT COUNT(*) FROM {' '.join(tables)}{where})", [*params, *where_params]

    def get_db_converters(self, connection):
        return []  # an integer already: no converter to call on each row


def json_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


class UtcText(Func):
    """A timestamp as its UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]", which `json_time` turns
    into the JSON text Django writes. The database's own text output is the cheapest form to
    read: loading aware datetimes (Django's time zone loader is pure Python) cost more than the
    rest of a row, and formatting them with `to_char` cost PostgreSQL more than the whole rest
    of the query, for every row it sorts, not just the page's."""

    output_field = CharField()

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.source_expressions[0])
        return utc_text(connection, column), params


def utc_text(connection, column: str) -> str:
    """SQL for `column`'s UTC text (see `UtcText`)."""
    if connection.vendor == "sqlite":
        # Stored so, as Django writes it; the cast keeps sqlite3 from reading a datetime.
        return f"CAST({column} AS TEXT)"
    return f"({column} AT TIME ZONE 'UTC')::text"  # PostgreSQL, ISO DateStyle (psycopg's too)


def json_time(text: str | None) -> str | None:
    """`UtcText`'s text as Django's JSON encoder writes the time (`ApiJSONEncoder`): "T",
    milliseconds (truncated) only if there are microseconds, "Z". PostgreSQL drops the
    fraction's trailing zeros: ".5" is 500 ms."""
    if text is None:
        return None
    if len(text) == 19:
        return f"{text[:10]}T{text[11:]}Z"
    return f"{text[:10]}T{text[11:19]}.{text[20:23]:0<3}Z"


class ApiJSONEncoder(NinjaJSONEncoder):
    """ninja's JSON encoder (hence Django's formats), dates and times looked up first: the
    same text, without walking through six `isinstance` for each date of each row."""

    def default(self, o):
        kind = type(o)
        if kind is dt.date:
            return o.isoformat()
        if kind is dt.datetime:  # Django's format: milliseconds, "Z" for UTC
            r = o.isoformat()
            if o.microsecond:
                r = r[:23] + r[26:]
            return r[:-6] + "Z" if r.endswith("+00:00") else r
        return super().default(o)


class ApiRenderer(JSONRenderer):
    encoder_class = ApiJSONEncoder


def paginated_rows(rows):
    """`@paginate(Pages, rows=rows)` whose page is written as JSON at once.

    The rows are built from exactly the columns they show, in the order of the operation's
    output schema: validating them again field by field with pydantic, then dumping them back
    to Python objects, cost more than reading them. The declared schema (and so the OpenAPI
    document) is the same; tests compare the answer with the schema's, byte for byte."""

    def decorator(view):
        paginated = paginate(Pages, rows=rows)(view)

        @wraps(paginated)
        def respond(request, **kwargs):
            return as_json(paginated(request, **kwargs))

        return respond

    return decorator


def as_json(data) -> HttpResponse:
    """`data` written as ninja would write it once validated: rows built for their schema
    (dates and times already as text: `json_date`, `json_time`)."""
    return HttpResponse(
        json.dumps(data, cls=ApiJSONEncoder), content_type="application/json; charset=utf-8"
    )


class Out(BaseModel):
    """Output rows validated by pydantic alone (from dicts or attributes, no resolvers)."""

    model_config = ConfigDict(from_attributes=True)
