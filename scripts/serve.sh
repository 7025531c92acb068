#!/usr/bin/env bash
# Serve the app with its Celery worker and beat scheduler; stopping this stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Django's debug pages only on request (DJANGO_DEBUG=1); static files are served by whitenoise
# from the collected folder either way.
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"
"$BIN/celery" -A cpts_portal worker --beat --loglevel=INFO --concurrency=2 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
"$BIN/python" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
