#!/usr/bin/env bash
# Provide a PostgreSQL server for defmatch and point DATABASE_URL at it.
#
#   source scripts/ensure-postgres.sh      # exports DATABASE_URL in the current shell
#   eval "$(scripts/ensure-postgres.sh)"   # same; executed, it prints `export DATABASE_URL=...`
#   scripts/ensure-postgres.sh stop        # stop the private cluster (case c), if running
#
# Order of decisions (each one is explained on stderr):
#   a. DATABASE_URL already set (or a DATABASE_URL= line in ./.env) -> used as is.
#   b. a server answers on 127.0.0.1:5432 and lets user `postgres` in without a
#      password -> postgres://postgres@127.0.0.1:5432/<db> (db created if missing).
#   c. otherwise a private cluster in <project>/.pgdata on 127.0.0.1:5433 (or the next
#      free port), trust auth, installed with apt-get if needed and started with pg_ctl.
#      As root, the cluster is owned and run by the system user `defmatch-pg`.
# In all cases the build dependencies (cc, pkg-config, libpq-dev, libssl-dev) are
# checked and installed with apt-get if missing.
#
# Environment knobs:
#   DEFMATCH_PG_DB=name      database to use/create in cases b and c (default: defmatch)
#   DEFMATCH_PG_PRIVATE=1    skip a and b: always use the private cluster (c)
#   DEFMATCH_PG_PORT=N       first port to try for a new private cluster (default: 5433)
#   DEFMATCH_PGDATA=dir      data directory of the private cluster (default: <project>/.pgdata)
#   DEFMATCH_PG_USER=name    system user that runs the private cluster when root (default: defmatch-pg)

# ---------------------------------------------------------------------------
# Sourced: run this file as a child process (so `set -e` and helpers do not leak
# into the caller's shell) and export the URL it prints.
# ---------------------------------------------------------------------------
if [[ "${BASH_SOURCE[0]}" != "${0}" ]]; then
    # pass the knobs explicitly: the caller may have set them without `export`
    _defmatch_pg_url="$(DATABASE_URL="${DATABASE_URL:-}" DEFMATCH_PG_DB="${DEFMATCH_PG_DB:-}" \
        DEFMATCH_PG_PRIVATE="${DEFMATCH_PG_PRIVATE:-}" DEFMATCH_PG_PORT="${DEFMATCH_PG_PORT:-}" \
        DEFMATCH_PGDATA="${DEFMATCH_PGDATA:-}" DEFMATCH_PG_USER="${DEFMATCH_PG_USER:-}" \
        bash "${BASH_SOURCE[0]}" --print-url)" || {
        echo "[ensure-postgres] ERROR: could not provide PostgreSQL (see messages above)" >&2
        unset _defmatch_pg_url
        return 1
    }
    export DATABASE_URL="${_defmatch_pg_url}"
    unset _defmatch_pg_url
    return 0
fi

set -euo pipefail

# Everything that is not the final answer goes to stderr; the answer goes to fd 3.
exec 3>&1 1>&2

log() { printf '[ensure-postgres] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DB="${DEFMATCH_PG_DB:-defmatch}"
[[ "$DB" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "DEFMATCH_PG_DB='$DB' is not a plain database name"
PG_SUPERUSER=postgres
MODE="export"

redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

emit() {
    if [[ "$MODE" == print-url ]]; then
        printf '%s\n' "$1" >&3
    else
        printf 'export DATABASE_URL=%q\n' "$1" >&3
    fi
    exit 0
}

# --- package installation ---------------------------------------------------
APT_UPDATED=0
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install() {
    command -v apt-get >/dev/null 2>&1 ||
        die "apt-get not found: install these packages (or their equivalent) yourself: $*"
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "running apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    log "installing with apt-get: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

ensure_build_deps() {
    local missing=()
    command -v cc >/dev/null 2>&1 || missing+=(build-essential)
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    if ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libpq; } &&
        ! dpkg -s libpq-dev >/dev/null 2>&1; then
        missing+=(libpq-dev)
    fi
    # the mail sender's TLS (lettre with native-tls) links OpenSSL
    if ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openssl; } &&
        ! dpkg -s libssl-dev >/dev/null 2>&1; then
        missing+=(libssl-dev)
    fi
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "build dependencies present (cc, pkg-config, libpq-dev, libssl-dev)"
    else
        log "build dependencies missing: ${missing[*]}"
        apt_install "${missing[@]}"
    fi
}

# --- small helpers ------------------------------------------------------------
port_in_use() { # port -> 0 if something accepts TCP connections on 127.0.0.1:port
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

server_answers() { # port
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h 127.0.0.1 -p "$1" -U "$PG_SUPERUSER" -d postgres -t 3
    else
        port_in_use "$1"
    fi
}

pg_bin_dirs() { # Debian/Ubuntu server binary dirs, newest major first
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [[ -d "$d" ]]; then echo "$d"; fi
    done | sort -V -r
}

PSQL=""
find_psql() {
    [[ -n "$PSQL" ]] && return 0
    if command -v psql >/dev/null 2>&1; then
        PSQL="$(command -v psql)"
        return 0
    fi
    local d
    for d in $(pg_bin_dirs); do
        if [[ -x "$d/psql" ]]; then PSQL="$d/psql"; return 0; fi
    done
    log "psql (PostgreSQL client) not found"
    apt_install postgresql-client
    command -v psql >/dev/null 2>&1 || die "psql still not found after installing postgresql-client"
    PSQL="$(command -v psql)"
}

q() { # url sql -> runs sql, never prompts for a password
    PGCONNECT_TIMEOUT=5 "$PSQL" -w -X -q -v ON_ERROR_STOP=1 -tA -d "$1" -c "$2"
}

ensure_db() { # maintenance-url (…/postgres) -> creates $DB if missing
    local maint="$1"
    if [[ "$(q "$maint" "SELECT 1 FROM pg_database WHERE datname = '$DB'")" == 1 ]]; then
        log "database '$DB' exists"
        return 0
    fi
    log "creating database '$DB'"
    # tolerate a concurrent creation by another script
    q "$maint" "CREATE DATABASE \"$DB\"" ||
        [[ "$(q "$maint" "SELECT 1 FROM pg_database WHERE datname = '$DB'")" == 1 ]] ||
        die "could not create database '$DB'"
}

# --- case c: private cluster ------------------------------------------------------
PGBIN=""
find_pgbin() { # [major] -> sets PGBIN to a dir with initdb, pg_ctl and postgres
    local want="${1:-}" d
    local candidates=()
    if [[ -n "$want" ]]; then
        candidates=("/usr/lib/postgresql/$want/bin")
    else
        mapfile -t candidates < <(pg_bin_dirs)
        if command -v initdb >/dev/null 2>&1; then
            candidates+=("$(dirname "$(command -v initdb)")")
        fi
    fi
    for d in "${candidates[@]}"; do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            PGBIN="$d"
            return 0
        fi
    done
    return 1
}

RUN_USER=""
as_pg() { # run a command as the cluster owner
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u "$RUN_USER" -- "$@")
    else
        "$@"
    fi
}

# Decide where the cluster lives and who runs it. $1=1: create the system user if needed.
PGDATA_DIR=""
resolve_cluster() {
    local create_user="$1"
    PGDATA_DIR="${DEFMATCH_PGDATA:-$PROJECT_DIR/.pgdata}"
    if [[ $EUID -ne 0 ]]; then
        RUN_USER="$(id -un)"
        if [[ -e "$PGDATA_DIR" && "$(stat -c %u "$PGDATA_DIR")" != "$EUID" ]]; then
            die "$PGDATA_DIR belongs to user $(stat -c %U "$PGDATA_DIR"), not to you; remove it or run as that user"
        fi
        return 0
    fi

    # Root: initdb refuses to run as root, so a dedicated system user owns the cluster.
    if [[ -s "$PGDATA_DIR/PG_VERSION" ]]; then
        RUN_USER="$(stat -c %U "$PGDATA_DIR")"
        [[ "$RUN_USER" != root ]] || die "$PGDATA_DIR is owned by root; PostgreSQL cannot run as root. Remove it."
        return 0
    fi
    RUN_USER="${DEFMATCH_PG_USER:-defmatch-pg}"
    if ! id -u "$RUN_USER" >/dev/null 2>&1; then
        [[ "$create_user" == 1 ]] || return 1
        command -v useradd >/dev/null 2>&1 || die "useradd not found; cannot create system user $RUN_USER"
        log "running as root: creating system user '$RUN_USER' to own and run the cluster (initdb refuses root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$RUN_USER"
    fi
    local parent
    parent="$(dirname "$PGDATA_DIR")"
    if ! as_pg test -x "$parent" 2>/dev/null; then
        [[ -z "${DEFMATCH_PGDATA:-}" ]] || die "user $RUN_USER cannot reach $parent (set DEFMATCH_PGDATA elsewhere)"
        local sum
        sum="$(printf '%s' "$PROJECT_DIR" | cksum | cut -d' ' -f1)"
        PGDATA_DIR="/var/lib/defmatch-pg/$(basename "$PROJECT_DIR")-$sum"
        log "user $RUN_USER cannot traverse $parent (e.g. a mode-700 home dir);" \
            "using $PGDATA_DIR instead of $PROJECT_DIR/.pgdata"
        if [[ -s "$PGDATA_DIR/PG_VERSION" ]]; then
            RUN_USER="$(stat -c %U "$PGDATA_DIR")"
        elif [[ "$create_user" == 1 ]]; then
            install -d -o "$RUN_USER" -g "$RUN_USER" -m 700 /var/lib/defmatch-pg
        fi
    fi
}

conf_port() { # last `port = N` in postgresql.conf
    sed -nE 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$PGDATA_DIR/postgresql.conf" | tail -n 1
}

pick_free_port() {
    local p start="${DEFMATCH_PG_PORT:-5433}"
    for ((p = start; p < start + 100; p++)); do
        if ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    die "no free TCP port in $start..$((start + 99))"
}

init_cluster() {
    if [[ -e "$PGDATA_DIR" ]] && [[ -n "$(ls -A "$PGDATA_DIR" 2>/dev/null)" ]]; then
        die "$PGDATA_DIR exists but is not a PostgreSQL cluster (no PG_VERSION); remove it"
    fi
    if [[ $EUID -eq 0 ]]; then
        install -d -o "$RUN_USER" -g "$RUN_USER" -m 700 "$PGDATA_DIR"
    else
        install -d -m 700 "$PGDATA_DIR"
    fi
    local locale_opt=(--no-locale)
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale_opt=(--locale=C.UTF-8); fi
    log "initdb: new cluster in $PGDATA_DIR (owner $RUN_USER, superuser $PG_SUPERUSER, trust auth, ${locale_opt[*]})"
    local out
    if ! out="$(as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U "$PG_SUPERUSER" --auth=trust -E UTF8 "${locale_opt[@]}" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "initdb failed"
    fi
    local port sockdir="$PGDATA_DIR"
    port="$(pick_free_port)"
    # unix socket paths are limited to 107 bytes; fall back to TCP only for long paths
    if ((${#sockdir} + 20 > 107)); then sockdir=""; fi
    cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# --- defmatch private development cluster (scripts/ensure-postgres.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
# throw-away dev/test data: trade crash safety for speed (the tests create many databases)
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    offer_tls
}

# The private cluster offers TLS as Debian's packaged server does, so that the
# test that loopback connections do not encrypt has something to refuse.
offer_tls() {
    command -v openssl >/dev/null 2>&1 || apt_install openssl
    if ! as_pg openssl req -new -x509 -days 3650 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$PGDATA_DIR/server.key" -out "$PGDATA_DIR/server.crt" >/dev/null 2>&1; then
        die "openssl could not make the private cluster's certificate"
    fi
    chmod 600 "$PGDATA_DIR/server.key"
    printf 'ssl = on\n' >>"$PGDATA_DIR/postgresql.conf"
    log "the private cluster offers TLS (a self-signed certificate in $PGDATA_DIR)"
}

without_extra_fds() { # run a command with every file descriptor above 2 closed
    (
        for fd in /proc/"$BASHPID"/fd/*; do
            fd="${fd##*/}"
            if ((fd > 2)); then eval "exec $fd>&-"; fi
        done
        "$@"
    )
}

start_cluster() {
    local port
    port="$(conf_port)"
    [[ -n "$port" ]] || die "no port in $PGDATA_DIR/postgresql.conf"
    if port_in_use "$port"; then
        local old="$port"
        port="$(pick_free_port)"
        log "port $old is taken by another program; moving the private cluster to port $port"
        printf 'port = %s\n' "$port" >>"$PGDATA_DIR/postgresql.conf"
    fi
    log "starting private cluster on 127.0.0.1:$port (log: $PGDATA_DIR/server.log)"
    # the server must not inherit our pipes (fd 3 = the caller's $(...)) or the lock (fd 9),
    # or whoever reads our output would wait for the server to exit
    if ! without_extra_fds as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 start >/dev/null; then
        tail -n 20 "$PGDATA_DIR/server.log" >&2 || true
        die "pg_ctl start failed"
    fi
}

running_port() { # port of the running postmaster (line 4 of postmaster.pid)
    sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null
}

private_cluster() {
    if ! find_pgbin; then
        log "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb)"
        apt_install postgresql libpq-dev
        find_pgbin || die "initdb still not found after installing postgresql"
    fi
    resolve_cluster 1

    # serialise concurrent callers (e.g. demo.sh and test.sh started together)
    local lock
    lock="${TMPDIR:-/tmp}/defmatch-pg-$EUID-$(printf '%s' "$PGDATA_DIR" | cksum | cut -d' ' -f1).lock"
    exec 9>"$lock"
    if command -v flock >/dev/null 2>&1; then flock -w 120 9 || die "timed out waiting for $lock"; fi

    if [[ -s "$PGDATA_DIR/PG_VERSION" ]]; then
        local major
        major="$(cat "$PGDATA_DIR/PG_VERSION")"
        find_pgbin "$major" ||
            die "$PGDATA_DIR was created by PostgreSQL $major, whose binaries are not installed; remove it to start afresh"
        log "reusing private cluster in $PGDATA_DIR (PostgreSQL $major, owner $RUN_USER)"
    else
        init_cluster
    fi

    local port
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        port="$(running_port)"
        log "private cluster already running on 127.0.0.1:$port"
    else
        start_cluster
        port="$(running_port)"
    fi
    [[ "$port" =~ ^[0-9]+$ ]] || die "could not read the port from $PGDATA_DIR/postmaster.pid"

    local i
    for ((i = 0; i < 30; i++)); do
        "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" -d postgres -t 2 && break
        sleep 1
    done
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" -d postgres -t 2 || die "private cluster on port $port is not ready"

    PSQL="$PGBIN/psql"
    ensure_db "postgres://$PG_SUPERUSER@127.0.0.1:$port/postgres"
    emit "postgres://$PG_SUPERUSER@127.0.0.1:$port/$DB"
}

stop_private_cluster() {
    find_pgbin || { log "no PostgreSQL server binaries installed: nothing to stop"; exit 0; }
    if ! resolve_cluster 0 || [[ ! -s "$PGDATA_DIR/PG_VERSION" ]]; then
        log "no private cluster found: nothing to stop"
        exit 0
    fi
    find_pgbin "$(cat "$PGDATA_DIR/PG_VERSION")" || die "binaries for $PGDATA_DIR not installed"
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        log "stopping private cluster in $PGDATA_DIR"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
        log "stopped (delete $PGDATA_DIR to throw its data away)"
    else
        log "private cluster in $PGDATA_DIR is not running"
    fi
    exit 0
}

dotenv_url() { # DATABASE_URL from ./.env, if any
    [[ -f "$PROJECT_DIR/.env" ]] || return 1
    local v
    v="$(sed -nE 's/^[[:space:]]*(export[[:space:]]+)?DATABASE_URL[[:space:]]*=[[:space:]]*//p' "$PROJECT_DIR/.env" | tail -n 1)"
    v="${v%\"}"; v="${v#\"}"; v="${v%\'}"; v="${v#\'}"
    [[ -n "$v" ]] && printf '%s' "$v"
}

# --- main ---------------------------------------------------------------------------
main() {
    case "${1:-}" in
        --print-url) MODE=print-url ;;
        stop) stop_private_cluster ;;
        "") ;;
        -h | --help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (try --help)" ;;
    esac

    ensure_build_deps

    if [[ -n "${DEFMATCH_PG_PRIVATE:-}" && "${DEFMATCH_PG_PRIVATE}" != 0 ]]; then
        log "DEFMATCH_PG_PRIVATE=$DEFMATCH_PG_PRIVATE: skipping a (DATABASE_URL) and b (port 5432)"
        log "c. using the private cluster"
        private_cluster
    fi

    if [[ -n "${DATABASE_URL:-}" ]]; then
        log "a. DATABASE_URL is set: using it as is ($(redact "$DATABASE_URL"))"
        emit "$DATABASE_URL"
    fi
    local envurl
    if envurl="$(dotenv_url)"; then
        log "a. DATABASE_URL found in $PROJECT_DIR/.env: using it as is ($(redact "$envurl"))"
        emit "$envurl"
    fi
    log "a. DATABASE_URL is not set"

    if server_answers 5432; then
        log "b. a server answers on 127.0.0.1:5432; trying user $PG_SUPERUSER without password"
        find_psql
        local maint="postgres://$PG_SUPERUSER@127.0.0.1:5432/postgres"
        if q "$maint" "SELECT 1" >/dev/null 2>&1; then
            ensure_db "$maint"
            emit "postgres://$PG_SUPERUSER@127.0.0.1:5432/$DB"
        fi
        log "b. the server on 5432 does not let $PG_SUPERUSER in without a password;" \
            "set DATABASE_URL to use it. Falling back to a private cluster."
    else
        log "b. no server answers on 127.0.0.1:5432"
    fi

    log "c. using a private cluster"
    private_cluster
}

main "$@"
