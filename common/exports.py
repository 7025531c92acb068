"""One way to export a table: CSV as French spreadsheets read it (`;`, UTF-8 with a BOM) or
XLSX, every text cell neutralised against formula injection."""

import tablib
from django.http import HttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
# A cell starting with one of these may run as a formula in a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """Text a person typed never runs as a spreadsheet formula; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def dataset(headers, rows) -> tablib.Dataset:
    """A dataset of `rows` (iterables of values), every text cell made inert."""
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append([inert(value) for value in row])
    return data


def render(data: tablib.Dataset, fmt: str) -> bytes:
    if fmt == "csv":
        return ("\ufeff" + data.export("csv", delimiter=";")).encode("utf-8")
    return data.export("xlsx")


def response(data: tablib.Dataset, fmt: str, name: str) -> HttpResponse:
    """The download of `data` as `name.fmt` (fmt in FORMATS)."""
    reply = HttpResponse(render(data, fmt), content_type=CONTENT_TYPES[fmt])
    reply["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return reply
