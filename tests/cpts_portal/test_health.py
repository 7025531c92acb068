"""/healthz: 200 "ok" only when PostgreSQL answers, the broker connects and beat ran recently;
the compose probe passes with production settings."""

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
import yaml
from django.db import connections
from django.utils import timezone

from outbox.services import beat
from tests.outbox.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
CLOSED = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


@pytest.fixture
def beat_ran(db):
    beat()


def get(client):
    response = client.get("/healthz")
    return response.status_code, response.content.decode()


def test_ok_when_everything_answers(client, beat_ran):
    assert get(client) == (200, "ok")


def test_503_without_a_recent_beat(client, db, settings):
    assert get(client) == (503, "échec : beat")  # never ran
    beat()
    later = timezone.now() + dt.timedelta(seconds=settings.HEALTHZ_BEAT_MAX_AGE_SECONDS + 1)
    with time_machine.travel(later):
        assert get(client) == (503, "échec : beat")


def test_503_with_the_broker_unreachable(client, beat_ran, settings):
    settings.CELERY_BROKER_URL = CLOSED
    assert get(client) == (503, "échec : broker")


@pytest.fixture
def unreachable_database(db, settings):
    """A database alias whose server port is closed."""
    alias = "unreachable"
    connections.settings[alias] = {**connections.settings["default"], "PORT": str(free_port())}
    settings.HEALTHZ_DATABASES = ["default", alias]
    yield
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_503_with_postgresql_unreachable(client, beat_ran, unreachable_database):
    assert get(client) == (503, "échec : database")


@pytest.fixture
def production_server(transactional_db):
    """gunicorn serving the app with production settings, on the test database."""
    beat()  # committed: the server's own connection sees it
    db = connections["default"].settings_dict
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-real-secret-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": ".sante.example.fr,cpts.sante.example.fr",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "cpts_portal.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port)
        yield f"http://127.0.0.1:{port}", env
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_serving(port):
    """Until the worker answers (the master binds the port before Django is loaded)."""
    for _ in range(600):
        try:
            status(f"http://127.0.0.1:{port}/healthz", "cpts.sante.example.fr")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def status(url, host):
    request = urllib.request.Request(url, headers={"Host": host})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_compose_probe_passes_with_production_settings(production_server):
    base, env = production_server
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[:2] == ["CMD", "python"]
    run = subprocess.run(
        [sys.executable, *command[2:]],
        cwd=ROOT,
        env={**env, "HEALTHZ_URL": f"{base}/healthz"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stderr
    # What the probe avoids: an unknown host is refused, other pages redirect to https.
    assert status(f"{base}/healthz", "127.0.0.1") == 400
    assert status(f"{base}/accounts/login/", "cpts.sante.example.fr") == 301
    assert status(f"{base}/healthz", "cpts.sante.example.fr") == 200
