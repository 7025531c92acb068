#!/usr/bin/env bash
# Dump the PostgreSQL database of DATABASE_URL to backups/cpts-<UTC timestamp>.dump (custom format).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
dir="${BACKUP_DIR:-backups}"
mkdir -p "$dir"
file="$dir/cpts-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file="$file" "$DATABASE_URL"
pg_restore --list "$file" >/dev/null  # a dump that cannot be read is no backup
echo "$file"
