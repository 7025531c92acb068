"""Dates that carry legal weight for a projet de santé (domain.md §3). One function each."""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings

PARIS = ZoneInfo("Europe/Paris")
OPPOSITION_MONTHS = 2  # article L.1434-12 CSP


def add_months(start: dt.date, months: int) -> dt.date:
    """Date to date (de quantième à quantième); the month's last day when the day is missing
    (relativedelta clamps to the end of the month: 31 December + 2 months = 28/29 February)."""
    return start + relativedelta(months=months)


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


# --- Deadlines after the projet de santé and the ACI contract (domain.md §2, §4) -----------

PRE_ACI_PS_MONTHS = 9  # avenant 2, annexe 6: PS to be deposited within 9 months
CONTRACT_YEARS = 5

# Mission code -> (start at the latest, fully deployed at the latest), in months after signature.
# Optional missions (qualite, accompagnement) have no deadline.
MISSION_DEADLINE_MONTHS = {
    "acces_soins": (6, 18),
    "crise_sanitaire": (6, 18),
    "parcours": (12, 24),
    "prevention": (12, 24),
}


def pre_aci_ps_deadline(granted_on: dt.date) -> dt.date:
    """Date by which a CPTS funded by the pre-ACI accompaniment must deposit its PS."""
    return add_months(granted_on, PRE_ACI_PS_MONTHS)


def mission_start_deadline(signed_on: dt.date, mission: str) -> dt.date | None:
    months = MISSION_DEADLINE_MONTHS.get(mission)
    return add_months(signed_on, months[0]) if months else None


def mission_deployment_deadline(signed_on: dt.date, mission: str) -> dt.date | None:
    months = MISSION_DEADLINE_MONTHS.get(mission)
    return add_months(signed_on, months[1]) if months else None


def contract_anniversary(signed_on: dt.date, year: int) -> dt.date:
    """Start of contract year `year` (1 = the signature date)."""
    return add_months(signed_on, 12 * (year - 1))


def contract_end(signed_on: dt.date) -> dt.date:
    """Last day covered by the 5-year ACI contract."""
    return contract_anniversary(signed_on, CONTRACT_YEARS + 1) - dt.timedelta(days=1)


def evaluation_dates(signed_on: dt.date) -> list[dt.date]:
    """The yearly evaluation falls at the end of each contract year (its anniversary)."""
    return [contract_anniversary(signed_on, year + 1) for year in range(1, CONTRACT_YEARS + 1)]


def crisis_plan_dates(signed_on: dt.date) -> list[dt.date]:
    """The crisis action plan is due within the first year, then updated every year."""
    return evaluation_dates(signed_on)
