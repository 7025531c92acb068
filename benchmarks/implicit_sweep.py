"""Benchmark: the implicit-validation sweep over a backlog of 10 000 due projects on PostgreSQL.

Creates a throw-away database next to DATABASE_URL's, migrates it, inserts the projects in bulk
(deadlines spread over two months, as after two months without a scheduler), then runs the beat
task's body once, as the scheduler does, and counts the statements it sends on its connection.
Target: < 10 s, a bounded number of statements per batch (not per project).
The tasks each batch queues on commit (mails, documents) go to an in-memory broker: no worker
runs here, their work is the worker's, not the sweep's.
Usage: DATABASE_URL=postgres://... python benchmarks/implicit_sweep.py [N]
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from scratch_db import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DB = "cpts_bench_sweep"
TARGET_S = 10
# A backlog after two months without a scheduler: every batch holds 60 decision dates.
SPREAD_DAYS = 60


def count_statements(connection) -> list:
    """Statements sent on `connection` from now on."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    connection.ensure_connection()
    connection.execute_wrappers.append(record)
    return statements


def seed(count: int) -> None:
    from django.db import connection

    from projects.models import Project
    from projects.states import State
    from territories.models import Departement, Region

    dept = Departement.objects.create(
        code="33", name="Gironde", region=Region.objects.create(code="75", name="NA")
    )
    projects = []
    for i in range(count):
        received = dt.date(2025, 1, 1) + dt.timedelta(days=i % SPREAD_DAYS)
        deadline = received + relativedelta(months=2)
        projects.append(
            Project(
                name=f"CPTS {i}",
                departement=dept,
                state=State.PS_DEPOSE,
                ps_received_on=received,
                ps_deadline=deadline,
                ps_implicit_on=deadline + dt.timedelta(days=1),
            )
        )
    Project.objects.bulk_create(projects, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main(count: int) -> None:
    os.environ["DATABASE_URL"] = fresh_database(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from cpts_portal.celery import app
    from projects.models import ProjectEvent
    from projects.tasks import sweep_implicit_validations

    app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    seed(count)

    statements = count_statements(connection)
    started = time.perf_counter()
    done = sweep_implicit_validations()  # the beat task's body, in this process
    elapsed = time.perf_counter() - started

    assert done == count, (done, count)
    assert ProjectEvent.objects.filter(transition="deem_ps_validated").count() == count
    batch = settings.CPTS_IMPLICIT_SWEEP_BATCH_SIZE
    # The last look finds nothing when the backlog is a whole number of batches.
    batches = count // batch + 1
    print(
        f"implicit sweep: {count} projects ({SPREAD_DAYS} decision dates) deemed validated in "
        f"{elapsed:.2f} s (one connection)"
    )
    print(
        f"statements: {len(statements)} for {batches} batches of up to {batch} "
        f"({len(statements) / batches:.1f} per batch, {len(statements) / count:.4f} per project)"
    )
    print(f"target < {TARGET_S} s: {'OK' if elapsed < TARGET_S else 'MISSED'}")
    connection.close()
    drop_database(BENCH_DB)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
