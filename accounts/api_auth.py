"""API authentication: `Authorization: Bearer cpts_…`, a key of one organisation."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from . import tokens


class OrganisationToken(HttpBearer):
    """`Authorization: Bearer cpts_…`: the request acts for the key's organisation."""

    def authenticate(self, request: HttpRequest, token: str):
        return tokens.authenticate(token)


def acting_organisation(request):
    """The organisation the request acts for (the key checked by `OrganisationToken`)."""
    return request.auth.organisation
