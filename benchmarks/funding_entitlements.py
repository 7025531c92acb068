"""Benchmark: entitlements and payment schedules of 1 000 signed ACI contracts x 5 years.

Creates a throw-away database next to DATABASE_URL's, migrates it (the migration loads the grids),
inserts contracts with missions, indicators, five years of results and crises in bulk, then times
reading everything and computing every contract year plus every schedule, and counts the queries
(bounded: the grids are loaded once, inputs prefetched). Target: < 1 s.
Usage: DATABASE_URL=postgres://... python benchmarks/funding_entitlements.py [N]
"""

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from scratch_db import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DB = "cpts_bench_funding"
TARGET_SECONDS = 1.0


def populate(count: int) -> None:
    from accounts.models import Organisation, OrganisationKind, User
    from funding.models import (
        Contract,
        ContractMission,
        CrisisDeclaration,
        GridVersion,
        Indicator,
        IndicatorResult,
    )
    from projects.models import Project
    from projects.states import State
    from territories.models import Departement, Region

    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    deps = [
        Departement.objects.create(code=str(c), name=f"Dép. {c}", region=region)
        for c in (16, 17, 33)
    ]
    ars = Organisation.objects.create(kind=OrganisationKind.ARS, name="ARS NA", region=region)
    user = User.objects.create(username="ars", organisation=ars)
    grids = {g.code: g for g in GridVersion.objects.all()}
    projects = Project.objects.bulk_create(
        Project(
            name=f"CPTS {i}",
            departement=deps[i % 3],
            taille=i % 4 + 1,
            state=State.ACI_SIGNE,
        )
        for i in range(count)
    )
    contracts = []
    for i, project in enumerate(projects):
        signed = dt.date(2020, 1, 6) + dt.timedelta(days=(i * 7) % 1500)
        code = "avenant_2" if signed >= dt.date(2022, 3, 31) else "aci_2019"
        contracts.append(
            Contract(
                project=project,
                grid=grids[code],
                size=project.taille,
                members=60 + i % 80,
                snp_dispositif=i % 2 == 0,
                cpts_signed_on=signed,
                cpam_signed_on=signed,
                ars_signed_on=signed,
                signed_on=signed,
            )
        )
    contracts = Contract.objects.bulk_create(contracts)
    missions = []
    for i, contract in enumerate(contracts):
        codes = ["acces_soins", "parcours", "prevention", "qualite"]
        if contract.grid_id == grids["avenant_2"].pk:
            codes.append("crise_sanitaire")
        for k, code in enumerate(codes):
            start = contract.signed_on + dt.timedelta(days=(40 * k + i) % 300)
            missions.append(ContractMission(contract=contract, mission=code, started_on=start))
    missions = ContractMission.objects.bulk_create(missions)
    indicators = Indicator.objects.bulk_create(
        Indicator(
            mission=m,
            label=f"Indicateur {n}",
            weight=Decimal("0.5"),
            thresholds=[
                {"level": "socle", "value": "50", "rate": "0.25"},
                {"level": "intermediaire", "value": "70", "rate": "0.6"},
                {"level": "objectif", "value": "90", "rate": "1"},
            ],
        )
        for m in missions
        if m.mission != "crise_sanitaire"
        for n in (1, 2)
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(indicator=ind, year=year, value=Decimal(40 + (ind.pk * 7 + year * 13) % 60))
        for ind in indicators
        for year in range(1, 6)
    )
    for day in (dt.date(2022, 11, 2), dt.date(2023, 2, 1), dt.date(2024, 6, 3)):
        CrisisDeclaration.objects.create(
            declared_on=day, label="Crise", region=region, declared_by=user
        )
    print(
        f"data: {len(contracts)} contracts, {len(missions)} missions, "
        f"{len(indicators)} indicators, {len(indicators) * 5} results"
    )


def main(count: int) -> None:
    os.environ["DATABASE_URL"] = fresh_database(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from funding import calc
    from funding.models import Contract
    from funding.terms import contract_terms

    call_command("migrate", verbosity=0)
    populate(count)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        contracts = contract_terms(Contract.objects.all())
    loaded = time.perf_counter()
    years = payments = 0
    grand_total = calc.ZERO
    for terms in contracts.values():
        triggers = calc.crisis_triggers(terms.crisis_dates)
        for year in range(1, terms.years + 1):
            grand_total += calc.total(calc.year_entitlement(terms, year, triggers))
            years += 1
    entitled = time.perf_counter()
    for terms in contracts.values():
        payments += len(calc.schedule(terms))
    computed = time.perf_counter()
    elapsed = computed - started
    print(
        f"{len(contracts)} contracts x 5 years = {years} contract years, {payments} payments, "
        f"total {grand_total} EUR"
    )
    print(
        f"load {loaded - started:.3f} s ({len(queries)} queries), "
        f"entitlements {entitled - loaded:.3f} s, schedules {computed - entitled:.3f} s, "
        f"total {elapsed:.3f} s "
        f"(target < {TARGET_SECONDS:.0f} s): {'OK' if elapsed < TARGET_SECONDS else 'SLOW'}"
    )
    connection.close()
    drop_database(BENCH_DB)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
