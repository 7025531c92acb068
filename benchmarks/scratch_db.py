"""A throw-away PostgreSQL database beside DATABASE_URL's, for benchmarks."""

import os
import sys
from urllib.parse import urlparse, urlunparse

import psycopg


def _server():
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL.")
    return url._replace(scheme="postgresql")


def _admin(sql: str) -> None:
    # Through the maintenance database, which every server has.
    with psycopg.connect(urlunparse(_server()._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def fresh_database(name: str) -> str:
    """Drop and create database `name`; its URL."""
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    return urlunparse(_server()._replace(path=f"/{name}"))


def drop_database(name: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
