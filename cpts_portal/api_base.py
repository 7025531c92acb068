"""What every API router shares: the organisation key and bounded page-number pagination."""

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer
from pydantic import BaseModel, ConfigDict

from accounts import tokens

MAX_PAGE = 10_000  # keeps OFFSET within what PostgreSQL accepts whatever a client sends
MAX_PAGE_SIZE = 200


class OrganisationToken(HttpBearer):
    """`Authorization: Bearer cpts_…`: the request acts for the key's organisation."""

    def authenticate(self, request: HttpRequest, token: str):
        return tokens.authenticate(token)


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


def acting_organisation(request):
    """The organisation the request acts for (the key checked by `OrganisationToken`)."""
    return request.auth.organisation


class Out(BaseModel):
    """Output rows validated by pydantic alone (from dicts or attributes, no resolvers)."""

    model_config = ConfigDict(from_attributes=True)


class DepartementOut(Out):
    code: str
    name: str


class CommuneOut(Out):
    insee: str
    name: str
