"""The one export helper: CSV for French spreadsheets, XLSX, formulas neutralised, streaming."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from common import exports

HEADERS = ["Nom", "Montant", "Date", "Vide"]
ROWS = [
    ["=1+1", Decimal("1234.50"), dt.date(2026, 5, 15), None],
    ['CPTS "Val"; nord', 3, dt.date(2026, 1, 2), None],
    ["-2+3", -4, None, "@SUM(A1)"],
]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheets read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_for_french_spreadsheets():
    reply = exports.response(exports.dataset(HEADERS, ROWS), "csv", "liste")
    assert reply["Content-Type"] == "text/csv; charset=utf-8"
    assert reply["Content-Disposition"] == 'attachment; filename="liste.csv"'
    assert reply.content.startswith("\ufeffNom;Montant;Date;Vide\r\n".encode())
    assert read_csv(reply.content) == [
        HEADERS,
        ["'=1+1", "1234.50", "2026-05-15", ""],
        ['CPTS "Val"; nord', "3", "2026-01-02", ""],
        ["'-2+3", "-4", "", "'@SUM(A1)"],  # numbers are numbers, not formulas
    ]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_every_formula_prefix_is_neutralised(text):
    assert exports.inert(text) == "'" + text
    assert exports.inert("CPTS " + text) == "CPTS " + text
    assert exports.inert(-1) == -1


def test_xlsx_opens_and_holds_the_rows():
    reply = exports.response(exports.dataset(HEADERS, ROWS), "xlsx", "liste")
    assert reply["Content-Disposition"] == 'attachment; filename="liste.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(reply.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(HEADERS)
    assert values[1][0] == "'=1+1" and sheet["A2"].data_type == "s"  # text, not a formula
    assert values[2][0] == 'CPTS "Val"; nord' and values[3][3] == "'@SUM(A1)"
    assert len(values) == 1 + len(ROWS)


def test_streamed_csv_is_the_same_file_read_lazily():
    produced = []

    def rows():
        for row in ROWS:
            produced.append(row)
            yield row

    reply = exports.stream_csv(HEADERS, rows(), "liste")
    assert reply["Content-Disposition"] == 'attachment; filename="liste.csv"'
    chunks = iter(reply.streaming_content)
    head = [next(chunks), next(chunks)]  # the header line and the first row
    assert len(produced) == 1  # rows are read while the file is written, not before
    full = exports.response(exports.dataset(HEADERS, ROWS), "csv", "liste").content
    assert b"".join([*head, *chunks]) == full
