"""What every API router shares: bounded page-number pagination and plain output rows."""

import datetime as dt
import json
from functools import wraps

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
        items = list(queryset[offset : offset + page_size])
        # A page neither full nor empty is the last one: it gives the count without a query.
        count = offset + len(items) if 0 < len(items) < page_size else self._items_count(queryset)
        if self.rows is not None:
            items = self.rows(items)
        return {"items": items, "count": count}


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
            page = paginated(request, **kwargs)
            return HttpResponse(
                json.dumps(page, cls=ApiJSONEncoder), content_type="application/json; charset=utf-8"
            )

        return respond

    return decorator


class Out(BaseModel):
    """Output rows validated by pydantic alone (from dicts or attributes, no resolvers)."""

    model_config = ConfigDict(from_attributes=True)
