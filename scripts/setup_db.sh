#!/usr/bin/env bash
# Usage: scripts/setup_db.sh CKAN_DB DATASTORE_DB
# Creates the two databases and the DataStore read-only role when absent.
# `make serve` passes shafaf shafaf_datastore, `make test` the *_test pair.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 CKAN_DB DATASTORE_DB" >&2; exit 2; }
RO_ROLE=shafaf_datastore_ro
RO_PASSWORD=shafaf_ro
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)

exists() { [ "$("${PSQL[@]}" -tAc "$1")" = 1 ]; }

if ! exists "SELECT 1 FROM pg_roles WHERE rolname = '$RO_ROLE'"; then
    "${PSQL[@]}" -c "CREATE ROLE $RO_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$RO_PASSWORD'"
    echo "created role $RO_ROLE"
fi
for db in "$@"; do
    [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "bad database name: $db" >&2; exit 2; }
    if ! exists "SELECT 1 FROM pg_database WHERE datname = '$db'"; then
        "${PSQL[@]}" -c "CREATE DATABASE $db OWNER postgres ENCODING 'UTF8' TEMPLATE template0"
        echo "created database $db"
    fi
done
