"""Uploads: PDFs opened for real, anything that could run refused, the 10 MB cap enforced
while the body is received, names chosen by the server."""

import io
import re

import pytest
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from common.uploads import FORM_MARGIN_BYTES, MAX_UPLOAD_BYTES, CappedUploadHandler, validate_pdf
from projects.collaboration import Attachment
from projects.states import State
from tests.world import project_in_state


def pdf(mutate=None, password=None) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if mutate:
        mutate(writer, page)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind, **entries):
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind)}
        | {NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()}
    )


def link(target):
    return DictionaryObject({NameObject("/Subtype"): NameObject("/Link"), NameObject("/A"): target})


def set_open_action(value):
    def mutate(writer, page):
        writer._root_object[NameObject("/OpenAction")] = value

    return mutate


def page_entry(name, value):
    def mutate(writer, page):
        page[NameObject(name)] = value

    return mutate


def upload(content: bytes, name="statuts.pdf"):
    return SimpleUploadedFile(name, content, "application/pdf")


def head_comment(content: bytes, comment: bytes) -> bytes:
    """The same PDF with a comment line after its header: still a PDF for any reader."""
    header, rest = content.split(b"\n", 1)
    return header + b"\n%" + comment + b"\n" + rest


ACTIVE = {
    "javascript on open": lambda w, p: w.add_open_action(JavaScript("app.alert(1)")),
    "launch on open": set_open_action(action("/Launch", F="calc.exe")),
    "any action on open": set_open_action(action("/GoTo", D="p1")),
    "page additional action": page_entry(
        "/AA", DictionaryObject({NameObject("/O"): action("/JavaScript", JS="x")})
    ),
    "javascript in a link": page_entry("/Annots", ArrayObject([link(action("/JavaScript"))])),
    "launch in a link": page_entry("/Annots", ArrayObject([link(action("/Launch"))])),
    "embedded file": lambda w, p: w.add_attachment("facture.exe", b"MZ\x90\x00"),
}


@pytest.mark.parametrize("case", ACTIVE)
def test_pdfs_that_could_run_something_are_refused(case):
    with pytest.raises(ValidationError, match="contenu actif"):
        validate_pdf(upload(pdf(ACTIVE[case])))


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n",  # polyglot
        head_comment(pdf(), b"<html><script>alert(document.cookie)</script>"),  # valid PDF too
        b"%PDF-1.7\n" + b"\x00garbage" * 100,
        b"MZ\x90\x00 not a PDF at all",
        pdf(password="secret"),
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no page
    ],
    ids=["html-polyglot", "html-in-a-valid-pdf", "garbage", "executable", "encrypted", "empty"],
)
def test_unreadable_or_html_files_are_refused(content):
    with pytest.raises(ValidationError, match="doit être un PDF lisible"):
        validate_pdf(upload(content))


def test_a_plain_pdf_is_accepted_and_renamed_by_the_server():
    view_on_open = ArrayObject([NameObject("/Fit")])  # a destination, not an action
    file = upload(pdf(set_open_action(view_on_open)), name="../../etc/passwd.pdf")
    validate_pdf(file)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", file.name)


@pytest.mark.django_db
def test_a_stored_attachment_has_the_server_s_name(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project, leader, _ = project_in_state(State.LI_DEPOSEE)
    client.force_login(leader)
    url = reverse("projects:attachment_add", args=[project.pk])
    client.post(url, {"kind": "li", "title": "Carte", "file": upload(pdf(), "<mon fichier>.pdf")})
    stored = Attachment.objects.get().file.name
    assert re.fullmatch(r"attachments/\d{4}/[0-9a-f]{32}\.pdf", stored)
    refused = upload(pdf(ACTIVE["javascript on open"]))
    response = client.post(url, {"kind": "li", "title": "Script", "file": refused})
    assert "contenu actif" in response.content.decode() and Attachment.objects.count() == 1


@pytest.mark.django_db
def test_an_11_mb_body_is_refused_with_a_french_413_and_nothing_saved(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    project, leader, _ = project_in_state(State.LI_DEPOSEE)
    client.force_login(leader)
    big = upload(pdf() + b"%" * (11 * 1024 * 1024))
    response = client.post(
        reverse("projects:attachment_add", args=[project.pk]),
        {"kind": "li", "title": "Trop gros", "file": big},
    )
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.content.decode()
    assert not Attachment.objects.exists() and not any(tmp_path.iterdir())


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


def parse(file_size, rf):
    body = encode_multipart(BOUNDARY, {"file": upload(b"%PDF-" + b"x" * (file_size - 5))})
    stream = CountingStream(body)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body)),
    }
    request = rf.post("/")
    handlers = [CappedUploadHandler(request)]
    with pytest.raises(RequestDataTooBig):
        MultiPartParser(meta, stream, handlers).parse()
    return stream.read_bytes


def test_the_cap_stops_reading_the_body(rf):
    # Announced above the cap: not a byte read.
    assert parse(11 * 1024 * 1024, rf) == 0
    # Just above the cap, within the margin for the other fields: stopped at the cap.
    read = parse(MAX_UPLOAD_BYTES + FORM_MARGIN_BYTES // 2, rf)
    assert MAX_UPLOAD_BYTES < read <= MAX_UPLOAD_BYTES + 2 * 64 * 1024
