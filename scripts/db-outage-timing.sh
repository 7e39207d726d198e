#!/usr/bin/env bash
# Times what a running defmatch does while its database is down: how fast
# /readyz and a database-bound request answer 503, and how soon /readyz is
# 200 again once the database is back. It starts a private PostgreSQL
# cluster (initdb, as the postgres user when run as root) on its own port,
# so that no shared database is stopped, and removes it at the end.
#
#   scripts/db-outage-timing.sh [path/to/defmatch]   (default: target/debug/defmatch)
#
# Environment: OUTAGE_PG_PORT (default 5499), OUTAGE_HTTP_PORT (default 18481).
set -euo pipefail

binary=${1:-${CARGO_TARGET_DIR:-target}/debug/defmatch}
pg_port=${OUTAGE_PG_PORT:-5499}
http_port=${OUTAGE_HTTP_PORT:-18481}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d /tmp/defmatch-outage.XXXXXX)
chmod 755 "$work"
server_pid=""

log() { printf '%s\n' "$*" >&2; }
die() { log "db-outage-timing: $*"; exit 1; }

as_postgres() {
    if [[ $EUID -eq 0 ]]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    as_postgres "$pg_bin/pg_ctl -D $work/pg/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

[[ -x $binary ]] || die "no defmatch binary at $binary (cargo build first)"

# Seconds a request takes, and its status: "0.012 503".
timed() {
    curl -s -o /dev/null -m 10 -w '%{time_total} %{http_code}\n' "http://127.0.0.1:$http_port$1"
}

# The cluster's directory belongs to the user that runs PostgreSQL.
mkdir -p "$work/pg" && { [[ $EUID -ne 0 ]] || chown postgres "$work/pg"; }
as_postgres "$pg_bin/initdb -D $work/pg/data -A trust -U postgres" >/dev/null
start_pg() { as_postgres "$pg_bin/pg_ctl -D $work/pg/data -o '-p $pg_port -k /tmp -c listen_addresses=127.0.0.1' -l $work/pg/log -w start" >/dev/null; }
start_pg
database_url="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"

DATABASE_URL=$database_url JWT_SECRET=outage-timing-secret-of-at-least-32-bytes \
    INDEX_DIR=$work/index DEFMATCH_DATA_DIR=$work/data RUST_LOG=warn \
    "$binary" serve --bind "127.0.0.1:$http_port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
    [[ $(timed /readyz | cut -d' ' -f2) == 200 ]] && break
    sleep 0.1
done
log "up:    /readyz $(timed /readyz)   GET /api/v1/challenges $(timed /api/v1/challenges)"

as_postgres "$pg_bin/pg_ctl -D $work/pg/data -m immediate stop" >/dev/null
for round in 1 2 3 4 5; do
    log "down $round: /readyz $(timed /readyz)   GET /api/v1/challenges $(timed /api/v1/challenges)"
done

start_pg
back=$(date +%s.%N)
while [[ $(timed /readyz | cut -d' ' -f2) != 200 ]]; do sleep 0.02; done
log "back:  /readyz 200 after $(echo "$(date +%s.%N) - $back" | bc) s (from pg_ctl start returning)"
log "       GET /api/v1/challenges $(timed /api/v1/challenges)"
