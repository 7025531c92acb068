"""One way to export a table: CSV as French spreadsheets read it (`;`, UTF-8 with a BOM) or
XLSX, every text cell neutralised against formula injection."""

import csv

import tablib
from django.http import HttpResponse, StreamingHttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
# A cell starting with one of these may run as a formula in a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel and LibreOffice in French split on `;` and read UTF-8 only when the file opens with a BOM.
DELIMITER = ";"
BOM = "\ufeff"


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


class _Echo:
    """A file whose write() returns the line: csv.writer then hands each line back."""

    def write(self, line):
        return line


def csv_lines(headers, rows):
    """The CSV text, line by line (the BOM first), every cell made inert; None is empty."""
    writer = csv.writer(_Echo(), delimiter=DELIMITER)
    yield BOM + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([inert(value) for value in row])


def render(data: tablib.Dataset, fmt: str) -> bytes:
    if fmt == "csv":
        return "".join(csv_lines(data.headers, data)).encode("utf-8")
    return data.export("xlsx")


def _attachment(reply, filename: str):
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply


def response(data: tablib.Dataset, fmt: str, name: str) -> HttpResponse:
    """The download of `data` as `name.fmt` (fmt in FORMATS)."""
    return _attachment(
        HttpResponse(render(data, fmt), content_type=CONTENT_TYPES[fmt]), f"{name}.{fmt}"
    )


def stream_csv(headers, rows, name: str) -> StreamingHttpResponse:
    """The CSV download `name.csv`, written while `rows` (any iterable, e.g. a generator reading
    the database in chunks) is read: memory stays flat whatever the number of rows."""
    lines = (line.encode("utf-8") for line in csv_lines(headers, rows))
    return _attachment(
        StreamingHttpResponse(lines, content_type=CONTENT_TYPES["csv"]), f"{name}.csv"
    )
