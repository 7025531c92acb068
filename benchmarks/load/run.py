"""Benchmark: a working day of 100 people at once, at 10 000 CPTS projects (`make bench-load`).

Creates a throw-away PostgreSQL database next to DATABASE_URL's, loads every commune, seeds the
10 000 projects of `make bench-http` (every state, all of France) and, in the région with the
most communes: committees with their agendas, signed five-year ACI contracts with indicators
and results, and 100 accounts of every role (ARS délégations and siège, CPAM, URPS, leaders),
each logged in with its own session (session cookies made in process, as `force_login` does:
no password, no second factor). It then measures in process what must stay flat (maps,
commune search, whole-région exports, a five-year contract page), serves the app with gunicorn
on 127.0.0.1 and runs locust headless (`locustfile.py`): 100 people with think time, two
minutes. It prints p50/p95/p99 per kind of page and the error count, then a JSON line.
Target (issue 16): p95 < 200 ms for every kind of page, 0 errors.

Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... python benchmarks/load/run.py [N]
Options: BENCH_USERS (100), BENCH_DURATION (2m), BENCH_WORKERS (CPUs + 1), BENCH_DB
(cpts_bench_load), BENCH_KEEP_DB=1. The Celery tasks that writes enqueue go to REDIS_URL's
database: give it one of its own (the Makefile uses 13); it is flushed before and after.
"""

import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent)]

from http_load import free_port, insert_projects, machine, plan_projects, serve  # noqa: E402
from scratch_db import drop_database, fresh_database  # noqa: E402
from seed import ROLES, USERS, people, seed_region  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB", "cpts_bench_load")
DURATION = os.environ.get("BENCH_DURATION", "2m")
P95_TARGET_MS = 200


# --- Measures in process ---------------------------------------------------------------------


def timed(client, url, runs=15) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        b"".join(client.get(url))  # a streamed response is consumed too
        times.append((time.perf_counter() - started) * 1000)
    return {"ms": round(statistics.median(times), 1), "queries": count}


def peak_mb(client, url) -> float:
    tracemalloc.start()
    b"".join(client.get(url))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def flat_measures(region, orgs, persons) -> dict:
    """What must not grow with the data: maps, commune search, exports, a five-year contract."""
    from django.test import Client

    from accounts.models import User
    from funding.models import Contract

    def client_of(org):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.filter(organisation=org).first())
        return client

    siege, dd = client_of(orgs["ars"][0]), client_of(orgs["ars_dd"][0])
    leader = Client(HTTP_HOST="127.0.0.1")
    leader.cookies["sessionid"] = next(p["session"] for p in persons if p["role"] == "leader")
    project = next(p["projects"][0] for p in persons if p["role"] == "leader")
    contract = Contract.objects.filter(project__departement__region=region).first()
    departement = orgs["ars_dd"][0].departement
    out = {
        "région map": timed(siege, "/projets/territoires/carte/", 5),
        "département map": timed(dd, "/projets/territoires/carte/"),
        "project map": timed(leader, f"/projets/{project}/territoire/carte.svg"),
        "commune search": timed(dd, "/territoires/communes/?q=saint"),
        "five-year contract": timed(dd, f"/financement/contrats/{contract.pk}/"),
    }
    for fmt in ("csv", "xlsx"):
        for who, client in ((f"département {departement.code}", dd), ("région", siege)):
            url = f"/projets/?_export={fmt}"
            out[f"{fmt.upper()} export, {who}"] = {
                **timed(client, url, 3),
                "peak_mb": peak_mb(client, url),
            }
    return out


def page_urls(person) -> dict:
    """One URL of each kind of page this person opens (as the locustfile does, at random)."""
    project = person["projects"][0]
    urls = {
        "dashboard": "/projets/",
        "dashboard (filters, sort, page)": "/projets/?sort=-name&page=3",
        "project page": f"/projets/{project}/",
        "committee list": "/projets/comites/",
        "deadlines (/echeances/)": "/echeances/",
    }
    if person["role"] != "leader":
        urls["map"] = "/projets/territoires/carte/"
    if person.get("committees"):
        urls["committee page"] = f"/projets/comites/{person['committees'][0]}/"
    if person.get("contracts"):
        urls["contract page"] = f"/financement/contrats/{person['contracts'][0]}/"
    if person["role"] in ("leader", "ars_dd", "ars"):
        urls["write: message (form)"] = f"/projets/{project}/messages/"
    if person.get("editable"):
        urls["write: LI draft (form)"] = f"/projets/{person['editable'][0]}/lettre-intention/"
    return urls


def page_costs(persons) -> dict:
    """Median render of each kind of page for one person of each role, in process: what a
    request costs the server before any queueing."""
    from django.test import Client

    out = {}
    for role in ROLES:
        person = next(p for p in persons if p["role"] == role)
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = person["session"]
        for kind, url in page_urls(person).items():
            out.setdefault(kind, {})[role] = timed(client, url, 5)["ms"]
    return out


# --- Load ------------------------------------------------------------------------------------


def run_locust(base: str, users_file: str, csv_prefix: str) -> None:
    locust = Path(sys.executable).with_name("locust")
    env = dict(os.environ, BENCH_LOAD_USERS=users_file)
    subprocess.run(
        [
            str(locust),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            "10",
            "--run-time",
            DURATION,
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--csv",
            csv_prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,  # locust exits 1 when a request failed: the report says which
        timeout=60 * 30,
    )


def read_stats(csv_prefix: str) -> dict:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    }


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def main(count: int) -> None:
    os.environ["DATABASE_URL"] = database_url = fresh_database(BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.http_settings"
    os.environ["CPTS_PASSWORD_2FA"] = "0"  # sessions made in process: no second factor
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    flush_redis()
    try:
        run(count, database_url)
    finally:
        from django.db import connections

        connections.close_all()
        flush_redis()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop_database(BENCH_DB)


def run(count: int, database_url: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from territories.loader import load_reference_data

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_reference_data()
    insert_projects(plan_projects(count), 0)
    region, orgs = seed_region()
    persons = people(region, orgs)
    print(f"seeded {count} projects, {len(persons)} people ({time.perf_counter() - started:.0f} s)")
    flat = flat_measures(region, orgs, persons)
    costs = page_costs(persons)

    port = free_port()
    server = serve(database_url, port)
    with tempfile.TemporaryDirectory() as tmp:
        users_file = Path(tmp, "users.json")
        users_file.write_text(json.dumps(persons))
        try:
            run_locust(f"http://127.0.0.1:{port}", str(users_file), f"{tmp}/locust")
        finally:
            server.terminate()
            server.wait(timeout=30)
        stats = read_stats(f"{tmp}/locust")
    report(count, region, flat, costs, stats)


def report(count, region, flat, costs, stats) -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nLoad, {count} projects, {USERS} people ({region.name}), {DURATION}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
        f"machine: {machine()}; load average {load} (locust, gunicorn and PostgreSQL share it)"
    )
    print(f"{'in process (median)':<32}{'ms':>8}{'queries':>9}{'peak MB':>9}")
    for name, m in flat.items():
        print(f"{name:<32}{m['ms']:>8.1f}{m['queries']:>9}{m.get('peak_mb', ''):>9}")
    print(f"\n{'alone, median ms':<32}" + "".join(f"{role:>8}" for role in ROLES))
    for kind, by_role in sorted(costs.items()):
        cells = "".join(f"{by_role[r]:>8.1f}" if r in by_role else f"{'':>8}" for r in ROLES)
        print(f"{kind:<32}{cells}")
    print(f"\n{'kind of page':<32}{'requests':>9}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}")
    for name, s in sorted(stats.items()):
        print(
            f"{name:<32}{s['requests']:>9}{s['errors']:>7}"
            f"{s['p50_ms']:>7.0f}{s['p95_ms']:>7.0f}{s['p99_ms']:>7.0f}"
        )
    errors = sum(s["errors"] for s in stats.values())
    slow = [name for name, s in stats.items() if s["p95_ms"] >= P95_TARGET_MS]
    print(
        f"targets: p95 < {P95_TARGET_MS} ms {'OK' if not slow else 'MISSED: ' + ', '.join(slow)}"
        f"; errors {errors} ({'OK' if errors == 0 else 'MISSED'})"
    )
    print(json.dumps({"errors": errors, "pages": stats, "alone_ms": costs, "in_process": flat}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
