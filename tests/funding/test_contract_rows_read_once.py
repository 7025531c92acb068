"""The funding pages read a contract's rows once: the payments page builds its terms from the
contract it has read (as the contract page does) and lists the records its lines are made of; the
contract page takes an imported contract's evaluations made before the portal from the
milestones it lists. Same results as the functions that read everything themselves."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from funding import calc, evaluations, payments
from funding.crises import crisis_dates_by_departement, crisis_dates_of
from funding.deadlines import evaluation_dates
from funding.followup_models import Milestone, MilestoneKind
from funding.models import Contract, CrisisDeclaration
from tests.factories import DepartementFactory
from tests.funding.contract_life import contract_in_life
from tests.funding.test_contract_page_queries import QUERIES, _follow, _grow
from tests.world import institution_user

# Session and person (2), the contract, the grids (2), its missions and their indicators (2),
# its avenants, its terms (results, roster, crises: 3), its payment records, its closed years.
PAYMENTS_QUERIES = 13


def _reference_years(contract, today, before) -> list[int]:
    """`evaluable_years`' rule, each year's dates computed on their own."""
    stop = contract.terminated_on or contract.ended_on
    return [
        year
        for year in range(1, 6)
        if evaluations.opens_on(contract, year) <= today
        and not (stop and calc.contract_year_bounds(contract.signed_on, year)[0] >= stop)
        and year not in before
    ]


@pytest.mark.parametrize(
    "signed", [dt.date(2020, 1, 31), dt.date(2020, 2, 29), dt.date(2021, 8, 6)]
)
@pytest.mark.parametrize("stop", [None, dt.date(2022, 3, 1), dt.date(2023, 8, 6)])
def test_evaluable_years_on_every_anniversary(signed, stop):
    contract = Contract(signed_on=signed, terminated_on=stop)  # not imported: nothing to read
    days = [signed + dt.timedelta(days=n) for n in range(0, 6 * 366, 29)]
    days += evaluation_dates(signed)  # each anniversary itself
    for day in days:
        for before in (set(), {2}):
            expected = _reference_years(contract, day, before)
            assert evaluations.evaluable_years(contract, day, before) == expected
        assert evaluations.evaluable_years(contract, day) == _reference_years(contract, day, set())


@pytest.mark.django_db
def test_payments_page_reads_each_thing_once(client, django_assert_num_queries):
    life = contract_in_life()
    url = reverse("funding:payments", args=[life.contract.pk])
    client.force_login(life.cpam)
    client.get(url)
    with django_assert_num_queries(PAYMENTS_QUERIES):
        client.get(url)
    _grow(life, ["acces_soins", "prevention", "crise_sanitaire"], indicators_each=2)
    _follow(life)
    with django_assert_num_queries(PAYMENTS_QUERIES):
        page = client.get(url)
    expected = payments.standing(Contract.objects.filter(pk=life.contract.pk))[life.contract.pk]
    assert [line for line, _state in page.context["rows"]] == expected
    records = list(life.contract.payments.all())
    assert page.context["records"] == records and records
    assert "1\xa0000,00 € (année 1" in page.content.decode()


@pytest.mark.django_db
def test_an_imported_contracts_page_reads_its_milestones_and_crises_once(
    client, django_assert_num_queries
):
    life = contract_in_life()  # signed on 6 February 2023: years 1 to 3 ended
    contract = life.contract
    Contract.objects.filter(pk=contract.pk).update(imported=True)
    Milestone.objects.create(
        contract=contract, kind=MilestoneKind.EVALUATION_BEFORE, done_on=dt.date(2024, 3, 1),
        year=1,
    )  # fmt: skip
    departement = contract.project.departement
    for region, departements in ((departement.region, []), (None, [departement])):
        crisis = CrisisDeclaration.objects.create(
            declared_on=dt.date(2024, 1, 5), label="Crise", region=region, declared_by=life.ars
        )
        crisis.departements.set(departements)
    url = reverse("funding:contract", args=[contract.pk])
    client.force_login(life.cpam)
    client.get(url)
    with django_assert_num_queries(QUERIES):  # its crises too: one query, named or regional
        page = client.get(url)
    assert page.context["crisis_dates"] == [dt.date(2024, 1, 5)] * 2
    rows = {e["year"]: e for e in page.context["life"]["evaluations"]}
    contract.refresh_from_db()
    open_years = evaluations.evaluable_years(contract, timezone.localdate())
    assert 1 not in open_years and {2, 3} <= set(open_years)
    assert [y for y, e in rows.items() if e["open"]] == open_years
    assert rows[1]["status"] == "faite avant le portail (reprise de l'existant)"


@pytest.mark.django_db
def test_a_contracts_crises_are_those_of_its_departement():
    """`crisis_dates_of` (one département, one query) gives `crisis_dates_by_departement`'s
    dates in the same order: named ones, then those of the whole région, a crisis declared both
    ways counted twice, other départements' and régions' left out."""
    here = DepartementFactory()
    neighbour = DepartementFactory(region=here.region)
    elsewhere = DepartementFactory()
    ars = institution_user(OrganisationKind.ARS, region=here.region)
    declared = [
        (dt.date(2024, 1, 5), None, [here]),
        (dt.date(2024, 3, 1), here.region, []),
        (dt.date(2023, 6, 2), here.region, [here, neighbour]),
        (dt.date(2024, 3, 1), None, [here, elsewhere]),
        (dt.date(2022, 9, 9), None, [neighbour]),
        (dt.date(2025, 2, 2), elsewhere.region, [elsewhere]),
    ]
    for day, region, departements in declared:
        crisis = CrisisDeclaration.objects.create(
            declared_on=day, label="Crise", region=region, declared_by=ars
        )
        crisis.departements.set(departements)
    everywhere = crisis_dates_by_departement()
    for departement in (here, neighbour, elsewhere, DepartementFactory()):
        assert crisis_dates_of(departement) == everywhere.get(departement.pk, [])
    assert crisis_dates_of(here) == [
        dt.date(2024, 3, 1), dt.date(2024, 1, 5), dt.date(2023, 6, 2),
        dt.date(2024, 3, 1), dt.date(2023, 6, 2),
    ]  # fmt: skip
