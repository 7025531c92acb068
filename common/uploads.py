"""Uploaded files: the size cap enforced while the body is received, PDFs opened for real and
refused when they could run something, stored under a name the server chooses."""

import logging
import re
import uuid

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The other fields of an upload form and the multipart framing, on top of the file.
FORM_MARGIN_BYTES = 256 * 1024
TOO_LARGE = "Le fichier dépasse 10 Mo."
NOT_PDF = "Le fichier doit être un PDF lisible (non protégé par un mot de passe)."
ACTIVE = "Ce PDF contient du contenu actif ({}) : enregistrez-le sans script ni pièce jointe."

# Keys that run something or carry other files (PDF 32000-1 §12.6, §7.11.4).
FORBIDDEN_KEYS = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/AA",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/RichMedia",
}
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
# What browsers sniff as HTML in the first bytes (the file is served with nosniff anyway).
HTML_START = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg)\b", re.IGNORECASE)
SNIFF_BYTES = 1024
MAX_OBJECTS = 200_000


class CappedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuses a body announced above the cap before reading
    any of it, and stops a file at the cap while receiving it, before the next handlers keep
    anything in memory or on disk. Django answers 413 (`cpts_portal.errors.bad_request`)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > MAX_UPLOAD_BYTES + FORM_MARGIN_BYTES:
            raise RequestDataTooBig(TOO_LARGE)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            raise RequestDataTooBig(TOO_LARGE)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def active_content(reader: PdfReader) -> str | None:
    """The first key or action that would run something or carry a file, else None. Walks
    every object reachable from the trailer (streams' dictionaries, not their data)."""
    seen, stack = set(), [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            if len(seen) > MAX_OBJECTS:
                return "structure trop complexe"
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            found = FORBIDDEN_KEYS.intersection(obj.keys())
            if found:
                return min(found)
            if obj.get("/S") in FORBIDDEN_ACTIONS:
                return str(obj["/S"])
            if isinstance(obj.get("/OpenAction"), DictionaryObject):  # an action, not a view
                return "/OpenAction"
            stack.extend(dict.values(obj))  # raw values: indirect objects stay references
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))  # raw items too
    return None


def validate_pdf(upload) -> None:
    """Judge the file by its content, never its name or the browser's content type, then name
    it on the server (the client's name is never stored)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not head.startswith(b"%PDF-") or HTML_START.search(head):
        raise ValidationError(NOT_PDF)
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        readable = not reader.is_encrypted and len(reader.pages) > 0
        found = readable and active_content(reader)
    except Exception as error:  # a parser of untrusted bytes fails in many ways: all mean "no"
        logger.info("unreadable PDF refused: %r", error)
        readable = False
    finally:
        upload.seek(0)
    if not readable:
        raise ValidationError(NOT_PDF)
    if found:
        raise ValidationError(ACTIVE.format(found))
    upload.name = f"{uuid.uuid4().hex}.pdf"
