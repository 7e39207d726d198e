#!/usr/bin/env bash
# The production drill: two replicas of this project's binary on one PostgreSQL database behind
# nginx with TLS (deploy/nginx/defmatch.conf, a self-signed certificate), put through five
# scenarios. Prints ONE JSON line with the figures on stdout; everything else goes to stderr.
#
#   scripts/production-drill.sh          # CI runs it after the test suite (.ci/run)
#
#   1. rolling_restart   mixed HTTPS load through nginx while replica A, then B, is drained in
#                        nginx, gets SIGTERM and restarts: no request may fail; every acknowledged
#                        write is in PostgreSQL and found by search on both replicas.
#   2. concurrent_start  both replicas start at the same moment on an empty database: the
#                        migrations run once, both become ready, the demo data is seeded once.
#   3. backup_restore    pg_dump under load, restore into a new database, a third replica with an
#                        empty INDEX_DIR rebuilds (progress in its log); the counts of start-ups,
#                        challenges, introductions and audit events match the dump, and a record
#                        written just before the dump is found by search.
#   4. client_address    the audit trail records the client's address from nginx's
#                        X-Forwarded-For; a forged X-Forwarded-For sent straight to a replica is
#                        ignored.
#   5. kill_replica      kill -9 of a replica under load: no read fails, failed writes are
#                        counted, no acknowledged write is lost.
# It exits non-zero on a lost acknowledged write, a failed request in the rolling restart, a
# failed read after the kill, a restore whose counts differ, or any check that does not hold.
#
# Bounded: at most DRILL_LOAD_SECONDS (default 45) of load per scenario, 8 clients (DRILL_CLIENTS),
# every wait has a deadline; the whole drill takes about two to four minutes after the build.
# All traffic goes to 127.0.0.1. Every process it starts is stopped on exit, and its databases
# (defmatch_drill, defmatch_drill_restore on the server of DATABASE_URL) are dropped; DRILL_KEEP=1
# keeps them and the work directory with the logs. Installs nginx, openssl, python3 and the
# PostgreSQL client with apt-get when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PROJECT_DIR="$(pwd -P)"

CLIENTS="${DRILL_CLIENTS:-8}"
LOAD_SECONDS="${DRILL_LOAD_SECONDS:-45}"
DB_MAIN=defmatch_drill
DB_RESTORE=defmatch_drill_restore
# nginx is the trusted proxy; the drill's own client connects from another loopback address, so
# that the address in the audit trail shows where it came from.
CLIENT_ADDRESS=127.0.0.3
FORGED_ADDRESS=198.51.100.66

log() { printf '[production-drill] %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# shellcheck source=scripts/common.sh
source scripts/common.sh
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* yourself"
    log "installing with apt-get: $*"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; then
        # a stale or missing package list is the usual cause: refresh it once and retry
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
    fi
}

# --- 1. tools ------------------------------------------------------------------------------
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
missing=()
[[ -x "$NGINX" ]] || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
if [[ ${#missing[@]} -gt 0 ]]; then apt_install "${missing[@]}"; fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX" ]] || die "nginx is still missing after installing it"
log "$("$NGINX" -v 2>&1), $(openssl version), $(pg_dump --version)"
LOAD=(python3 "$PROJECT_DIR/scripts/drill-load.py")

if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
    # shellcheck source=/dev/null
    . "$HOME/.cargo/env"
fi

# --- 2. PostgreSQL and the binary ----------------------------------------------------------
export DEFMATCH_PG_DB="$DB_MAIN"
# exports DATABASE_URL (finds or starts PostgreSQL; see the file)
# shellcheck source=/dev/null
source scripts/ensure-postgres.sh
read -r MAIN_URL RESTORE_URL MAINT_URL < <(python3 - "$DATABASE_URL" "$DB_MAIN" "$DB_RESTORE" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit
url, *names = sys.argv[1:]
parts = urlsplit(url)
print(*(urlunsplit(parts._replace(path="/" + name)) for name in names + ["postgres"]))
EOF
)
sql() { # url query -> rows, one per line
    PGCONNECT_TIMEOUT=5 psql -X -w -q -tA -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}
fresh_database() { # name
    sql "$MAINT_URL" "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    sql "$MAINT_URL" "CREATE DATABASE \"$1\"" >/dev/null
}

log "+ cargo build --bin defmatch"
cargo build --bin defmatch >&2
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET_DIR/debug/defmatch"
[[ -x "$BIN" ]] || die "cargo build left no executable $BIN"

# --- 3. work directory, certificate, nginx, clean-up ----------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/defmatch-drill.XXXXXX")"
chmod 755 "$WORK" # nginx's workers (nobody when run as root) read below it
declare -A PID=()
NGINX_PID=""
LOAD_PID=""

stop_process() { # pid [signal] -> waits at most 40 s (the service's grace is 30 s)
    local pid="$1" signal="${2:-TERM}"
    kill -"$signal" "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$? name
    trap - EXIT
    [[ -z "$LOAD_PID" ]] || stop_process "$LOAD_PID"
    for name in "${!PID[@]}"; do stop_process "${PID[$name]}"; done
    [[ -z "$NGINX_PID" ]] || stop_process "$NGINX_PID" QUIT
    if [[ "${DRILL_KEEP:-0}" == 1 ]]; then
        log "DRILL_KEEP=1: kept $WORK and the databases $DB_MAIN, $DB_RESTORE"
    else
        sql "$MAINT_URL" "DROP DATABASE IF EXISTS \"$DB_MAIN\" WITH (FORCE)" >/dev/null 2>&1 || true
        sql "$MAINT_URL" "DROP DATABASE IF EXISTS \"$DB_RESTORE\" WITH (FORCE)" >/dev/null 2>&1 || true
        if [[ $status -ne 0 ]]; then
            log "the last lines of the replicas' logs:"
            tail -n 15 "$WORK"/replica-*.log >&2 2>/dev/null || true
        fi
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
declare -A PORT=([a]="$(free_port)" [b]="$(free_port)" [c]="$(free_port)")
NGINX_PORT="$(free_port)"
PROXY="https://127.0.0.1:$NGINX_PORT"
CERT="$WORK/tls/cert.pem"
mkdir -p "$WORK/tls" "$WORK/nginx/logs" "$WORK/nginx/cache"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/key.pem" -out "$CERT" 2>/dev/null
chmod 644 "$WORK/tls/key.pem" # read by nginx's master only; a throw-away key
JWT_SECRET="$(openssl rand -hex 32)"
METRICS_TOKEN="$(openssl rand -hex 24)"

# The shipped site file, pointed at this drill's ports, certificate and directories.
sed -e "s#listen 443 ssl http2;#listen 127.0.0.1:$NGINX_PORT ssl http2;#" \
    -e '/listen \[::\]/d' \
    -e "s#127.0.0.1:8081#127.0.0.1:${PORT[a]}#" -e "s#127.0.0.1:8082#127.0.0.1:${PORT[b]}#" \
    -e "s#/etc/ssl/defmatch/fullchain.pem#$CERT#" -e "s#/etc/ssl/defmatch/privkey.pem#$WORK/tls/key.pem#" \
    -e "s#/var/cache/nginx/defmatch#$WORK/nginx/cache#" \
    -e '/^# --- plain HTTP/,/^}/d' \
    deploy/nginx/defmatch.conf >"$WORK/nginx/site.conf"
# The shapes the shipped file has, not bare numbers: a free port or the
# work directory's random name may well contain "443" or "8081".
if grep -qE 'listen (\[::\]:)?(443|80)\b|127\.0\.0\.1:808[12]\b|/etc/ssl/' "$WORK/nginx/site.conf"; then
    die "deploy/nginx/defmatch.conf changed shape: the drill could not point it at its own ports"
fi
user_line=""
if [[ $EUID -eq 0 ]]; then user_line="user nobody nogroup;"; fi
cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/nginx/site.conf;
}
EOF
"$NGINX" -t -q -e "$WORK/nginx/logs/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" ||
    die "nginx does not accept the configuration"

start_replica() { # name database-url index-dir
    local name="$1"
    DATABASE_URL="$2" INDEX_DIR="$3" JWT_SECRET="$JWT_SECRET" DEFMATCH_DATA_DIR="$WORK/data-$name" \
        DEFMATCH_LOG_FORMAT=json DEFMATCH_TRUSTED_PROXIES=127.0.0.1 METRICS_TOKEN="$METRICS_TOKEN" RUST_LOG=info \
        "$BIN" serve --demo --bind "127.0.0.1:${PORT[$name]}" >>"$WORK/replica-$name.log" 2>&1 &
    PID[$name]=$!
}
replica_url() { echo "http://127.0.0.1:${PORT[$1]}"; }
wait_ready() { # name
    "${LOAD[@]}" ready --base "$(replica_url "$1")" --pid "${PID[$1]}" --seconds 120 ||
        die "replica $1 did not become ready (log: $WORK/replica-$1.log)"
}
seconds_since() { python3 -c "import sys, time; print(round(time.time() - float(sys.argv[1]), 2))" "$1"; }
now() { date +%s.%N; }
json_field() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

start_load() { # acked-file seconds -> load report into $WORK/load.json when it ends
    rm -f "$WORK/stop-load"
    "${LOAD[@]}" load --base "$PROXY" --cafile "$CERT" --tokens "$WORK/tokens.json" \
        --acked "$1" --clients "$CLIENTS" --seconds "$2" --think-ms 50 \
        --stop-file "$WORK/stop-load" >"$WORK/load.json" &
    LOAD_PID=$!
}
finish_load() { # -> REPORT: the load generator's JSON line (not in $(...): it waits for a child)
    touch "$WORK/stop-load"
    wait "$LOAD_PID" || die "the load generator failed"
    LOAD_PID=""
    REPORT="$(cat "$WORK/load.json")"
}
nginx_route() { # name on|off -> nginx sends that replica requests, or not (reload, then old workers gone)
    local port="${PORT[$1]}" old_children
    if [[ "$2" == off ]]; then
        sed -i "s#^\(    server 127.0.0.1:$port .*\);\$#\1 down;#" "$WORK/nginx/site.conf"
    else
        sed -i "s#^\(    server 127.0.0.1:$port .*\) down;\$#\1;#" "$WORK/nginx/site.conf"
    fi
    old_children="$(ps -o pid= --ppid "$NGINX_PID" | tr '\n' ' ')"
    kill -HUP "$NGINX_PID"
    # the old workers finish their requests (to that replica too) and exit
    for _ in $(seq 1 150); do
        # shellcheck disable=SC2086 # a list of pids
        ps -o pid= -p ${old_children:-0} >/dev/null 2>&1 || return 0
        sleep 0.1
    done
    die "nginx's old workers did not exit within 15 s of a reload"
}
restart_replica() { # name -> RESULT[rolling_restart_<name>_seconds]: from draining to serving again
    local name="$1" started
    started="$(now)"
    log "draining replica $name in nginx, then SIGTERM (pid ${PID[$name]})"
    nginx_route "$name" off
    stop_process "${PID[$name]}"
    start_replica "$name" "$MAIN_URL" "$WORK/index-$name"
    wait_ready "$name"
    nginx_route "$name" on
    RESULT[rolling_restart_${name}_seconds]="$(seconds_since "$started")"
}
declare -A RESULT=()
ERRORS=()
check() { # condition-is-true description
    if [[ "$1" != true ]]; then ERRORS+=("$2"); log "CHECK FAILED: $2"; else log "ok: $2"; fi
}

DRILL_STARTED="$(now)"

# --- scenario 2: two replicas start together on an empty database --------------------------
log "scenario 2: two replicas start at the same moment on an empty database"
fresh_database "$DB_MAIN"
started="$(now)"
start_replica a "$MAIN_URL" "$WORK/index-a"
start_replica b "$MAIN_URL" "$WORK/index-b"
wait_ready a
wait_ready b
RESULT[concurrent_start_seconds]="$(seconds_since "$started")"
migrations_known="$(find migrations -mindepth 1 -maxdepth 1 -type d | wc -l)"
migrations_applied="$(sql "$MAIN_URL" "SELECT count(*) FROM __diesel_schema_migrations")"
migrating_replicas="$(grep -l '"applied migrations"' "$WORK"/replica-a.log "$WORK"/replica-b.log | wc -l)"
seeding_replicas="$(grep -l 'Demo data seeded' "$WORK"/replica-a.log "$WORK"/replica-b.log | wc -l)"
admins="$(sql "$MAIN_URL" "SELECT count(*) FROM users WHERE email = 'admin@defmatch.example'")"
challenges_seeded="$(sql "$MAIN_URL" "SELECT count(*) FROM challenges")"
duplicate_titles="$(sql "$MAIN_URL" "SELECT count(*) FROM (SELECT title FROM challenges GROUP BY title HAVING count(*) > 1) d")"
RESULT[concurrent_start_migrations_applied]="$migrations_applied"
RESULT[concurrent_start_migrating_replicas]="$migrating_replicas"
RESULT[concurrent_start_seeding_replicas]="$seeding_replicas"
RESULT[concurrent_start_challenges]="$challenges_seeded"
check "$([[ $migrations_applied == "$migrations_known" ]] && echo true)" \
    "every migration applied once ($migrations_applied of $migrations_known)"
check "$([[ $migrating_replicas == 1 ]] && echo true)" "one replica ran the migrations ($migrating_replicas)"
check "$([[ $seeding_replicas == 1 && $admins == 1 && $duplicate_titles == 0 ]] && echo true)" \
    "the demo data seeded once ($seeding_replicas seeding replicas, $admins admin, $duplicate_titles duplicated titles)"

log "starting nginx on $PROXY"
"$NGINX" -e "$WORK/nginx/logs/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
"${LOAD[@]}" ready --base "$PROXY" --cafile "$CERT" --pid "$NGINX_PID" --seconds 20 ||
    die "nginx does not answer (log: $WORK/nginx/logs/error.log)"
edge="$("${LOAD[@]}" edge --base "$PROXY" --cafile "$CERT")" || die "could not check what nginx adds"
log "nginx in front: $edge"
edge_field() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$edge" "$1"; }
RESULT[edge_alpn]="$(edge_field alpn)"
RESULT[edge_tls]="$(edge_field tls)"
RESULT[edge_second_asset_cache]="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["asset_cache"][1])' "$edge")"
RESULT[edge_oversized_body_status]="$(edge_field oversized_body_status)"
check "$([[ ${RESULT[edge_alpn]} == h2 && $(edge_field hsts) == max-age=* ]] && echo true)" \
    "nginx speaks HTTP/2 over ${RESULT[edge_tls]} and sends HSTS"
check "$([[ ${RESULT[edge_second_asset_cache]} == HIT ]] && echo true)" "nginx serves the stylesheet from its cache"
check "$([[ ${RESULT[edge_oversized_body_status]} == 413 ]] && echo true)" "nginx refuses a body over 1 MiB with 413"
python3 - "$WORK/tokens.json" "$PROXY" "$CERT" "${LOAD[1]}" <<'EOF' || die "could not log in"
import json, subprocess, sys
path, base, cafile, load = sys.argv[1:]
def login(email):
    return subprocess.run([sys.executable, load, "login", "--base", base, "--cafile", cafile,
                           "--email", email], check=True, capture_output=True, text=True).stdout.strip()
tokens = {"admin": login("admin@defmatch.example"),
          "procurement": login("inkoop.dmo@defmatch.example"),
          "startup": login("daan@zaanwind.example"),
          "rom": login("rom-inwest@defmatch.example")}
with open(path, "w", encoding="utf-8") as out:
    json.dump(tokens, out)
EOF

# --- scenario 1: rolling restart under load ------------------------------------------------
log "scenario 1: rolling restart of A, then B, under load ($CLIENTS clients through nginx)"
started="$(now)"
start_load "$WORK/acked-rolling" "$LOAD_SECONDS"
sleep 3
restart_replica a
sleep 2
restart_replica b
sleep 2
finish_load
log "load: $REPORT"
verify="$("${LOAD[@]}" verify --tokens "$WORK/tokens.json" --acked "$WORK/acked-rolling" \
    --database-url "$MAIN_URL" --replica "$(replica_url a)" --replica "$(replica_url b)")" || true
log "verify: $verify"
RESULT[rolling_restart_seconds]="$(seconds_since "$started")"
RESULT[rolling_restart_requests]="$(json_field "$REPORT" requests)"
RESULT[rolling_restart_failed]="$(json_field "$REPORT" failed)"
RESULT[rolling_restart_writes_acked]="$(json_field "$REPORT" writes_acked)"
RESULT[rolling_restart_p99_ms]="$(json_field "$REPORT" p99_ms)"
RESULT[rolling_restart_reconnects]="$(json_field "$REPORT" reconnects)"
RESULT[rolling_restart_lost_writes]="$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["missing_in_database"] + max(r["not_searchable"].values()))' "$verify")"
check "$([[ ${RESULT[rolling_restart_failed]} == 0 ]] && echo true)" \
    "no request failed during the rolling restart (${RESULT[rolling_restart_failed]} of ${RESULT[rolling_restart_requests]})"
check "$([[ ${RESULT[rolling_restart_lost_writes]} == 0 && ${RESULT[rolling_restart_writes_acked]} -gt 0 ]] && echo true)" \
    "every acknowledged write (${RESULT[rolling_restart_writes_acked]}) is in PostgreSQL and found on both replicas"

# --- scenario 4: the client's address ------------------------------------------------------
log "scenario 4: the client's address in the audit trail"
started="$(now)"
last_login_address() {
    sql "$MAIN_URL" "SELECT detail->>'client_ip' FROM audit_events WHERE action = 'login' ORDER BY id DESC LIMIT 1"
}
"${LOAD[@]}" login --base "$PROXY" --cafile "$CERT" --email admin@defmatch.example \
    --source-address "$CLIENT_ADDRESS" >/dev/null
via_proxy="$(last_login_address)"
"${LOAD[@]}" login --base "$PROXY" --cafile "$CERT" --email admin@defmatch.example \
    --source-address "$CLIENT_ADDRESS" --forwarded-for "$FORGED_ADDRESS" >/dev/null
forged_via_proxy="$(last_login_address)"
"${LOAD[@]}" login --base "$(replica_url a)" --email admin@defmatch.example \
    --source-address "$CLIENT_ADDRESS" --forwarded-for "$FORGED_ADDRESS" >/dev/null
forged_direct="$(last_login_address)"
RESULT[client_address_via_proxy]="$via_proxy"
RESULT[client_address_forged_via_proxy]="$forged_via_proxy"
RESULT[client_address_forged_direct]="$forged_direct"
RESULT[client_address_seconds]="$(seconds_since "$started")"
check "$([[ $via_proxy == "$CLIENT_ADDRESS" ]] && echo true)" \
    "through nginx the audit trail records the client's address ($via_proxy, nginx connects from 127.0.0.1)"
check "$([[ $forged_via_proxy == "$CLIENT_ADDRESS" ]] && echo true)" \
    "nginx replaces a client's own X-Forwarded-For ($forged_via_proxy)"
check "$([[ $forged_direct == "$CLIENT_ADDRESS" ]] && echo true)" \
    "a forged X-Forwarded-For sent straight to a replica is ignored ($forged_direct)"

# --- scenario 3: backup and restore --------------------------------------------------------
log "scenario 3: pg_dump under load, restore, a replica with an empty index on the copy"
started="$(now)"
start_load "$WORK/acked-backup" "$LOAD_SECONDS"
sleep 3
"${LOAD[@]}" introduce --base "$PROXY" --cafile "$CERT" --tokens "$WORK/tokens.json" >/dev/null ||
    die "could not propose an introduction"
read -r last_id last_marker < <("${LOAD[@]}" write --base "$PROXY" --cafile "$CERT" --tokens "$WORK/tokens.json")
dump_started="$(now)"
pg_dump -Fc -d "$MAIN_URL" -f "$WORK/backup.dump" || die "pg_dump failed"
RESULT[backup_dump_seconds]="$(seconds_since "$dump_started")"
finish_load
log "load during the dump: $REPORT"
RESULT[backup_load_requests]="$(json_field "$REPORT" requests)"
RESULT[backup_load_failed]="$(json_field "$REPORT" failed)"
dump_count() { # table -> rows of its data in the dump
    pg_restore --data-only --table="$1" -f - "$WORK/backup.dump" |
        awk '/^COPY /{copying = 1; next} /^\\\.$/{copying = 0} copying{rows++} END{print rows + 0}'
}
fresh_database "$DB_RESTORE"
restore_started="$(now)"
pg_restore --no-owner --exit-on-error -d "$RESTORE_URL" "$WORK/backup.dump" || die "pg_restore failed"
RESULT[backup_pg_restore_seconds]="$(seconds_since "$restore_started")"
counts_match=true
for table in startups challenges introductions audit_events; do
    in_dump="$(dump_count "$table")"
    restored="$(sql "$RESTORE_URL" "SELECT count(*) FROM $table")"
    RESULT[backup_${table}]="$restored"
    if [[ "$in_dump" != "$restored" ]]; then
        counts_match=false
        log "$table: $in_dump in the dump, $restored restored"
    fi
done
check "$counts_match" "the restored counts match the dump (start-ups ${RESULT[backup_startups]}, challenges ${RESULT[backup_challenges]}, introductions ${RESULT[backup_introductions]}, audit events ${RESULT[backup_audit_events]})"
rebuild_started="$(now)"
start_replica c "$RESTORE_URL" "$WORK/index-c"
wait_ready c
RESULT[backup_rebuild_seconds]="$(seconds_since "$rebuild_started")"
progress_lines="$(grep -c '"rebuilding the search index"' "$WORK/replica-c.log" || true)"
RESULT[backup_rebuild_progress_lines]="$progress_lines"
check "$([[ $progress_lines -ge 2 ]] && grep -q '"search index rebuilt"' "$WORK/replica-c.log" && echo true)" \
    "the replica on the restored database rebuilt its empty index, with progress in its log ($progress_lines lines)"
echo "$last_id $last_marker" >"$WORK/acked-last"
found="$("${LOAD[@]}" verify --tokens "$WORK/tokens.json" --acked "$WORK/acked-last" \
    --database-url "$RESTORE_URL" --replica "$(replica_url c)")" && found_ok=true || found_ok=false
log "the record written just before the dump: $found"
check "$found_ok" "the record written just before the dump ($last_marker) is found by search on the restored copy"
stop_process "${PID[c]}"
unset 'PID[c]'
RESULT[backup_restore_seconds]="$(seconds_since "$started")"

# --- scenario 5: kill -9 of a replica under load -------------------------------------------
log "scenario 5: kill -9 of replica B under load"
started="$(now)"
start_load "$WORK/acked-kill" "$LOAD_SECONDS"
sleep 4
log "kill -9 replica b (pid ${PID[b]})"
kill -KILL "${PID[b]}"
wait "${PID[b]}" 2>/dev/null || true
sleep 4
start_replica b "$MAIN_URL" "$WORK/index-b"
wait_ready b
sleep 2
finish_load
log "load: $REPORT"
cat "$WORK/acked-rolling" "$WORK/acked-backup" "$WORK/acked-kill" >"$WORK/acked-all"
verify="$("${LOAD[@]}" verify --tokens "$WORK/tokens.json" --acked "$WORK/acked-all" \
    --database-url "$MAIN_URL" --replica "$(replica_url a)" --replica "$(replica_url b)")" || true
log "verify (every write acknowledged in scenarios 1, 3 and 5): $verify"
RESULT[kill_replica_seconds]="$(seconds_since "$started")"
RESULT[kill_replica_requests]="$(json_field "$REPORT" requests)"
RESULT[kill_replica_reads_failed]="$(json_field "$REPORT" reads_failed)"
RESULT[kill_replica_writes_failed]="$(json_field "$REPORT" writes_failed)"
RESULT[kill_replica_writes_acked]="$(json_field "$REPORT" writes_acked)"
RESULT[all_writes_acked]="$(json_field "$verify" acked)"
RESULT[all_lost_writes]="$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["missing_in_database"] + max(r["not_searchable"].values()))' "$verify")"
outbox_lag() { # name -> defmatch_search_outbox_lag of that replica's /metrics
    python3 - "$(replica_url "$1")/metrics" "$METRICS_TOKEN" <<'EOF'
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
with urllib.request.urlopen(request, timeout=10) as response:
    text = response.read().decode()
print(next(line.split()[1] for line in text.splitlines() if line.startswith("defmatch_search_outbox_lag ")))
EOF
}
RESULT[final_outbox_lag_a]="$(outbox_lag a)"
RESULT[final_outbox_lag_b]="$(outbox_lag b)"
check "$([[ ${RESULT[kill_replica_reads_failed]} == 0 ]] && echo true)" "no read failed when B was killed"
check "$([[ ${RESULT[all_lost_writes]} == 0 ]] && echo true)" \
    "no acknowledged write lost (${RESULT[all_writes_acked]} in scenarios 1, 3 and 5; ${RESULT[kill_replica_writes_failed]} writes failed at the kill)"
check "$([[ ${RESULT[backup_load_failed]} == 0 ]] && echo true)" "no request failed during the dump"

# --- the report ----------------------------------------------------------------------------
RESULT[drill_seconds]="$(seconds_since "$DRILL_STARTED")"
RESULT[passed]="$([[ ${#ERRORS[@]} == 0 ]] && echo true || echo false)"
for key in "${!RESULT[@]}"; do printf '%s\t%s\n' "$key" "${RESULT[$key]}"; done |
    python3 -c '
import json, sys
result = {}
for line in sys.stdin:
    key, value = line.rstrip("\n").split("\t", 1)
    for convert in (int, float):
        try:
            value = convert(value)
            break
        except ValueError:
            pass
    if value in ("true", "false"):
        value = value == "true"
    result[key] = value
print(json.dumps(dict(sorted(result.items()))))'
if [[ ${#ERRORS[@]} -gt 0 ]]; then
    printf '%s\n' "${ERRORS[@]}" | sed 's/^/[production-drill] FAILED: /' >&2
    exit 1
fi
log "every check held"
