"""API output rows of the reference data."""

from common.api import Out


class DepartementOut(Out):
    code: str
    name: str


class CommuneOut(Out):
    insee: str
    name: str
