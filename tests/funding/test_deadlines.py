"""The dates of an ACI contract's life, counted from the signature (no database)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funding.deadlines import (
    contract_anniversary,
    contract_end,
    crisis_plan_dates,
    evaluation_dates,
    mission_deployment_deadline,
    mission_start_deadline,
)

pytestmark = pytest.mark.rules
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31))


@pytest.mark.parametrize(
    "mission, start, deployed",
    [
        ("acces_soins", dt.date(2027, 3, 30), dt.date(2028, 3, 30)),
        ("crise_sanitaire", dt.date(2027, 3, 30), dt.date(2028, 3, 30)),
        ("parcours", dt.date(2027, 9, 30), dt.date(2028, 9, 30)),
        ("prevention", dt.date(2027, 9, 30), dt.date(2028, 9, 30)),
        ("qualite", None, None),
        ("accompagnement", None, None),
    ],
)
def test_mission_deadlines_after_signature(mission, start, deployed):
    signed = dt.date(2026, 9, 30)
    assert mission_start_deadline(signed, mission) == start
    assert mission_deployment_deadline(signed, mission) == deployed


def test_contract_years_start_on_the_anniversaries():
    signed = dt.date(2024, 2, 29)
    assert contract_anniversary(signed, 1) == signed
    assert contract_anniversary(signed, 2) == dt.date(2025, 2, 28)  # no 29 February in 2025
    assert contract_anniversary(signed, 5) == dt.date(2028, 2, 29)


def test_contract_runs_five_years():
    assert contract_end(dt.date(2024, 2, 29)) == dt.date(2029, 2, 27)  # 28 Feb 2029 starts year 6
    assert contract_end(dt.date(2026, 9, 1)) == dt.date(2031, 8, 31)


def test_yearly_evaluations_at_each_anniversary():
    assert evaluation_dates(dt.date(2024, 2, 29)) == [
        dt.date(2025, 2, 28), dt.date(2026, 2, 28), dt.date(2027, 2, 28),
        dt.date(2028, 2, 29), dt.date(2029, 2, 28),
    ]  # fmt: skip


def test_crisis_plan_within_the_first_year_then_updated_yearly():
    plans = crisis_plan_dates(dt.date(2023, 6, 15))
    assert plans[0] == dt.date(2024, 6, 15) and len(plans) == 5
    assert plans[-1] == dt.date(2028, 6, 15)


@given(dates)
def test_mission_starts_before_full_deployment(signed):
    for mission in ("acces_soins", "crise_sanitaire", "parcours", "prevention"):
        start = mission_start_deadline(signed, mission)
        assert signed < start < mission_deployment_deadline(signed, mission)
    assert evaluation_dates(signed)[-1] == contract_end(signed) + dt.timedelta(days=1)
