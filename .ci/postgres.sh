#!/usr/bin/env bash
# Start a local PostgreSQL for the test suite and print the URL to reach it:
#
#   eval "$(.ci/postgres.sh)"    # sets AUTOBE_TEST_POSTGRES_URL
#
# Idempotent: installs PostgreSQL only when no server binaries are found (Debian/Ubuntu,
# non-interactive apt-get), starts the packaged cluster (pg_ctlcluster) when there is one and
# otherwise (or with AUTOBE_PG_PRIVATE=1) a private cluster initialised under $AUTOBE_PG_DIR
# (default /tmp/autobe-postgres) on a free port, then creates
# the test role and database unless they exist. Every line except the final `export ...`
# goes to stderr, so the output is safe to eval. Tests create a fresh schema per test and drop
# it afterwards, so one database serves any number of runs.
set -euo pipefail

PG_USER="${AUTOBE_PG_USER:-autobe}"
PG_PASSWORD="${AUTOBE_PG_PASSWORD:-autobe}"
PG_DB="${AUTOBE_PG_DB:-autobe_test}"
PG_DIR="${AUTOBE_PG_DIR:-/tmp/autobe-postgres}"
PRIVATE="${AUTOBE_PG_PRIVATE:-}"  # non-empty: always use the private cluster

log() { echo "postgres.sh: $*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
    else log "need root (or sudo) to run: $*"; return 1
    fi
}

find_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return 0; fi
    return 1
}

# -- 1. binaries
if ! BINDIR="$(find_bindir)"; then
    log "installing PostgreSQL (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BINDIR="$(find_bindir)" || { log "no PostgreSQL binaries after install"; exit 1; }
fi
VERSION="$(basename "$(dirname "$BINDIR")")"

# Run a command as the database superuser's OS account.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    elif [ "$(id -un)" = postgres ] || [ "${SERVER_KIND:-}" = private ]; then
        "$@"
    else
        sudo -n -u postgres "$@"
    fi
}

# -- 2. a running server: host, port, socket directory
SERVER_KIND=""
HOST=127.0.0.1
PORT=""
SOCKDIR=""

if [ -z "$PRIVATE" ] && command -v pg_lsclusters >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
        && pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$VERSION main"; then
    PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')"
    if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' \
            | grep -q online; then
        log "starting cluster $VERSION/main on port $PORT"
        mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
        pg_ctlcluster "$VERSION" main start >&2 || log "pg_ctlcluster failed"
    fi
    if pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' \
            | grep -q online; then
        SERVER_KIND=cluster
        SOCKDIR=/var/run/postgresql
    fi
fi

if [ -z "$SERVER_KIND" ]; then
    # A private cluster: trust over the socket for setup, passwords over TCP.
    SERVER_KIND=private
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" postgres
        mkdir -p "$PG_DIR" && chown postgres "$PG_DIR"
        SERVER_KIND=private-root
    else
        mkdir -p "$PG_DIR"
    fi
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        log "initialising a private cluster in $PG_DIR/data"
        as_pg "$BINDIR/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 >&2
    fi
    if [ -f "$PG_DIR/port" ]; then
        PORT="$(cat "$PG_DIR/port")"
    else
        PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
        echo "$PORT" > "$PG_DIR/port"
    fi
    SOCKDIR="$PG_DIR"
    if ! as_pg "$BINDIR/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        log "starting private cluster on port $PORT"
        as_pg "$BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
            -o "-p $PORT -k $PG_DIR -c listen_addresses=127.0.0.1" >&2
    fi
fi

for _ in $(seq 1 30); do
    "$BINDIR/pg_isready" -q -h "$HOST" -p "$PORT" && break
    sleep 1
done
"$BINDIR/pg_isready" -h "$HOST" -p "$PORT" >&2 || { log "server not ready"; exit 1; }

# -- 3. role and database (idempotent)
psql_su() { as_pg "$BINDIR/psql" -h "$SOCKDIR" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

psql_su -d postgres >&2 <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$PG_USER', '$PG_PASSWORD')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') \gexec
ALTER ROLE "$PG_USER" LOGIN PASSWORD '$PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_USER')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL

log "ready: $SERVER_KIND server $VERSION on $HOST:$PORT, database $PG_DB"
echo "export AUTOBE_TEST_POSTGRES_URL=postgresql://$PG_USER:$PG_PASSWORD@$HOST:$PORT/$PG_DB"
