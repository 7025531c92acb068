"""Benchmark: bring in 1 000 existing CPTS from one CSV file (`funding.reprise.import_file`).

Creates a throw-away database next to DATABASE_URL's, migrates it (the ACI grids come with the
migrations), adds one région with ten départements of 600 communes each, then writes a CSV of
N lines (five communes each, every state of the workflow, 40 % signed with their contract)
and imports it twice: the first run writes everything, the second finds every CPTS already
there and changes nothing. Also times the check alone (--dry-run). Target: < 30 s for 1 000.
Usage: DATABASE_URL=postgres://... python benchmarks/import_cpts.py [N]
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

from scratch_db import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DB = os.environ.get("BENCH_DB", "cpts_bench_import")
TARGET_S = 30
COMMUNES_PER_LINE = 5
DEPARTEMENTS = 10


def seed(count: int) -> list[str]:
    """The reference data; returns the file's lines."""
    from django.db import connection

    from projects.states import State
    from territories.models import Commune, Departement, Region

    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    per_dept = count * COMMUNES_PER_LINE // DEPARTEMENTS + COMMUNES_PER_LINE
    depts = [
        Departement.objects.create(code=f"{40 + i}", name=f"Département {i}", region=region)
        for i in range(DEPARTEMENTS)
    ]
    Commune.objects.bulk_create(
        Commune(
            insee=f"{d.code}{n:03d}",
            name=f"Commune {d.code}-{n}",
            departement=d,
            population=1_000 + 37 * n,
            source="data-france bench",
        )
        for d in depts
        for n in range(per_dept)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    states = [s for s in State if s not in (State.PS_DEPOSE, State.ACI_SIGNE)]
    lines, used = [], {d.code: 0 for d in depts}
    for i in range(count):
        dept = depts[i % DEPARTEMENTS].code
        start, used[dept] = used[dept], used[dept] + COMMUNES_PER_LINE
        codes = " ".join(f"{dept}{n:03d}" for n in range(start, start + COMMUNES_PER_LINE))
        signed, received = "", ""
        if i % 5 < 2:  # 40 % signed, on dates from 2019 to 2025
            signed = str(dt.date(2019, 7, 1) + dt.timedelta(days=(i * 7) % 2300))
            state = "aci_signe"
        elif i % 5 == 2:
            state, received = "ps_depose", str(dt.date(2025, 1, 1) + dt.timedelta(days=i % 300))
        else:
            state = states[i % len(states)].value
        optional = "qualite,accompagnement" if i % 3 == 0 else ""
        snp = "oui" if i % 2 else "non"
        lines.append(
            f"CPTS {i};{dept};{codes};{state};{received};{signed};{i % 150};{optional};{snp}"
        )
    return lines


def main(count: int) -> None:
    os.environ["DATABASE_URL"] = fresh_database(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from funding.models import Contract
    from funding.reprise import COLUMNS, ImportRefused, import_file
    from projects.models import Project

    call_command("migrate", verbosity=0)
    content = "\n".join([";".join(COLUMNS), *seed(count)]).encode()

    def timed(**kwargs):
        started = time.perf_counter()
        report = import_file(content, "bench.csv", None, who="benchmark", **kwargs)
        return report, time.perf_counter() - started

    try:
        checked, check_s = timed(dry_run=True)
    except ImportRefused as refused:
        sys.exit("\n".join(str(e) for e in refused.errors[:20]))
    first, first_s = timed()
    again, again_s = timed()
    assert len(checked.new) == count and Project.objects.count() == count, first
    assert Contract.objects.filter(imported=True).count() == count * 2 // 5
    assert len(again.unchanged) == count and not again.new
    print(f"import_cpts: {count} lines ({COMMUNES_PER_LINE} communes each, 40 % signed)")
    print(f"  check only (--dry-run): {check_s:.2f} s")
    print(f"  import: {first_s:.2f} s; the same file again (nothing to write): {again_s:.2f} s")
    print(f"target < {TARGET_S} s: {'OK' if first_s < TARGET_S else 'MISSED'}")
    connection.close()
    if not os.environ.get("BENCH_KEEP_DB"):
        drop_database(BENCH_DB)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
