"""The contract's life dates, one tested function each: renewal window, payment lateness,
evaluation opening."""

import datetime as dt

import pytest

from funding.deadlines import evaluation_dates, renewal_from
from funding.payments import late_after


@pytest.mark.rules
@pytest.mark.parametrize(
    "signed, opens",
    [
        (dt.date(2021, 9, 1), dt.date(2026, 3, 1)),
        (dt.date(2024, 2, 29), dt.date(2028, 8, 28)),  # five years end on 28 Feb 2029
        (dt.date(2019, 8, 31), dt.date(2024, 2, 29)),  # no 31 February: its last day
    ],
)
def test_renewal_opens_six_months_before_the_five_years(signed, opens):
    assert renewal_from(signed) == opens


@pytest.mark.rules
def test_a_payment_is_late_after_thirty_days():
    assert late_after(dt.date(2024, 1, 31)) == dt.date(2024, 3, 1)


@pytest.mark.rules
def test_evaluation_of_a_year_opens_at_the_anniversary_that_ends_it():
    assert evaluation_dates(dt.date(2023, 2, 6))[:2] == [dt.date(2024, 2, 6), dt.date(2025, 2, 6)]
