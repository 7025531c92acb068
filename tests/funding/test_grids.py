"""Every cell of both shipped grids against domain.md §4, and the totals it quotes."""

import datetime as dt
from decimal import Decimal

import pytest

from funding.calc import annual_maximum as maximum
from funding.calc import total

pytestmark = pytest.mark.rules

# domain.md §4, "ACI 2019 grid" (seed 001): (mission, part) → T1..T4
ACI_2019 = {
    ("fonctionnement", "fixed"): (50_000, 60_000, 75_000, 90_000),
    ("acces_soins", "fixed"): (15_000, 17_500, 25_000, 30_000),
    ("acces_soins", "variable"): (15_000, 17_500, 25_000, 30_000),
    ("snp_compensation", "fixed"): (10_000, 12_000, 15_000, 20_000),
    ("snp_dispositif", "fixed"): (35_000, 45_000, 55_000, 70_000),
    ("parcours", "fixed"): (25_000, 35_000, 45_000, 50_000),
    ("parcours", "variable"): (25_000, 35_000, 45_000, 50_000),
    ("prevention", "fixed"): (10_000, 15_000, 17_500, 20_000),
    ("prevention", "variable"): (10_000, 15_000, 17_500, 20_000),
    ("qualite", "fixed"): (7_500, 10_000, 15_000, 20_000),
    ("qualite", "variable"): (7_500, 10_000, 15_000, 20_000),
    ("accompagnement", "fixed"): (5_000, 7_500, 10_000, 15_000),
    ("accompagnement", "variable"): (5_000, 7_500, 10_000, 15_000),
}
# Avenant 2 (seed 000): unchanged lines, the new crisis mission, accès aux soins re-split
# (the split is to confirm; its total per size is sourced).
AVENANT_2 = {
    **ACI_2019,
    ("acces_soins", "fixed"): (15_000, 17_500, 20_000, 30_000),
    ("acces_soins", "variable"): (20_000, 25_500, 35_000, 35_000),
    ("crise_sanitaire", "fixed"): (12_500, 17_500, 22_500, 25_000),
    ("crise_sanitaire", "variable"): (50_000, 70_000, 90_000, 100_000),
}
TO_CONFIRM_AVENANT_2 = {
    ("acces_soins", "fixed"),
    ("acces_soins", "variable"),
    ("snp_compensation", "fixed"),
    ("snp_dispositif", "fixed"),
    ("crise_sanitaire", "fixed"),
    ("crise_sanitaire", "variable"),
}
ACCES_SOINS_MISSIONS = ("acces_soins", "snp_compensation", "snp_dispositif")


def _cells(table):
    return [(m, p, s, table[m, p][s - 1]) for (m, p) in table for s in (1, 2, 3, 4)]


@pytest.mark.parametrize("mission,part,size,expected", _cells(ACI_2019))
def test_every_aci_2019_cell(aci_2019, mission, part, size, expected):
    assert aci_2019.amount(mission, part, size) == Decimal(expected)
    assert aci_2019.cell(mission, part).to_confirm is False
    assert aci_2019.cell(mission, part).source


@pytest.mark.parametrize("mission,part,size,expected", _cells(AVENANT_2))
def test_every_avenant_2_cell(avenant_2, mission, part, size, expected):
    cell = avenant_2.cell(mission, part)
    assert avenant_2.amount(mission, part, size) == Decimal(expected)
    assert cell.to_confirm is ((mission, part) in TO_CONFIRM_AVENANT_2)
    assert cell.source


def test_grids_hold_no_other_cells(aci_2019, avenant_2):
    assert {(c.mission, c.part) for c in aci_2019.cells} == set(ACI_2019)
    assert {(c.mission, c.part) for c in avenant_2.cells} == set(AVENANT_2)


@pytest.mark.parametrize("size,expected", enumerate((80_000, 100_000, 125_000, 155_000), 1))
def test_avenant_2_acces_soins_total_per_size(avenant_2, size, expected):
    parts = [
        avenant_2.amount(m, p, size) for m in ACCES_SOINS_MISSIONS for p in ("fixed", "variable")
    ]
    assert sum(parts) == expected


@pytest.mark.parametrize("size,expected", enumerate((62_500, 87_500, 112_500, 125_000), 1))
def test_avenant_2_crisis_total_per_size(avenant_2, size, expected):
    fixed = avenant_2.amount("crise_sanitaire", "fixed", size)
    assert fixed + avenant_2.amount("crise_sanitaire", "variable", size) == expected
    assert avenant_2.cell("crise_sanitaire", "variable").earned_by == "crisis"


@pytest.mark.parametrize(
    "code,amounts,signed_before",
    [
        ("fonctionnement_additionnel", (37_500, 45_000, 56_250, 67_500), dt.date(2022, 9, 30)),
        ("accompagnement_pre_aci", (15_000, 17_500, 25_000, 30_000), None),
    ],
)
def test_avenant_2_one_off_lines(aci_2019, avenant_2, code, amounts, signed_before):
    one_off = avenant_2.one_off(code)
    assert [one_off.amounts[s] for s in (1, 2, 3, 4)] == [Decimal(a) for a in amounts]
    assert one_off.signed_before == signed_before
    assert aci_2019.one_off(code) is None


def test_versions_in_force(grid_set):
    assert grid_set.in_force(dt.date(2022, 3, 30)).code == "aci_2019"
    assert grid_set.in_force(dt.date(2022, 3, 31)).code == "avenant_2"
    assert grid_set.in_force(dt.date(2019, 6, 20)).code == "aci_2019"
    with pytest.raises(LookupError):
        grid_set.in_force(dt.date(2019, 6, 19))


ALL_OPTIONAL = ("qualite", "accompagnement")


@pytest.mark.parametrize(
    "size,without,with_snp",
    [(1, 185_000, 220_000), (2, 242_000, 287_000), (3, 315_000, 370_000), (4, 380_000, 450_000)],
)
def test_aci_2019_totals(grid_set, size, without, with_snp):
    signed = dt.date(2020, 1, 15)
    grid, lines = maximum(grid_set, size, 10, signed, optional=ALL_OPTIONAL)
    assert grid.code == "aci_2019"
    assert total(lines) == without
    _, lines = maximum(grid_set, size, 10, signed, optional=ALL_OPTIONAL, snp_dispositif=True)
    assert total(lines) == with_snp


def test_avenant_2_taille_4_maximum_is_580k(grid_set):
    # Signed after 30/09/2022 (no additional fonctionnement), fewer than 100 members.
    grid, lines = maximum(
        grid_set,
        4,
        99,
        dt.date(2022, 10, 3),
        optional=ALL_OPTIONAL,
        snp_dispositif=True,
        crisis=True,
    )
    assert grid.code == "avenant_2"
    assert total(lines) == Decimal("580000.00")
    assert "majoration_taille4" not in {line.mission for line in lines}


def test_crisis_variable_part_is_zero_without_crisis(grid_set):
    _, lines = maximum(
        grid_set, 4, 99, dt.date(2022, 10, 3), optional=ALL_OPTIONAL, snp_dispositif=True
    )
    crisis = next(x for x in lines if (x.mission, x.part) == ("crise_sanitaire", "variable"))
    assert crisis.amount == 0 and crisis.maximum == 100_000
    assert total(lines) == Decimal("480000.00")
