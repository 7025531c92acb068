#!/usr/bin/env bash
# Restore a dump made by backup.sh into the database of DATABASE_URL, replacing its content.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"
file="${1:?usage: restore.sh FILE.dump}"
[ -r "$file" ] || { echo "restore: cannot read $file" >&2; exit 1; }
pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
