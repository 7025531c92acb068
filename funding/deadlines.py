"""Dates of an ACI contract's life (domain.md §6): one tested function each.

Counted date to date from the signature (`projects.deadlines.add_months`). The pre-ACI deadline
(9 months to deposit the projet de santé) stays in `projects.deadlines`: the project's progress
shows it as an indicative date, and the workflow layer may not import funding.
"""

import datetime as dt

from projects.deadlines import add_months

CONTRACT_YEARS = 5
# The sources say "each year" (crisis plan update, evaluation, then the balance), not on which
# day: we take the signature's anniversary, shown *à confirmer*.
ANNIVERSARY_TO_CONFIRM = (
    "Date fixée à l'anniversaire de la signature du contrat : aucune source ne précise ce jour."
)

# Mission code -> (start at the latest, fully deployed at the latest), in months after signature.
# Optional missions (qualite, accompagnement) have no deadline.
MISSION_DEADLINE_MONTHS = {
    "acces_soins": (6, 18),
    "crise_sanitaire": (6, 18),
    "parcours": (12, 24),
    "prevention": (12, 24),
}


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


# A renewal is prepared from this many months before the contract's end (*à confirmer*: the
# ACI says nothing; the time the three parties need to negotiate and sign the next contract).
RENEWAL_NOTICE_MONTHS = 6


def renewal_from(signed_on: dt.date) -> dt.date:
    """From this day the next contract may be prepared, and the renewal shows as due."""
    return add_months(contract_anniversary(signed_on, CONTRACT_YEARS + 1), -RENEWAL_NOTICE_MONTHS)
