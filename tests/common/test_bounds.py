"""The named limits: dates in their window, amounts finite and bounded, texts clean."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from common import bounds
from common.errors import UserError

pytestmark = pytest.mark.rules


@pytest.fixture
def today(monkeypatch):
    day = dt.date(2031, 5, 14)
    monkeypatch.setattr(bounds, "today", lambda: day)
    return day


def test_a_signature_lies_between_the_aci_and_today(today):
    assert bounds.SIGNATURE.problem(bounds.ACI_START) is None
    assert bounds.SIGNATURE.problem(today) is None
    assert "20/06/2019" in bounds.SIGNATURE.problem(dt.date(2019, 6, 19))
    assert "futur" in bounds.SIGNATURE.problem(today + dt.timedelta(days=1))
    assert bounds.SIGNATURE.problem(dt.date(9999, 12, 31)) is not None
    assert bounds.SIGNATURE.problem(dt.date(1, 1, 1)) is not None
    assert bounds.SIGNATURE.problem(None) == "Indiquez la date de signature (jour/mois/année)."


def test_a_committee_is_within_a_year_back_and_two_ahead(today):
    assert bounds.COMMITTEE.problem(today - dt.timedelta(days=366)) is None
    assert bounds.COMMITTEE.problem(today - dt.timedelta(days=367)) is not None
    assert bounds.COMMITTEE.problem(today + dt.timedelta(days=732)) is None
    assert "dépasser" in bounds.COMMITTEE.problem(today + dt.timedelta(days=733))


def test_a_window_judges_datetimes_by_their_day(today):
    noon = dt.datetime(2031, 5, 14, 12, tzinfo=dt.UTC)
    assert bounds.SIGNATURE.problem(noon) is None


def test_forms_get_a_validation_error_and_services_the_error_they_ask_for(today):
    class Refused(UserError):
        pass

    with pytest.raises(ValidationError, match="futur"):
        bounds.FIR_GRANT.validator(dt.date(2100, 1, 1))
    with pytest.raises(Refused):
        bounds.FIR_GRANT.require(dt.date(2015, 1, 1), Refused)
    assert bounds.FIR_GRANT.require(dt.date(2016, 1, 26)) == dt.date(2016, 1, 26)


def test_model_validators_name_their_window_so_migrations_stay_still(today):
    validator = bounds.DateValidator("GENERAL_ASSEMBLY")
    assert validator == bounds.DateValidator("GENERAL_ASSEMBLY")
    assert validator.deconstruct() == ("common.bounds.DateValidator", ("GENERAL_ASSEMBLY",), {})
    validator(dt.date(1901, 7, 1))
    with pytest.raises(ValidationError):
        validator(dt.date(1901, 6, 30))


@pytest.mark.parametrize(
    "amount", ["NaN", "sNaN", "Infinity", "-Infinity", "1e309", "0", "-5", "10000000.01", "0.001",
               "douze", ""],
)  # fmt: skip
def test_amounts_out_of_bounds_are_refused(amount):
    assert bounds.money_problem(amount) is not None
    with pytest.raises(UserError):
        bounds.require_money(amount)


def test_amounts_in_bounds_come_back_in_cents():
    assert bounds.require_money("35000") == Decimal("35000.00")
    assert bounds.require_money("0,01") == Decimal("0.01")
    assert bounds.require_money(bounds.MONEY_MAX) == bounds.MONEY_MAX
    assert bounds.require_money("0", allow_zero=True) == Decimal("0.00")


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * 201, "nul\x00", "ligne\r\nBcc: intrus@example.org", "a\nb"]
)
def test_one_line_texts_are_refused_when_empty_long_or_broken(text):
    with pytest.raises(UserError):
        bounds.require_text(text, "le nom")


def test_multiline_texts_keep_their_lines_but_never_a_nul():
    assert bounds.require_text(" a\r\nb ", "le message", multiline=True) == "a\r\nb"
    with pytest.raises(UserError):
        bounds.require_text("a\x00", "le message", multiline=True)
    with pytest.raises(ValidationError):
        bounds.single_line("a\nb")


def test_constraints_bound_dates_and_allow_null_when_asked():
    constraint = bounds.date_constraint("project", "ps_deadline", what="la date limite")
    assert constraint.name == "project_ps_deadline_bounded"
    assert "isnull" in str(constraint.condition)
    assert constraint.violation_error_message == (
        "La date limite doit se situer entre le 01/07/1901 et le 31/12/2100."
    )
    strict = bounds.date_constraint("x", "y", what="la date", nullable=False)
    assert "isnull" not in str(strict.condition)


def test_constraints_name_their_rule_in_french():
    population = bounds.range_constraint(
        "p", "population", 0, bounds.POPULATION_MAX, what="la population"
    )
    assert population.violation_error_message == (
        "La population doit se situer entre 0 et 20\u202f000\u202f000."
    )
    amount = bounds.money_constraint("g", "amount", what="le montant", allow_zero=True)
    assert amount.violation_error_message == (
        "Le montant doit être positif ou nul et ne pas dépasser 10\u202f000\u202f000 €."
    )
