"""Each contract year on the grid in force on its first day (*à confirmer*), with the real grids
of funding/grids/; the roster's count feeding the taille-4 majoration; `funding_simulate
--year`."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEntry
from funding import calc, services, terms
from funding.models import Contract, CrisisDeclaration
from projects.models import RosterMember
from projects.roster import member_count_on
from tests.world import make_aci_project, signed_contract

pytestmark = pytest.mark.django_db
SIGNED_2020 = dt.date(2020, 9, 15)  # years 1-2 start before avenant 2 (31 March 2022), 3-5 after


def _contract(signed_on=SIGNED_2020, taille=2, members=10, **options):
    project, leader, ars = make_aci_project(taille=taille)
    contract, cpam = signed_contract(project, ars, members=members, signed_on=signed_on, **options)
    return contract, cpam, ars, leader


def _terms(contract):
    return terms.contract_terms(Contract.objects.filter(pk=contract.pk))[contract.pk]


def _lines(contract, year) -> dict:
    return {
        (x.mission, x.part): x
        for x in terms.entitlements(Contract.objects.all())[contract.pk][year]
    }


def test_a_2020_contract_gets_avenant_2_from_its_first_year_starting_after_31_march_2022():
    contract, *_ = _contract()
    assert contract.grid.code == "aci_2019"  # the grid of the signature
    t = _terms(contract)
    assert [t.for_year(y).grid.code for y in range(1, 6)] == [
        "aci_2019",
        "aci_2019",
        "avenant_2",
        "avenant_2",
        "avenant_2",
    ]
    year_2, year_3 = _lines(contract, 2), _lines(contract, 3)
    assert ("crise_sanitaire", "fixed") not in year_2
    # Avenant 2's amounts, taille 2: accès aux soins variable 25 500 (was 17 500)...
    assert year_2["acces_soins", "variable"].maximum == Decimal("17500.00")
    assert year_3["acces_soins", "variable"].maximum == Decimal("25500.00")
    # ... and its crisis mission: fixed 17 500 once started, variable 70 000 on a crisis.
    assert year_3["crise_sanitaire", "fixed"].maximum == Decimal("17500.00")
    assert year_3["crise_sanitaire", "variable"].maximum == Decimal("70000.00")
    assert year_3["crise_sanitaire", "fixed"].amount == 0  # not started yet


def test_the_year_starting_on_31_march_2022_is_paid_on_avenant_2():
    on_the_day, *_ = _contract(signed_on=dt.date(2021, 3, 31))
    day_before, *_ = _contract(signed_on=dt.date(2021, 3, 30))
    assert _terms(on_the_day).for_year(2).grid.code == "avenant_2"
    assert _terms(day_before).for_year(2).grid.code == "aci_2019"
    assert _terms(day_before).for_year(3).grid.code == "avenant_2"


def test_the_crisis_mission_joins_an_old_contract_when_it_starts():
    contract, cpam, ars, leader = _contract()
    with pytest.raises(services.FundingError):  # not a mission of any of its grids
        services.start_mission(contract, cpam, "mission_inconnue", dt.date(2022, 10, 1))
    services.start_mission(contract, cpam, "crise_sanitaire", dt.date(2022, 9, 15))
    assert contract.missions.filter(mission="crise_sanitaire").exists()
    entry = AuditEntry.objects.filter(action="funding.mission.start").latest("pk")
    assert entry.label == "Démarrage de la mission « Réponse aux crises sanitaires graves »"
    assert _lines(contract, 3)["crise_sanitaire", "fixed"].amount == Decimal("17500.00")


def test_a_crisis_pays_the_old_contract_only_in_avenant_2_years():
    contract, cpam, ars, leader = _contract()
    for day in (dt.date(2021, 11, 2), dt.date(2023, 1, 10)):  # year 2 (ACI 2019), year 3
        crisis = CrisisDeclaration.objects.create(declared_on=day, label="Crise", declared_by=ars)
        crisis.departements.add(contract.project.departement)
    assert ("crise_sanitaire", "variable") not in _lines(contract, 2)
    assert _lines(contract, 3)["crise_sanitaire", "variable"].amount == Decimal("70000.00")
    crisis_payments = [p for p in calc.schedule(_terms(contract)) if p.kind == "crise"]
    assert [(p.year, p.amount) for p in crisis_payments] == [(3, Decimal("70000.00"))]


def test_the_rule_is_shown_to_confirm_with_each_years_grid(client):
    contract, cpam, ars, leader = _contract()
    client.force_login(cpam)
    page = client.get(reverse("funding:contract", args=[contract.pk])).content.decode()
    assert "grille du premier jour de l'année : à confirmer" in page
    assert page.count("ACI CPTS modifié par l&#x27;avenant 2") >= 3
    assert "déclaré" in page


def test_the_rule_is_no_longer_flagged_once_settled(client, settings):
    settings.FUNDING_YEAR_GRID_TO_CONFIRM = False
    contract, cpam, ars, leader = _contract()
    client.force_login(cpam)
    page = client.get(reverse("funding:contract", args=[contract.pk])).content.decode()
    assert "grille du premier jour de l'année : à confirmer" not in page


# --- The roster's count for the taille-4 majoration ------------------------------------------


def _roster(project, joined_on, count, left_on=None):
    RosterMember.objects.bulk_create(
        RosterMember(
            project=project,
            kind=RosterMember.Kind.PROFESSIONAL,
            name=f"Membre {i}",
            joined_on=joined_on,
            left_on=left_on,
        )
        for i in range(count)
    )


def test_majoration_counts_the_roster_on_each_years_first_day():
    signed_on = dt.date(2023, 2, 6)
    contract, *_ = _contract(signed_on=signed_on, taille=4, members=150)  # declared: 150
    project = contract.project
    _roster(project, dt.date(2023, 1, 1), 60)
    _roster(project, dt.date(2024, 1, 1), 50)  # 110 from year 2
    _roster(project, dt.date(2023, 1, 1), 20, left_on=dt.date(2025, 2, 6))  # gone in year 3
    t = _terms(contract)
    counts = [t.for_year(y).members for y in range(1, 6)]
    assert counts == [
        member_count_on(project.pk, calc.contract_year_bounds(signed_on, y)[0]) for y in range(1, 6)
    ]
    assert counts[:3] == [80, 130, 110]
    assert not any(t.for_year(y).members_declared for y in range(1, 6))
    assert ("majoration_taille4", "fixed") not in _lines(contract, 1)  # 80 < 100 members
    assert ("majoration_taille4", "fixed") in _lines(contract, 2)


def test_without_a_roster_the_declared_count_applies_and_is_flagged():
    contract, *_ = _contract(signed_on=dt.date(2023, 2, 6), taille=4, members=120)
    t = _terms(contract)
    assert t.for_year(1).members == 120 and t.for_year(1).members_declared
    assert ("majoration_taille4", "fixed") in _lines(contract, 1)


# --- funding_simulate --year -----------------------------------------------------------------


def _simulate(*args):
    out = StringIO()
    call_command("funding_simulate", *args, stdout=out)
    return out.getvalue()


def test_simulate_year_n_on_the_grid_of_its_first_day():
    base = ("--size=2", "--members=10", "--signature-date=2020-09-15", "--json")
    year_1 = json.loads(_simulate(*base))
    year_3 = json.loads(_simulate(*base, "--year=3"))
    assert set(year_3) == set(year_1) == {"grid", "size", "lines", "total"}
    assert year_1["grid"] == "aci_2019" and year_3["grid"] == "avenant_2"
    assert "crise_sanitaire" not in {x["mission"] for x in year_1["lines"]}
    crisis = {x["part"]: x["amount"] for x in year_3["lines"] if x["mission"] == "crise_sanitaire"}
    assert crisis == {"fixed": "17500.00", "variable": "0.00"}
    # The additional fonctionnement (avenant 2, due 31 March 2022) falls in year 2.
    year_2 = json.loads(_simulate(*base, "--year=2"))
    assert "fonctionnement_additionnel" in {x["mission"] for x in year_2["lines"]}
    assert "fonctionnement_additionnel" not in {x["mission"] for x in year_3["lines"]}
    assert json.loads(_simulate(*base, "--year=1")) == year_1


@pytest.mark.parametrize("year", ["0", "6", "x"])
def test_simulate_year_is_one_to_five(year):
    with pytest.raises(CommandError):
        _simulate("--size=2", "--members=10", "--signature-date=2020-09-15", f"--year={year}")


def test_simulate_text_output_names_the_year_and_the_rule():
    out = _simulate("--size=2", "--members=10", "--signature-date=2020-09-15", "--year=4")
    assert "Année 4" in out and "avenant_2" in out and "à confirmer" in out


def test_each_years_advance_is_on_that_years_grid():
    contract, cpam, ars, leader = _contract()
    for code in ("acces_soins", "parcours", "prevention", "crise_sanitaire"):
        started = dt.date(2022, 9, 15) if code == "crise_sanitaire" else SIGNED_2020
        services.start_mission(contract, cpam, code, started)
    advances = {p.year: p.amount for p in calc.schedule(_terms(contract)) if p.kind == "avance"}
    # taille 2: fonctionnement 60 000 + accès 17 500 + SNP 12 000 + parcours 35 000 +
    # prévention 15 000, and from year 3 (avenant 2) the crisis mission's fixed 17 500.
    assert advances[2] == Decimal("0.75") * 139_500
    assert advances[3] == Decimal("0.75") * 157_000
