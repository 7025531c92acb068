"""Entitlements, majoration, additional fonctionnement, schedule and termination (no database)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from funding import calc

pytestmark = pytest.mark.rules

D = Decimal
OPTIONAL = ("qualite", "accompagnement")


def _line(lines, mission, part):
    return next(x for x in lines if (x.mission, x.part) == (mission, part))


def _missions(lines):
    return {x.mission for x in lines}


# --- majoration taille 4 -----------------------------------------------------------------


@pytest.mark.parametrize("members,expected", [(99, D(0)), (100, D("0.10")), (250, D("0.10"))])
def test_majoration_needs_taille_4_and_100_members(avenant_2, members, expected):
    assert avenant_2.majoration_rate(4, members) == expected
    assert avenant_2.majoration_rate(3, members) == 0


def test_majoration_is_10_percent_of_missions_only(grid_set):
    signed = dt.date(2022, 5, 2)  # before 30/09/2022: additional fonctionnement too
    _, lines = calc.annual_maximum(
        grid_set, 4, 100, signed, optional=OPTIONAL, snp_dispositif=True, crisis=True
    )
    fixed, variable = (
        _line(lines, "majoration_taille4", "fixed"),
        _line(lines, "majoration_taille4", "variable"),
    )
    # missions: 580 000 - 90 000 fonctionnement = 490 000, of which 250 000 fixed
    assert fixed.amount == D("25000.00") and variable.amount == D("24000.00")
    assert fixed.to_confirm  # the fonctionnement question is open
    assert _line(lines, "fonctionnement_additionnel", "one_off").amount == 67_500
    assert calc.total(lines) == D("580000") + D("67500") + D("49000")


def test_majoration_can_include_fonctionnement_when_settled(grid_set, avenant_2):
    majoration = dataclasses.replace(avenant_2.majoration, includes_fonctionnement=True)
    grid = dataclasses.replace(avenant_2, majoration=majoration)
    start, end = calc.contract_year_bounds(dt.date(2023, 1, 2), 1)
    lines = calc.year_lines(grid, 4, 120, start, end, {"parcours": start})
    assert _line(lines, "majoration_taille4", "fixed").amount == D("14000.00")  # 10 % of 140 000


def test_no_majoration_under_aci_2019(grid_set):
    _, lines = calc.annual_maximum(grid_set, 4, 500, dt.date(2021, 1, 4), optional=OPTIONAL)
    assert "majoration_taille4" not in _missions(lines)
    assert calc.total(lines) == 380_000


# --- additional fonctionnement ------------------------------------------------------------


@pytest.mark.parametrize(
    "signed,size,expected",
    [
        (dt.date(2022, 9, 29), 1, D("37500")),
        (dt.date(2022, 9, 29), 3, D("56250")),
        (dt.date(2022, 4, 1), 2, D("45000")),
        (dt.date(2022, 9, 30), 4, None),  # "avant le 30 septembre 2022"
        (dt.date(2023, 6, 1), 4, None),
    ],
)
def test_additional_fonctionnement_before_30_september_2022(grid_set, signed, size, expected):
    _, lines = calc.annual_maximum(grid_set, size, 10, signed)
    found = [x.amount for x in lines if x.mission == "fonctionnement_additionnel"]
    assert found == ([expected] if expected else [])
    if expected:
        assert _line(lines, "fonctionnement_additionnel", "one_off").part == "one_off"


def test_2019_to_2021_signatories_get_it_once_avenant_2_is_in_force(grid_set):
    assert grid_set.additional_fonctionnement(2, dt.date(2020, 2, 3)) == (
        D("45000"),
        dt.date(2022, 3, 31),
    )
    # First contract year 2021-06-01 → 2022-06-01 contains 31/03/2022.
    grid, lines = calc.annual_maximum(grid_set, 2, 10, dt.date(2021, 6, 1))
    assert grid.code == "aci_2019" and "fonctionnement_additionnel" in _missions(lines)
    _, lines = calc.annual_maximum(grid_set, 2, 10, dt.date(2021, 1, 4))
    assert "fonctionnement_additionnel" not in _missions(lines)


# --- indicators ---------------------------------------------------------------------------

THRESHOLDS = [(D(50), D("0.25")), (D(70), D("0.60")), (D(90), D(1))]


@pytest.mark.parametrize(
    "value,expected", [(D(10), D(0)), (D(50), D("0.25")), (D(89), D("0.60")), (D(95), D(1))]
)
def test_indicator_rate_takes_best_threshold_reached(value, expected):
    assert calc.indicator_rate(value, THRESHOLDS) == expected


def test_indicator_rate_lower_is_better():
    delays = [(D(48), D("0.5")), (D(24), D(1))]
    assert calc.indicator_rate(D(30), delays, higher_is_better=False) == D("0.5")
    assert calc.indicator_rate(D(12), delays, higher_is_better=False) == D(1)


def test_variable_share_is_capped_by_the_envelope():
    assert calc.variable_share([(D("0.5"), D(1)), (D("0.5"), D("0.6"))]) == D("0.8")
    assert calc.variable_share([(D("0.8"), D(1)), (D("0.8"), D(1))]) == 1


def test_variable_part_earned_and_capped(avenant_2):
    start, end = calc.contract_year_bounds(dt.date(2023, 1, 2), 1)
    lines = calc.year_lines(
        avenant_2, 2, 10, start, end, {"parcours": start}, shares={"parcours": D("1.7")}
    )
    assert _line(lines, "parcours", "variable").amount == 35_000
    lines = calc.year_lines(
        avenant_2, 2, 10, start, end, {"parcours": start}, shares={"parcours": D("0.333")}
    )
    assert _line(lines, "parcours", "variable").amount == D("11655.00")


# --- crises ---------------------------------------------------------------------------------


def test_one_crisis_payment_per_12_months_whatever_the_number_of_crises():
    dates = [dt.date(2024, 11, 2), dt.date(2025, 2, 1), dt.date(2025, 11, 1), dt.date(2025, 11, 2)]
    assert calc.crisis_triggers(dates) == [dt.date(2024, 11, 2), dt.date(2025, 11, 2)]


# --- schedule over a full 5-year contract -----------------------------------------------------

SIGNED = dt.date(2023, 1, 15)


@pytest.fixture
def terms(avenant_2):
    return calc.ContractTerms(
        grid=avenant_2,
        size=2,
        members=50,
        signed_on=SIGNED,
        starts={
            "crise_sanitaire": SIGNED,
            "acces_soins": dt.date(2023, 7, 15),  # mid-year 1
            "parcours": dt.date(2024, 1, 15),  # first anniversary
            "prevention": dt.date(2024, 3, 1),  # mid-year 2
        },
        crisis_dates=[dt.date(2024, 11, 2), dt.date(2025, 2, 1)],
        shares_by_year={1: {"acces_soins": D("0.5")}, 4: {"parcours": D(1), "prevention": D(1)}},
    )


def _rows(payments):
    return [(p.due_on, p.year, p.kind, p.amount) for p in payments]


def test_five_year_schedule_with_mid_year_start_and_crisis(terms):
    rows = _rows(calc.schedule(terms))
    assert rows == [
        # year 1: fonctionnement in full at signature; 75 % of started missions' fixed parts
        (SIGNED, 1, "signature", D("60000.00")),
        (SIGNED, 1, "avance_mission", D("13125.00")),  # crisis fixed 17 500
        # accès aux soins from 15/07: (17 500 + 12 000 SNP) x 184/365 x 75 %
        (dt.date(2023, 7, 15), 1, "avance_mission", D("11153.43")),
        # balance: 25 % of fixed parts + accès variable 50 % of 25 500
        (dt.date(2024, 1, 15), 1, "solde", D("20842.81")),
        # year 2: 75 % of fonctionnement and fixed parts of the missions started
        (dt.date(2024, 1, 15), 2, "avance", D("106500.00")),
        (dt.date(2024, 3, 1), 2, "avance_mission", D("9836.06")),  # 15 000 x 320/366 x 75 %
        (dt.date(2024, 12, 2), 2, "crise", D("70000.00")),  # within the month, in full
        (dt.date(2025, 1, 15), 2, "solde", D("38778.69")),
        # year 3: the 01/02/2025 crisis is within 12 months of the first: nothing more
        (dt.date(2025, 1, 15), 3, "avance", D("117750.00")),
        (dt.date(2026, 1, 15), 3, "solde", D("39250.00")),
        (dt.date(2026, 1, 15), 4, "avance", D("117750.00")),
        (dt.date(2027, 1, 15), 4, "solde", D("89250.00")),  # + parcours and prévention variable
        (dt.date(2027, 1, 15), 5, "avance", D("117750.00")),
        (dt.date(2028, 1, 15), 5, "solde", D("39250.00")),
    ]


def test_schedule_pays_exactly_each_years_entitlement(terms):
    payments = calc.schedule(terms)
    for year in range(1, 6):
        paid = sum(p.amount for p in payments if p.year == year)
        assert paid == calc.total(calc.year_entitlement(terms, year))
    year_2 = calc.year_entitlement(terms, 2)
    assert _line(year_2, "crise_sanitaire", "variable").amount == 70_000
    assert _line(year_2, "prevention", "fixed").amount == D("13114.75")
    assert _line(calc.year_entitlement(terms, 3), "crise_sanitaire", "variable").amount == 0


def test_termination_recovers_advances_pro_rata(terms):
    terms.terminated_on = dt.date(2025, 7, 15)
    rows = _rows(calc.schedule(terms))
    assert rows[-2:] == [
        (dt.date(2025, 1, 15), 3, "avance", D("117750.00")),
        # 184 of 365 days of year 3 not served
        (dt.date(2025, 7, 15), 3, "recuperation", D("-59358.90")),
    ]
    assert not [r for r in rows if r[1] > 3]
    assert calc.year_entitlement(terms, 4) == []


def test_termination_in_first_year_recovers_signature_and_mission_advances(terms):
    terms.terminated_on = dt.date(2023, 10, 14)  # 93 days before the first anniversary
    rows = _rows(calc.schedule(terms))
    recovered = -rows[-1][3]
    expected = (
        calc.cents(D(60000) * 93 / 365)
        + calc.cents(D(13125) * 93 / 365)
        + calc.cents(D("11153.43") * 93 / 184)
    )
    assert rows[-1][2] == "recuperation" and recovered == expected
    assert all(r[2] != "solde" for r in rows)


def test_majoration_flows_into_the_schedule(avenant_2):
    terms = calc.ContractTerms(
        grid=avenant_2, size=4, members=150, signed_on=SIGNED, starts={"parcours": SIGNED}
    )
    payments = calc.schedule(terms)
    mission_advance = next(p for p in payments if p.kind == "avance_mission")
    assert mission_advance.amount == D("41250.00")  # 75 % x 50 000 x 1.10
    assert payments[0].amount == 90_000  # fonctionnement not majorated by default
    assert sum(p.amount for p in payments if p.year == 1) == calc.total(
        calc.year_entitlement(terms, 1)
    )


def test_signed_2020_contract_gets_additional_fonctionnement_in_year_3(grid_set, aci_2019):
    extra = grid_set.additional_fonctionnement(1, dt.date(2020, 6, 1))
    terms = calc.ContractTerms(
        grid=aci_2019,
        size=1,
        members=20,
        signed_on=dt.date(2020, 6, 1),
        starts={},
        one_offs=[("fonctionnement_additionnel", extra[0], extra[1])],
    )
    one_off = [p for p in calc.schedule(terms) if p.kind == "ponctuel"]
    assert [(p.due_on, p.year, p.amount, p.label) for p in one_off] == [
        (dt.date(2022, 3, 31), 2, D("37500.00"), calc.ONE_OFF_LABELS["fonctionnement_additionnel"])
    ]
    assert one_off[0].label.startswith("Financement additionnel")  # French, not the code


def test_money_is_decimal_to_the_cent(terms):
    for payment in calc.schedule(terms):
        assert isinstance(payment.amount, Decimal)
        assert payment.amount == payment.amount.quantize(D("0.01"))
