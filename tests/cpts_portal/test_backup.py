"""`make backup` / `make restore` round-trip a PostgreSQL database with pg_dump/pg_restore."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
DB = "cpts_backup_roundtrip"


@pytest.fixture
def scratch_database():
    # Create and drop through the maintenance database, which every server has.
    server = urlparse(os.environ["DATABASE_URL"])._replace(scheme="postgresql", path="/postgres")
    with psycopg.connect(urlunparse(server), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    url = urlunparse(server._replace(path=f"/{DB}"))
    yield url
    with psycopg.connect(urlunparse(server), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def run(*args, env):
    result = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_backup_then_restore_brings_the_data_back(scratch_database, tmp_path):
    env = {"DATABASE_URL": scratch_database, "BACKUP_DIR": str(tmp_path)}
    run(sys.executable, "manage.py", "migrate", "--noinput", "-v0", env=env)
    with psycopg.connect(scratch_database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO territories_region (code, name) VALUES ('75', 'Nouvelle-Aquitaine')"
        )

    dump = run("make", "-s", "backup", env=env).strip().splitlines()[-1]
    assert Path(dump).stat().st_size > 0 and Path(dump).parent == tmp_path

    with psycopg.connect(scratch_database, autocommit=True) as conn:
        conn.execute("DELETE FROM territories_region")
        conn.execute("DROP TABLE projects_projectevent CASCADE")  # worse than lost rows
    run("make", "-s", "restore", f"FILE={dump}", env=env)

    with psycopg.connect(scratch_database) as conn:
        assert conn.execute("SELECT name FROM territories_region").fetchall() == [
            ("Nouvelle-Aquitaine",)
        ]
        assert conn.execute("SELECT count(*) FROM projects_projectevent").fetchone() == (0,)


def test_restore_refuses_a_missing_file(scratch_database):
    result = subprocess.run(
        ["make", "-s", "restore", "FILE=/nonexistent.dump"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": scratch_database},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and "cannot read" in result.stderr
