"""What every API router shares: bounded page-number pagination and plain output rows."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
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
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.rows is not None:
            page["items"] = self.rows(list(page["items"]))
        return page


class Out(BaseModel):
    """Output rows validated by pydantic alone (from dicts or attributes, no resolvers)."""

    model_config = ConfigDict(from_attributes=True)
