"""Dates that carry legal weight for a projet de santé (domain.md §3). One function each."""

import datetime as dt
from calendar import monthrange
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

PARIS = ZoneInfo("Europe/Paris")
OPPOSITION_MONTHS = 2  # article L.1434-12 CSP


def add_months(start: dt.date, months: int) -> dt.date:
    """Date to date (de quantième à quantième); the month's last day when the day is missing
    (31 December + 2 months = 28/29 February), as dateutil's relativedelta(months=) counts,
    which the tests compare it with: written out, it is ten times cheaper, and a regional
    deadline list computes some 16 000 of them."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    day = start.day
    if day > 28:  # every month has 28 days: only later days may need the month's length
        day = min(day, monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.France(years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def opposition_deadline(received: dt.date, extend_to_working_day: bool | None = None) -> dt.date:
    """Last day on which the DG ARS may oppose a projet de santé received complete on `received`.

    Two months date to date. Pushing a weekend/holiday end to the next working day is not settled
    law for implicit decisions: the CPTS_EXTEND_DEADLINE_TO_WORKING_DAY setting, off by default.
    """
    if extend_to_working_day is None:
        extend_to_working_day = settings.CPTS_EXTEND_DEADLINE_TO_WORKING_DAY
    deadline = add_months(received, OPPOSITION_MONTHS)
    return next_working_day(deadline) if extend_to_working_day else deadline


def implicit_validation_date(deadline: dt.date) -> dt.date:
    """The PS is deemed validated from the day after the deadline."""
    return deadline + dt.timedelta(days=1)


def implicit_validation_start(deadline: dt.date) -> dt.datetime:
    """The instant the implicit validation arises: the day after the deadline, 00:00 Paris."""
    return dt.datetime.combine(implicit_validation_date(deadline), dt.time(0, 0), tzinfo=PARIS)


# --- Pre-ACI accompaniment (domain.md §4) ------------------------------------------------
# A funding rule kept here: the project's progress shows it as an indicative date, and the
# workflow may not import funding. The contract's dates are in funding/deadlines.py.

PRE_ACI_PS_MONTHS = 9  # avenant 2, annexe 6: PS to be deposited within 9 months
# Annexe 6 gives the 9 months, not the day they start from: the grant date is our reading.
PRE_ACI_START_TO_CONFIRM = (
    "Les 9 mois sont comptés depuis la date d'octroi de l'accompagnement : l'annexe 6 ne "
    "précise pas leur point de départ."
)


def pre_aci_ps_deadline(granted_on: dt.date) -> dt.date:
    """Date by which a CPTS funded by the pre-ACI accompaniment must deposit its PS."""
    return add_months(granted_on, PRE_ACI_PS_MONTHS)


# --- The LI receipt (domain.md §3: every receipt states when an implicit decision arises) ------
# No source we hold says what the ARS's silence on a lettre d'intention means. If CRPA L.231-1's
# general rule (two months of silence = acceptance) applies, this is the day it arises: shown on
# the receipt flagged *à confirmer*, never used by the workflow.
LI_SILENCE_MONTHS = 2


def li_implicit_decision_date(received: dt.date) -> dt.date:
    """Day the implicit decision on an LI received on `received` would arise (to confirm)."""
    return implicit_validation_date(add_months(received, LI_SILENCE_MONTHS))


# --- Missing items (CRPA L.114-5) ----------------------------------------------------------
# The ARS sets the date by which the leaders provide the items. No source sets a minimum or a
# maximum: these are input bounds (at least tomorrow, at most six months), not legal rules.
EARLIEST_REQUEST = dt.date(2019, 6, 20)  # ACI of 20 June 2019: no CPTS file before it
ITEMS_DUE_MIN = dt.timedelta(days=1)
ITEMS_DUE_MAX = dt.timedelta(days=183)
ITEMS_DUE_DEFAULT = dt.timedelta(days=30)  # proposed in the form


def items_due_bounds(requested_on: dt.date) -> tuple[dt.date, dt.date]:
    """Earliest and latest dates the ARS may give for missing items requested on a day."""
    return requested_on + ITEMS_DUE_MIN, requested_on + ITEMS_DUE_MAX
