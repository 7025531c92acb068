"""What every API router shares: the organisation key and bounded page-number pagination."""

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer

from accounts import tokens

MAX_PAGE = 10_000  # keeps OFFSET within what PostgreSQL accepts whatever a client sends
MAX_PAGE_SIZE = 200


class OrganisationToken(HttpBearer):
    """`Authorization: Bearer cpts_…`: the request acts for the key's organisation."""

    def authenticate(self, request: HttpRequest, token: str):
        return tokens.authenticate(token)


class Pages(PageNumberPagination):
    """Page numbers with bounds, so that a huge page never reaches the database as an error."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=MAX_PAGE_SIZE, **kwargs)


def acting_organisation(request):
    """The organisation the request acts for (the key checked by `OrganisationToken`)."""
    return request.auth.organisation


class DepartementOut(Schema):
    code: str
    name: str


class CommuneOut(Schema):
    insee: str
    name: str
