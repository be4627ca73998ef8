#!/usr/bin/env bash
# Make PostgreSQL and Redis answer on 127.0.0.1: use the running ones, else
# start the local Debian ones. The project connects as
# postgresql://postgres@127.0.0.1:5432/... without a password.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

pg_up()    { pg_isready -q -h 127.0.0.1 -p 5432; }
pg_login() { psql -X -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

wait_for() {  # wait_for <what> <check function>
    for _ in $(seq 60); do "$2" && return 0; sleep 0.5; done
    echo "$1 did not come up on 127.0.0.1" >&2
    exit 1
}

pg_version() {  # the Debian cluster "main", created when missing
    local ver
    ver=$(pg_lsclusters -h 2>/dev/null | awk '$2 == "main" {print $1; exit}')
    if [ -z "$ver" ]; then
        ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
        $SUDO pg_createcluster "$ver" main >&2
    fi
    echo "$ver"
}

trust_loopback() {  # passwordless 127.0.0.1 / ::1 logins for the postgres user
    local ver=$1 hba tmp
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    tmp=$(mktemp)
    { echo "# ckanext-shafaf (scripts/ensure_services.sh): passwordless loopback for postgres"
      echo "host    all    postgres    127.0.0.1/32    trust"
      echo "host    all    postgres    ::1/128         trust"
      cat "$hba"; } >"$tmp"
    $SUDO tee "$hba" <"$tmp" >/dev/null
    rm -f "$tmp"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
    echo "PostgreSQL: loopback connections as postgres are now trusted ($hba)"
}

if ! pg_up; then
    ver=$(pg_version)
    echo "Starting PostgreSQL $ver"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start
    wait_for PostgreSQL pg_up
fi
if ! pg_login && [ -f var/.installed-postgresql ]; then
    trust_loopback "$(pg_version)"
    wait_for "passwordless PostgreSQL login" pg_login
fi
if ! pg_login; then
    echo "PostgreSQL answers on 127.0.0.1:5432 but 'psql -h 127.0.0.1 -U postgres' needs a" >&2
    echo "password; allow it in pg_hba.conf (host all postgres 127.0.0.1/32 trust)." >&2
    exit 1
fi

if ! redis_up; then
    echo "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    wait_for Redis redis_up
fi
echo "PostgreSQL and Redis answer on 127.0.0.1"
