import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from projects.deadlines import (
    add_months,
    implicit_validation_date,
    implicit_validation_start,
    is_working_day,
    opposition_deadline,
)

pytestmark = pytest.mark.rules


def every_day(year):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2023, 2024])  # a non-leap and a leap year
def test_every_day_of_the_year_matches_date_to_date_counting(year):
    for received in every_day(year):
        # relativedelta clamps to the month's last day: an independent implementation.
        assert opposition_deadline(received, False) == received + relativedelta(months=2), received


@pytest.mark.parametrize("year", [2023, 2024])
def test_every_day_of_the_year_follows_the_rule_as_written(year):
    # domain.md §3 word for word: the same day two months on, or that month's last day.
    for received in every_day(year):
        first = (received.replace(day=1) + dt.timedelta(days=62)).replace(day=1)  # 2 months on
        month = [first + dt.timedelta(days=n) for n in range(31)]
        same_or_last = max(d for d in month if d.month == first.month and d.day <= received.day)
        assert opposition_deadline(received, False) == same_or_last, received


@pytest.mark.parametrize(
    "received, deadline",
    [
        (dt.date(2026, 3, 15), dt.date(2026, 5, 15)),
        (dt.date(2023, 12, 31), dt.date(2024, 2, 29)),  # leap year: 29 February
        (dt.date(2024, 12, 31), dt.date(2025, 2, 28)),
        (dt.date(2024, 12, 30), dt.date(2025, 2, 28)),
        (dt.date(2023, 12, 30), dt.date(2024, 2, 29)),
        (dt.date(2026, 7, 31), dt.date(2026, 9, 30)),
        (dt.date(2026, 11, 30), dt.date(2027, 1, 30)),
        (dt.date(2026, 12, 1), dt.date(2027, 2, 1)),
    ],
)
def test_known_deadlines(received, deadline):
    assert opposition_deadline(received, extend_to_working_day=False) == deadline


def test_setting_is_off_by_default(settings):
    received = dt.date(2026, 3, 16)  # deadline Saturday 16 May 2026
    assert dt.date(2026, 5, 16).weekday() == 5
    assert opposition_deadline(received) == dt.date(2026, 5, 16)
    settings.CPTS_EXTEND_DEADLINE_TO_WORKING_DAY = True
    assert opposition_deadline(received) == dt.date(2026, 5, 18)


def test_extension_skips_public_holidays():
    # 1 May 2025 (Thursday) is the fête du Travail: next working day Friday 2 May.
    assert opposition_deadline(dt.date(2025, 3, 1), extend_to_working_day=True) == dt.date(
        2025, 5, 2
    )
    # 14 July 2024 is a Sunday and a holiday; Monday 15 is worked.
    assert opposition_deadline(dt.date(2024, 5, 14), extend_to_working_day=True) == dt.date(
        2024, 7, 15
    )
    assert not is_working_day(dt.date(2025, 12, 25))


def test_implicit_validation_starts_the_next_day_at_midnight_paris():
    start = implicit_validation_start(dt.date(2026, 5, 15))
    assert start == dt.datetime(2026, 5, 16, 0, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert start.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert implicit_validation_start(dt.date(2026, 1, 15)).utcoffset() == dt.timedelta(hours=1)
    assert implicit_validation_date(dt.date(2024, 2, 29)) == dt.date(2024, 3, 1)


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31))


@given(dates)
def test_deadline_is_two_calendar_months_later(received):
    deadline = opposition_deadline(received, extend_to_working_day=False)
    months = (deadline.year - received.year) * 12 + deadline.month - received.month
    assert months == 2
    assert deadline.day == received.day or (
        deadline.day < received.day and (deadline + dt.timedelta(days=1)).day == 1
    )
    assert 59 <= (deadline - received).days <= 62


@given(dates)
def test_deadline_never_earlier_for_a_later_receipt(received):
    later = received + dt.timedelta(days=1)
    assert opposition_deadline(later, False) >= opposition_deadline(received, False)


@given(dates)
def test_extended_deadline_is_the_first_working_day_on_or_after(received):
    raw = opposition_deadline(received, extend_to_working_day=False)
    extended = opposition_deadline(received, extend_to_working_day=True)
    assert extended >= raw and is_working_day(extended)
    day = raw
    while day < extended:
        assert not is_working_day(day)
        day += dt.timedelta(days=1)


# --- The pre-ACI deadline (the contract's dates: tests/funding/test_deadlines.py) ----------

from projects.deadlines import pre_aci_ps_deadline  # noqa: E402


def test_pre_aci_projet_de_sante_within_nine_months():
    assert pre_aci_ps_deadline(dt.date(2026, 1, 15)) == dt.date(2026, 10, 15)
    assert pre_aci_ps_deadline(dt.date(2027, 5, 31)) == dt.date(2028, 2, 29)


@given(dates, st.integers(min_value=-120, max_value=120))
def test_add_months_counts_as_relativedelta_does(start, months):
    assert add_months(start, months) == start + relativedelta(months=months)
