"""CPU time and queries per render, in process, on the data of `make bench-load`.

A machine shared with others makes wall-clock throughput noise; the CPU time of this process
for one render (PostgreSQL's own time excluded) and the query count are the figures to compare
before and after a change. The database is seeded once and kept:

    python benchmarks/renders.py seed            # BENCH_DB (cpts_bench_renders), 10 000 projects
    python benchmarks/renders.py measure [KIND]  # median CPU ms and queries, per kind and role
                                                 # (seeds first if the database is not there)
    python benchmarks/renders.py profile KIND ROLE [N]   # cProfile, top entries by own time
    python benchmarks/renders.py queries KIND ROLE       # the SQL of one render

Options: BENCH_DB, BENCH_RUNS (renders per measure, 30), BENCH_ROLES (e.g. "ars,ars_dd"),
BENCH_SORT and BENCH_TOP (the profile's order, "tottime", and length, 25), BENCH_SQL_CUT (300).
"""

import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE), str(HERE / "load")]

BENCH_DB = os.environ.get("BENCH_DB", "cpts_bench_renders")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
SQL_CUT = int(os.environ.get("BENCH_SQL_CUT", "300"))  # characters of each query printed
PEOPLE = Path(os.environ.get("BENCH_PEOPLE", f"/tmp/{BENCH_DB}.people.json"))


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.http_settings"
    os.environ["CPTS_PASSWORD_2FA"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a kept database gets the code's new tables


def seed(count: int) -> None:
    from scratch_db import fresh_database

    _setup(fresh_database(BENCH_DB))
    from http_load import insert_projects, plan_projects
    from seed import people, seed_region

    from territories.loader import load_reference_data

    started = time.perf_counter()
    load_reference_data()
    insert_projects(plan_projects(count), 0)
    region, orgs = seed_region()
    persons = people(region, orgs)
    PEOPLE.write_text(json.dumps(persons))
    print(
        f"seeded {count} projects, {len(persons)} people in {time.perf_counter() - started:.0f} s"
    )


def _database_url() -> str:
    from urllib.parse import urlparse, urlunparse

    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    return urlunparse(url._replace(path=f"/{BENCH_DB}"))


def _clients():
    """One person per role, with their session."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client
    from seed import ROLES

    persons = json.loads(PEOPLE.read_text())
    wanted = os.environ.get("BENCH_ROLES")
    roles = wanted.split(",") if wanted else list(ROLES)
    for role in roles:
        person = next(p for p in persons if p["role"] == role)
        # A session of its own, opened by the code measured (the seed's names its backend).
        user_id = SessionStore(session_key=person["session"]).load()["_auth_user_id"]
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(pk=user_id))
        yield role, person, client


def render_cost(client, url: str, runs: int = RUNS, **headers) -> dict:
    """Median CPU and wall ms of one render (streamed bodies consumed), and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(client.get(url, **headers))
    count = len(queries)  # read now: the next request's `reset_queries` empties the log
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        b"".join(client.get(url, **headers))
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return {
        "cpu_ms": round(statistics.median(cpu) * 1000, 1),
        "wall_ms": round(statistics.median(wall) * 1000, 1),
        "queries": count,
        "kb": round(len(body) / 1024),
    }


def page_urls(person) -> dict:
    """The load test's kinds of page, and the yearly evaluation's form that its leaders under
    contract fill in and the CPAM reads (locustfile `evaluation()`: year 4)."""
    from run import page_urls as load_urls

    urls = load_urls(person)
    if person.get("contracts") and person["role"] in ("leader", "cpam"):
        contract = person["contracts"][0]
        urls["write: evaluation (form)"] = f"/financement/contrats/{contract}/evaluations/4/"
    return urls


def _seeded() -> bool:
    import psycopg

    try:
        with psycopg.connect(_database_url().replace("postgres://", "postgresql://", 1)):
            return PEOPLE.exists()
    except psycopg.OperationalError:
        return False


def measure(only: str = "") -> None:
    if not _seeded():
        seed(10_000)
    else:
        _setup(_database_url())
    rows = []
    for role, person, client in _clients():
        for kind, url in page_urls(person).items():
            if only and only not in kind:
                continue
            rows.append((kind, role, render_cost(client, url)))
    if not only or only in "API list":
        rows.append((API_LIST, "ars", _api_list_cost()))
    print(f"{'kind of page':<34}{'role':<8}{'cpu ms':>8}{'wall ms':>9}{'queries':>8}{'KB':>6}")
    for kind, role, m in sorted(rows):
        print(
            f"{kind:<34}{role:<8}{m['cpu_ms']:>8.1f}{m['wall_ms']:>9.1f}"
            f"{m['queries']:>8}{m['kb']:>6}"
        )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average {load}")


API_LIST = "API list (50 rows)"


def _api_client():
    """A client, the URL and the headers of `/api/projects/` with a key of the regional ARS
    (the seed's "ARS bench")."""
    from django.test import Client

    from accounts.models import Organisation
    from accounts.tokens import create_token

    key = create_token(Organisation.objects.get(name="ARS bench"), "renders")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return Client(HTTP_HOST="127.0.0.1"), "/api/projects/", auth


def _api_list_cost() -> dict:
    client, url, auth = _api_client()
    return render_cost(client, url, **auth)


def _page(kind: str, role: str):
    """The client, URL and headers of one kind of page (the API list: the ARS's key)."""
    os.environ["BENCH_ROLES"] = role
    _setup(_database_url())
    if kind == API_LIST:
        return _api_client()
    _role, person, client = next(_clients())
    return client, page_urls(person)[kind], {}


def profile(kind: str, role: str, runs: int) -> None:
    client, url, headers = _page(kind, role)
    client.get(url, **headers)
    profiler = cProfile.Profile(time.process_time)  # CPU time, not a busy machine's waits
    profiler.enable()
    for _ in range(runs):
        b"".join(client.get(url, **headers))
    profiler.disable()
    order, top = os.environ.get("BENCH_SORT", "tottime"), int(os.environ.get("BENCH_TOP", "25"))
    pstats.Stats(profiler).sort_stats(order).print_stats(top)


def queries(kind: str, role: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url, headers = _page(kind, role)
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as captured:
        b"".join(client.get(url, **headers))
    for query in captured.captured_queries:
        print(f"{query['time']} {query['sql'][:SQL_CUT]}\n")
    print(f"{len(captured)} queries for {url}")


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["measure"]
    if command == "seed":
        seed(int(args[0]) if args else 10_000)
    elif command == "measure":
        measure(args[0] if args else "")
    elif command == "profile":
        profile(args[0], args[1], int(args[2]) if len(args) > 2 else 30)
    elif command == "queries":
        queries(args[0], args[1])
    else:
        sys.exit(__doc__)
