"""The contract page reads each thing once: its query count does not grow with the contract's
years, missions, indicators, results, avenants, milestones or payments."""

import datetime as dt

import pytest
from django.db.models import Prefetch
from django.urls import reverse

from funding import avenants, milestones, payments, services
from funding.followup_models import MilestoneKind
from funding.grid_store import load_grid_set
from funding.models import Contract, Indicator
from funding.terms import contract_terms, terms_of
from projects.models import RosterMember
from tests.funding.contract_life import SIGNED, close_year, contract_in_life

pytestmark = pytest.mark.django_db

# Session and person (2), the contract, its missions and their indicators (2), its avenants,
# the grids (2), its terms (results, roster, crises: 3), the leader check, payments,
# evaluations, the project's contracts, milestones and journal.
QUERIES = 17


def _grow(life, missions, indicators_each):
    """More missions started, each with negotiated indicators."""
    contract, cpam = life.contract, life.cpam
    for code in missions:
        services.start_mission(contract, cpam, code, SIGNED + dt.timedelta(days=40))
        row = contract.missions.get(mission=code)
        for n in range(indicators_each):
            services.add_indicator(
                row, cpam, label=f"{code} {n}", thresholds=[("objectif", 10 + n, 1)]
            )


def _follow(life):
    """Two years closed (results and balances), a payment, milestones, an avenant in force and
    another awaiting its signatures."""
    contract, cpam, ars, leader = life.contract, life.cpam, life.ars, life.leader
    indicators = Indicator.objects.filter(mission__contract=contract)
    for year in (1, 2):
        close_year(contract, leader, cpam, year, dict.fromkeys(indicators, "75"))
    line = payments.standing(Contract.objects.filter(pk=contract.pk))[contract.pk][0]
    payments.record_payment(
        contract, cpam, line=line.key, paid_on=SIGNED + dt.timedelta(days=10), amount="1000"
    )
    milestones.mark_milestone(
        contract, cpam, kind=MilestoneKind.CRISIS_PLAN, done_on=dt.date(2023, 9, 1), year=1
    )
    milestones.mark_milestone(
        contract, cpam, kind=MilestoneKind.MISSION_DEPLOYED, done_on=dt.date(2023, 5, 2),
        mission="parcours",
    )  # fmt: skip
    day = dt.date(2025, 1, 10)
    avenant = avenants.propose_avenant(
        contract, cpam, summary="Taille 3", effective_on=dt.date(2025, 2, 6), size=3
    )
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        avenant = avenants.sign_avenant(avenant, user, party, day)
    avenants.propose_avenant(
        contract, cpam, summary="Plus de membres", effective_on=dt.date(2026, 2, 6), members=60
    )


def test_queries_do_not_grow_with_the_contract(client, django_assert_num_queries):
    life = contract_in_life()
    url = reverse("funding:contract", args=[life.contract.pk])
    client.force_login(life.cpam)
    client.get(url)  # the session's first request
    with django_assert_num_queries(QUERIES):
        small = client.get(url)
    _grow(life, ["acces_soins", "prevention", "crise_sanitaire"], indicators_each=3)
    _follow(life)
    with django_assert_num_queries(QUERIES):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    page = large.content.decode()
    # What the larger contract adds is on the page: five years, four missions, two avenants.
    assert page.count('aria-controls="year-') == 5
    assert page.count('name="started_on"') == 4
    assert 'id="avenant-1"' in page and 'id="avenant-2"' in page
    assert "crise_sanitaire 2 (poids " in page


def test_the_pages_terms_are_the_contracts_terms():
    """`terms_of` (the page's, from the rows it has read) gives `contract_terms`' terms: results,
    avenants in force and pending, the roster's counts."""
    life = contract_in_life()
    _grow(life, ["acces_soins", "prevention", "crise_sanitaire"], indicators_each=2)
    _follow(life)
    project = life.contract.project
    for n, (joined, left) in enumerate([(SIGNED, None), (SIGNED, dt.date(2024, 3, 1))] * 3):
        RosterMember.objects.create(
            project=project,
            kind="professionnel",
            name=f"Membre {n}",
            joined_on=joined,
            left_on=left,
        )
    contract = Contract.objects.select_related("project", "grid").get(pk=life.contract.pk)
    indicators = Prefetch("indicators", Indicator.objects.order_by("pk"))
    missions = list(contract.missions.order_by("pk").prefetch_related(indicators))
    rows = list(contract.avenants.order_by("number"))
    grid_set = load_grid_set()
    expected = contract_terms(Contract.objects.filter(pk=contract.pk), grid_set)[contract.pk]
    found = terms_of(contract, grid_set, missions, rows)
    assert found == expected
    assert found.shares_by_year and not found.by_year[1].members_declared
    assert {t.size for t in found.by_year.values()} == {2, 3}
