"""What project leaders type or upload: RNA and PDF checks, with their French messages (the
SIRET's are in tests/common/test_validators.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import MAX_UPLOAD_BYTES, validate_pdf
from projects.validators import validate_rna
from tests.world import MINIMAL_PDF

pytestmark = pytest.mark.rules


@pytest.mark.parametrize("value", ["W123456789", "w123456789", " W 123 456 789 "])
def test_rna_is_w_and_nine_digits_whatever_the_case_and_spaces(value):
    validate_rna(value)  # raises ValidationError when refused


@pytest.mark.parametrize("value", ["", "W12345678", "W1234567890", "X123456789", "W12345678A"])
def test_other_rna_are_refused(value):
    with pytest.raises(ValidationError, match="W suivie de 9 chiffres"):
        validate_rna(value)


def test_a_pdf_is_judged_by_its_content_and_size():
    validate_pdf(SimpleUploadedFile("statuts.pdf", MINIMAL_PDF, "application/pdf"))
    disguised = SimpleUploadedFile("statuts.pdf", b"<html>", "application/pdf")
    with pytest.raises(ValidationError, match="doit être un PDF"):
        validate_pdf(disguised)
    too_big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError, match="10 Mo"):
        validate_pdf(too_big)
