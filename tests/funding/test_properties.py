"""Property-based tests of the funding computation: whatever the inputs, money stays sound."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding import calc

pytestmark = pytest.mark.rules

SIZES = st.integers(min_value=1, max_value=4)
MEMBERS = st.integers(min_value=0, max_value=400)
SIGNATURES = st.dates(min_value=dt.date(2019, 6, 20), max_value=dt.date(2032, 12, 31))
OPTIONAL = st.sets(st.sampled_from(["qualite", "accompagnement"]))
SHARE = st.decimals(min_value=0, max_value=2, places=2)


def in_cents(amount: Decimal) -> bool:
    return isinstance(amount, Decimal) and amount == amount.quantize(calc.CENT)


@settings(max_examples=150, deadline=None)
@given(SIZES, MEMBERS, SIGNATURES, OPTIONAL, st.booleans(), st.booleans())
def test_annual_maximum_is_sound(grid_set, size, members, signed, optional, snp, crisis):
    grid, lines = calc.annual_maximum(
        grid_set, size, members, signed, optional=optional, snp_dispositif=snp, crisis=crisis
    )
    assert all(in_cents(line.amount) and line.amount >= 0 for line in lines)
    if size < 4:
        _, bigger = calc.annual_maximum(
            grid_set, size + 1, members, signed, optional=optional, snp_dispositif=snp,
            crisis=crisis,
        )  # fmt: skip
        assert calc.total(bigger) >= calc.total(lines)
    _, without_crisis = calc.annual_maximum(
        grid_set, size, members, signed, optional=optional, snp_dispositif=snp
    )
    assert calc.total(lines) >= calc.total(without_crisis)
    assert any(line.mission == calc.MAJORATION for line in lines) == bool(
        grid.majoration_rate(size, members)
    )


def contract_terms(grid_set, size, members, signed, start_offsets, crisis_offsets, share):
    grid = grid_set.in_force(signed)
    starts = {
        mission: (signed + dt.timedelta(days=offset) if offset is not None else None)
        for mission, offset in zip(grid.socle_missions, start_offsets, strict=False)
    }
    shares = {year: dict.fromkeys(grid.missions, share) for year in range(1, 6)}
    return calc.ContractTerms(
        grid=grid, size=size, members=members, signed_on=signed, starts=starts,
        shares_by_year=shares,
        crisis_dates=[signed + dt.timedelta(days=d) for d in crisis_offsets],
    )  # fmt: skip


OFFSETS = st.lists(st.one_of(st.none(), st.integers(0, 5 * 365)), min_size=4, max_size=4)
CRISES = st.lists(st.integers(0, 5 * 365), max_size=4)


@settings(max_examples=100, deadline=None)
@given(SIZES, MEMBERS, SIGNATURES, OFFSETS, CRISES, SHARE)
def test_each_years_payments_add_up_to_its_entitlement(
    grid_set, size, members, signed, offsets, crises, share
):
    terms = contract_terms(grid_set, size, members, signed, offsets, crises, share)
    payments = calc.schedule(terms)
    triggers = calc.crisis_triggers(terms.crisis_dates)
    assert all(in_cents(p.amount) for p in payments)
    for year in range(1, calc.CONTRACT_YEARS + 1):
        paid = sum((p.amount for p in payments if p.year == year), calc.ZERO)
        assert paid == calc.total(calc.year_entitlement(terms, year, triggers)), year
    balances = [p.amount for p in payments if p.kind == "solde"]
    assert len(balances) == calc.CONTRACT_YEARS and all(b >= 0 for b in balances)


@settings(max_examples=100, deadline=None)
@given(SIZES, MEMBERS, SIGNATURES, OFFSETS, CRISES, SHARE, st.integers(1, 5 * 365))
def test_termination_recovers_no_more_than_was_advanced(
    grid_set, size, members, signed, offsets, crises, share, days
):
    terms = contract_terms(grid_set, size, members, signed, offsets, crises, share)
    terms.terminated_on = signed + dt.timedelta(days=days)
    payments = calc.schedule(terms)
    advanced = sum((p.amount for p in payments if p.kind in calc.RECOVERABLE), calc.ZERO)
    recovered = -sum((p.amount for p in payments if p.kind == "recuperation"), calc.ZERO)
    assert calc.ZERO <= recovered <= advanced
    assert all(p.due_on <= terms.terminated_on for p in payments)


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.lists(st.tuples(st.integers(0, 100), st.decimals(0, 1, places=2)), max_size=4),
    st.booleans(),
)
def test_indicator_rates_stay_between_zero_and_one(value, thresholds, higher_is_better):
    rate = calc.indicator_rate(value, thresholds, higher_is_better)
    assert Decimal(0) <= rate <= Decimal(1)
    assert calc.variable_share([(Decimal(1), rate), (Decimal(1), rate)]) <= 1
