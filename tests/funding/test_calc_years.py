"""Contract years in pure arithmetic (no database): year N of the simulator on the grid of its
first day; per-year terms override the signature's."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from funding import calc

pytestmark = pytest.mark.rules
SIGNED = dt.date(2021, 3, 30)  # year 2 starts the day before avenant 2 (31 March 2022)


def test_simulated_year_is_on_the_grid_of_its_first_day(grid_set):
    codes = [calc.annual_maximum(grid_set, 2, 10, SIGNED, year=y)[0].code for y in range(1, 6)]
    assert codes == ["aci_2019", "aci_2019", "avenant_2", "avenant_2", "avenant_2"]
    on_the_day = dt.date(2021, 3, 31)
    assert calc.annual_maximum(grid_set, 2, 10, on_the_day, year=2)[0].code == "avenant_2"


@pytest.mark.parametrize("year", [0, 6])
def test_simulated_year_is_one_to_five(grid_set, year):
    with pytest.raises(ValueError):
        calc.annual_maximum(grid_set, 2, 10, SIGNED, year=year)


def test_year_terms_override_the_signature_terms(aci_2019, avenant_2):
    starts = {"acces_soins": SIGNED, "parcours": SIGNED, "prevention": SIGNED}
    terms = calc.ContractTerms(grid=aci_2019, size=2, members=10, signed_on=SIGNED, starts=starts)
    assert terms.for_year(4).grid is aci_2019  # no per-year terms: the signature's
    year_4 = calc.YearTerms(avenant_2, 3, 10, False, {**starts, "crise_sanitaire": None})
    terms = dataclasses.replace(terms, by_year={4: year_4})
    lines = {(x.mission, x.part): x for x in calc.year_entitlement(terms, 4)}
    assert lines["fonctionnement", "fixed"].amount == Decimal("75000.00")  # taille 3
    assert lines["crise_sanitaire", "fixed"].amount == 0  # in the terms, not started
    assert ("crise_sanitaire", "fixed") not in {
        (x.mission, x.part) for x in calc.year_entitlement(terms, 3)
    }
