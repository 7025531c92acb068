"""Benchmark: the implicit-validation sweep over 100 000 due projects on PostgreSQL.

Creates a throw-away database next to DATABASE_URL's, migrates it, inserts the projects in bulk,
then times one sweep as the scheduler runs it (CPTS_IMPLICIT_SWEEP_WORKERS connections at once)
and counts its queries on every connection. Target: < 2 s, queries bounded per batch (not per
project). Usage: DATABASE_URL=postgres://... python benchmarks/implicit_sweep.py [N]
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

from scratch_db import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DB = "cpts_bench_sweep"


def count_queries_on_every_connection() -> list:
    """Statements run from now on, on this thread's connection and on any opened later."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    statements = []  # list.append is atomic: safe from several threads

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def watch(sender, connection, **kwargs):
        connection.execute_wrappers.append(record)

    connection.ensure_connection()
    connection.execute_wrappers.append(record)
    connection_created.connect(watch, weak=False)
    return statements


def main(count: int) -> None:
    os.environ["DATABASE_URL"] = fresh_database(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from projects.models import Project, ProjectEvent
    from projects.services import sweep_implicit_validations
    from projects.states import State
    from territories.models import Departement, Region

    call_command("migrate", verbosity=0)
    dept = Departement.objects.create(
        code="33", name="Gironde", region=Region.objects.create(code="75", name="NA")
    )
    received = dt.date(2025, 1, 15)
    deadline = dt.date(2025, 3, 15)
    Project.objects.bulk_create(
        (
            Project(
                name=f"CPTS {i}",
                departement=dept,
                state=State.PS_DEPOSE,
                ps_received_on=received,
                ps_deadline=deadline,
                ps_implicit_on=deadline + dt.timedelta(days=1),
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    queries = count_queries_on_every_connection()
    started = time.perf_counter()
    done = sweep_implicit_validations()  # as the scheduler runs it
    elapsed = time.perf_counter() - started

    assert done == count, (done, count)
    assert ProjectEvent.objects.count() == count
    batch = django.conf.settings.CPTS_IMPLICIT_SWEEP_BATCH_SIZE
    batches = -(-count // batch)
    workers = django.conf.settings.CPTS_IMPLICIT_SWEEP_WORKERS
    print(
        f"implicit sweep: {count} projects deemed validated in {elapsed:.3f} s "
        f"({workers} connections)"
    )
    print(
        f"queries: {len(queries)} for {batches} batches of {batch} (per batch: "
        f"{len(queries) / batches:.1f}; per project: {len(queries) / count:.4f})"
    )
    print(f"target < 2 s: {'OK' if elapsed < 2 else 'MISSED'}")
    connection.close()
    drop_database(BENCH_DB)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
