"""Benchmark: the ARS dashboard and its exports over N projects of one département.

Creates a throw-away database next to DATABASE_URL's, inserts N projects in bulk (a third with
a PS under review), then times, for an ARS DD agent: the first page sorted by deadline, the
"deadline within 15 days" filter, the CSV and XLSX exports of every row, and counts queries.
Usage: DATABASE_URL=postgres://... python benchmarks/dashboard.py [N]
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from scratch_db import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DB = "cpts_bench_dashboard"


def main(count: int) -> None:
    os.environ["DATABASE_URL"] = fresh_database(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import Organisation, OrganisationKind, User
    from projects.models import Project
    from projects.states import State
    from territories.models import Departement, Region

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    dept = Departement.objects.create(
        code="33", name="Gironde", region=Region.objects.create(code="75", name="NA")
    )
    today = dt.date.today()
    Project.objects.bulk_create(
        (
            Project(
                name=f"CPTS {i:06d}",
                departement=dept,
                state=State.PS_DEPOSE if i % 3 == 0 else State.LI_DEPOSEE,
                ps_deadline=today + dt.timedelta(days=i % 90 - 10) if i % 3 == 0 else None,
                taille=i % 4 + 1,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    org = Organisation.objects.create(kind=OrganisationKind.ARS_DD, name="DD", departement=dept)
    agent = User.objects.create(username="ars", organisation=org)
    client = Client()
    client.force_login(agent)

    def measure(label, params, runs=5):
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get("/projets/", params)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        print(
            f"{label:<42} median {statistics.median(times) * 1000:8.1f} ms"
            f"   queries {len(ctx.captured_queries):3d}   bytes {len(response.content):>10,}"
        )

    print(f"{count} projects in one département, ARS DD agent")
    measure("first page, sorted by deadline", {})
    measure("filter: deadline within 15 days", {"deadline_within": 15})
    measure("filter: state + taille, sorted by name", {"state": "ps_depose", "taille": 2,
                                                      "sort": "name"})  # fmt: skip
    measure("export CSV (all rows)", {"_export": "csv"}, runs=3)
    measure("export XLSX (all rows)", {"_export": "xlsx"}, runs=1)
    connection.close()
    drop_database(BENCH_DB)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
