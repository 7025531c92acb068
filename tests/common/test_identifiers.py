"""RPPS and FINESS numbers of the CPTS's members (common.validators)."""

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from common.validators import validate_finess, validate_rpps

pytestmark = pytest.mark.rules


@pytest.mark.parametrize("body", ["1000123456", "1012345678", "8000000001"])
def test_rpps_with_its_luhn_key(body):
    number = body + luhn.calc_check_digit(body)
    assert validate_rpps(number) == number
    assert validate_rpps(f" {number[:5]} {number[5:]} ") == number  # spaces as typed


@pytest.mark.parametrize("value", ["10001234567", "1000123456", "100012345650", "1000123456A", ""])
def test_rpps_refused(value):
    with pytest.raises(ValidationError):
        validate_rpps(value)


@pytest.mark.parametrize("value, stored", [("330781196", "330781196"), ("2a0000010", "2A0000010")])
def test_finess(value, stored):
    assert validate_finess(value) == stored


@pytest.mark.parametrize("value", ["33078119", "3307811961", "2C0000010", "AB0000010", ""])
def test_finess_refused(value):
    with pytest.raises(ValidationError):
        validate_finess(value)
