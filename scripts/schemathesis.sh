#!/usr/bin/env bash
# Property-based API testing driven by the OpenAPI spec (schemathesis) against the demo server.
#
#   scripts/schemathesis.sh                    # build, fresh demo database, start server, test, stop
#   SCHEMATHESIS_MAX_EXAMPLES=100 scripts/schemathesis.sh
#   scripts/schemathesis.sh --include-path-regex '/challenges'   # extra arguments go to `schemathesis run`
#
# Steps: a Python venv in target/schemathesis-venv with a pinned schemathesis; `cargo build`;
# PostgreSQL from scripts/ensure-postgres.sh, with the database `defmatch_schemathesis` dropped
# and created anew (always on the same server as DATABASE_URL); `defmatch serve --demo` on a free
# port of 127.0.0.1; logins (the demo admin for most operations, a procurement officer and a new
# start-up account where only those roles get past 403); `schemathesis run` with every check and
# a generated config file (statuses the spec documents that the checks' defaults lack, and 400 for
# the operations with rules between fields or with stored data); the server is stopped on exit.
# Exits non-zero when schemathesis reports a failure. See docs/schemathesis.md.
#
# Environment knobs:
#   SCHEMATHESIS_MAX_EXAMPLES=N    test cases per operation and phase (default: 200)
#   SCHEMATHESIS_PHASES=list       default: examples,coverage,fuzzing,stateful
#   SCHEMATHESIS_WORKERS=N         concurrent workers (default: 2)
#   SCHEMATHESIS_SEED=N            random seed, for a reproducible run (default: random; printed)
#   SCHEMATHESIS_REPORT_DIR=dir    JUnit report and server log (default: target/schemathesis-report)
#   SCHEMATHESIS_PG_DB=name        the throw-away database, DROPPED at every run
#                                  (default: defmatch_schemathesis; DEFMATCH_PG_DB is ignored)
#   SCHEMATHESIS_STRICT=1          no per-operation 400 exceptions (shows what they accept)
#   SCHEMATHESIS_SPEC=file         test against this edited copy of the spec instead of the served one
set -euo pipefail
# relative to the caller's directory, before the cd below
if [[ -n "${SCHEMATHESIS_SPEC:-}" ]]; then SCHEMATHESIS_SPEC="$(realpath -- "$SCHEMATHESIS_SPEC")"; fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PROJECT_DIR="$(pwd -P)"

SCHEMATHESIS_VERSION="4.32.5"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-200}"
PHASES="${SCHEMATHESIS_PHASES:-examples,coverage,fuzzing,stateful}"
WORKERS="${SCHEMATHESIS_WORKERS:-2}"
SEED="${SCHEMATHESIS_SEED:-$((RANDOM * 32768 + RANDOM))}"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-$PROJECT_DIR/target/schemathesis-report}"
VENV="$PROJECT_DIR/target/schemathesis-venv"
ADMIN_EMAIL="admin@defmatch.example"
PROCUREMENT_EMAIL="inkoop.dmo@defmatch.example"
DEMO_PASSWORD="defmatch-demo"

log() { printf '[schemathesis.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* yourself"
    log "installing with apt-get: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# --- 1. Python venv with schemathesis ---------------------------------------------------
command -v python3 >/dev/null 2>&1 || apt_install python3
if [[ ! -x "$VENV/bin/schemathesis" ]] ||
    [[ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        # Debian ships venv/ensurepip separately (python3-venv, or python3.X-venv)
        py_minor="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_install python3-venv "python${py_minor}-venv" || apt_install python3-venv
    fi
    rm -rf "$VENV"
    log "creating $VENV with schemathesis==$SCHEMATHESIS_VERSION"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
PY="$VENV/bin/python"
log "$("$VENV/bin/schemathesis" --version)"

# --- 2. build ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
    # shellcheck source=/dev/null
    . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust from https://rustup.rs"

# --- 3. PostgreSQL with a fresh database ---------------------------------------------------
# not DEFMATCH_PG_DB: one exported for the demo must not get its database dropped here
export DEFMATCH_PG_DB="${SCHEMATHESIS_PG_DB:-defmatch_schemathesis}"
# exports DATABASE_URL (see the file for how PostgreSQL is found; also installs libpq-dev etc.)
# shellcheck source=/dev/null
source scripts/ensure-postgres.sh

log "+ cargo build --bin defmatch"
cargo build --bin defmatch
# The binary is where cargo put it: CARGO_TARGET_DIR (or a cargo config) may move the target
# directory away from ./target.
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
SERVER_BIN="$TARGET_DIR/debug/defmatch"
[[ -x "$SERVER_BIN" ]] || die "cargo build left no executable $SERVER_BIN"

# The same server as DATABASE_URL, but our own database (even when DATABASE_URL named another)
# and the maintenance database `postgres` to drop and create it from.
read -r DB_URL MAINT_URL < <("$PY" - "$DATABASE_URL" "$DEFMATCH_PG_DB" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit
url, db = sys.argv[1], sys.argv[2]
parts = urlsplit(url)
print(urlunsplit(parts._replace(path="/" + db)), urlunsplit(parts._replace(path="/postgres")))
EOF
)
[[ "$DEFMATCH_PG_DB" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "DEFMATCH_PG_DB='$DEFMATCH_PG_DB' is not a plain name"

PSQL="$(command -v psql || true)"
if [[ -z "$PSQL" ]]; then
    for candidate in /usr/lib/postgresql/*/bin/psql; do
        if [[ -x "$candidate" ]]; then PSQL="$candidate"; fi # any client can drop and create
    done
fi
if [[ -z "$PSQL" ]]; then
    apt_install postgresql-client
    PSQL="$(command -v psql)"
fi
psql_maint() { PGCONNECT_TIMEOUT=5 "$PSQL" -w -X -q -v ON_ERROR_STOP=1 -tA -d "$MAINT_URL" -c "$1"; }
log "dropping and creating database '$DEFMATCH_PG_DB' (fresh demo data)"
psql_maint "DROP DATABASE IF EXISTS \"$DEFMATCH_PG_DB\" WITH (FORCE)" 2>/dev/null ||
    psql_maint "DROP DATABASE IF EXISTS \"$DEFMATCH_PG_DB\"" # PostgreSQL < 13 has no FORCE
psql_maint "CREATE DATABASE \"$DEFMATCH_PG_DB\""
export DATABASE_URL="$DB_URL"

# --- 4. start the demo server --------------------------------------------------------------
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/defmatch-schemathesis.XXXXXX")"
SERVER_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        log "stopping the server (pid $SERVER_PID)"
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$REPORT_DIR"
SERVER_LOG="$REPORT_DIR/server.log"
log "starting $SERVER_BIN serve --demo --bind 127.0.0.1:$PORT (log: $SERVER_LOG)"
DEFMATCH_DATA_DIR="$WORK_DIR/data" INDEX_DIR="$WORK_DIR/index" DEFMATCH_LOG_FORMAT=json \
    "$SERVER_BIN" serve --demo --bind "127.0.0.1:$PORT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# --- 5. wait for /readyz, log in as the demo admin ----------------------------------------------
"$PY" - "$BASE" "$SERVER_PID" <<'EOF' || { tail -n 30 "$SERVER_LOG" >&2; die "the server did not become ready"; }
import os, sys, time, urllib.request
base, pid = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 120
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("server exited")
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.5)
sys.exit("timed out")
EOF
log "server ready on $BASE"

login() { # email -> prints an access token
    "$PY" - "$BASE" "$1" "$DEMO_PASSWORD" <<'EOF'
import json, sys, urllib.request
base, email, password = sys.argv[1:4]
request = urllib.request.Request(
    base + "/api/v1/auth/login",
    data=json.dumps({"email": email, "password": password}).encode(),
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(request, timeout=10) as r:
    print(json.load(r)["access_token"])
EOF
}
register_startup() { # prints the access token of a new start-up account without a profile
    "$PY" - "$BASE" "$DEMO_PASSWORD" <<'EOF'
import json, sys, time, urllib.error, urllib.request
base, password = sys.argv[1:3]
email = "schemathesis@startup.example"
def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(request, timeout=30)
post("/api/v1/auth/register", {"email": email, "password": password,
     "display_name": "Schemathesis", "company_name": "Schemathesis Test B.V.",
     "accept_privacy": True}).close()
# The account is created after the 202 (registration answers before it looks anything up).
deadline = time.time() + 30
while True:
    try:
        with post("/api/v1/auth/login", {"email": email, "password": password}) as r:
            print(json.load(r)["access_token"])
            break
    except urllib.error.HTTPError:
        if time.time() > deadline:
            raise
        time.sleep(0.5)
EOF
}
# Every request carries the demo admin's token, except where only another role gets past 403.
TOKEN="$(login "$ADMIN_EMAIL")" || die "could not log in as $ADMIN_EMAIL"
# POST /auth/logout revokes the session of the token it is sent with: it gets a session of its own,
# or the first logout would turn every later authenticated request into a 401.
LOGOUT_TOKEN="$(login "$ADMIN_EMAIL")" || die "could not log in as $ADMIN_EMAIL"
# Only procurement officers post challenges (admins may edit them).
PROCUREMENT_TOKEN="$(login "$PROCUREMENT_EMAIL")" || die "could not log in as $PROCUREMENT_EMAIL"
# Only a start-up account without a profile creates one, and only the start-up itself edits it.
STARTUP_TOKEN="$(register_startup)" || die "could not register a start-up account"
log "logged in as $ADMIN_EMAIL, as $PROCUREMENT_EMAIL and as a new start-up account"

# --- 6. schemathesis -----------------------------------------------------------------------------
CONFIG="$WORK_DIR/schemathesis.toml"
# positive_data_acceptance: the statuses a request that fits the schema may get. The check's default
# list (2xx, 3xx, 401, 403, 404, 409, 429, 5xx) plus 412: a well-formed If-Match that is not the
# current version is answered 412, as the spec documents; no generator can make it succeed.
POSITIVE_STATUSES='["2xx", "3xx", 401, 403, 404, 409, 412, 429, "5xx"]'
# ... plus 400 for the operations below only: their bodies or parameters also have to meet rules
# between fields or with stored data that JSON Schema cannot express, and the API answers a breach
# with 400 invalid_input by design (see docs/schemathesis.md, "Exceptions"). 409 (uniqueness:
# e-mail, KvK number, organisation name) is in the list above already.
POSITIVE_STATUSES_CROSS_FIELD='["2xx", "3xx", 400, 401, 403, 404, 409, 412, 429, "5xx"]'
CROSS_FIELD_OPERATIONS=(
    "GET /api/v1/challenges"              # closes_before must be later than closes_after
    "POST /api/v1/challenges"             # schedule order, deadline ahead, budget and TRL ranges
    "PATCH /api/v1/challenges/{id}"       # the same rules on the patched challenge
    "POST /api/v1/challenges/{id}/status" # the stored schedule must allow the move
    "POST /api/v1/organisations"          # rom given exactly for kind rom
    "POST /api/v1/users"                  # role fits the kind of an existing organisation
    "PATCH /api/v1/users/{id}"            # the new role fits the user's stored organisation
    "POST /api/v1/startups"               # NL: province and KvK needed; abroad: no province
    "PATCH /api/v1/startups/{id}"         # the same rules on the patched profile
    "POST /api/v1/matches/preview"        # coverage phase sends a bare `0` body as "valid" (false positive)
    "GET /api/v1/audit"                   # until must not be before from
    "POST /api/v1/introductions"          # startup_id needed unless the caller is a start-up
    "POST /api/v1/introductions/{id}/transitions" # outcome with record_outcome only; no_fit needs a reason
    "POST /api/v1/saved-searches"         # query must pass the search endpoint's own parser
    "GET /api/v1/search/challenges"       # q must parse: quotes balanced from a word's start, known fields
    "GET /api/v1/search/startups"         # the same parser of q
    "POST /api/v1/auth/password-reset/confirm" # the token must be one that was mailed, unused and unexpired
    "POST /api/v1/auth/verify-email"      # the same for the token of an address check
    "PATCH /api/v1/organisations/{id}"    # no single sign-on domain for start-up companies
    "POST /api/v1/me/password"            # current_password must be the stored one
    "POST /api/v1/invitations"            # organisation_id must name a stored organisation of the role's kind
    "POST /api/v1/invitations/accept"     # the token must be one that was mailed, pending and unexpired
    "POST /api/v1/startups/{id}/claim-invitation" # without email, the stored profile needs a contact e-mail
    "DELETE /api/v1/me"                   # the erasure's password must be the stored one
    "POST /api/v1/auth/register"          # accept_privacy must be true (the privacy notice accepted)
)
# SCHEMATHESIS_STRICT=1 leaves these exceptions out, to see every 400 they would accept.
if [[ "${SCHEMATHESIS_STRICT:-0}" == 1 ]]; then
    log "SCHEMATHESIS_STRICT=1: no per-operation exceptions for positive_data_acceptance"
    CROSS_FIELD_OPERATIONS=()
fi
cat >"$CONFIG" <<EOF
# Crash files for \`schemathesis replay\` go here, not into ./.schemathesis of the project.
[cache]
directory = "$REPORT_DIR/cache"

# A missing If-Match is answered 428 Precondition Required (RFC 6585), as the spec documents;
# the check's default list (400, 401, 403, 406, 415, 422) lacks that status.
[checks.missing_required_header]
expected-statuses = [400, 401, 403, 406, 415, 422, 428]

[checks.positive_data_acceptance]
expected-statuses = $POSITIVE_STATUSES

# The server checks If-Match before it reads the body (RFC 9110 13.2.2: preconditions are evaluated
# just before the request content is processed), so an invalid body sent with a stale If-Match gets 412.
# That is a rejection too; otherwise the check's default list.
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 412, 415, 422, 428, 429, "5xx"]

[[operations]]
include-name = "POST /api/v1/auth/logout"
headers = { Authorization = "Bearer $LOGOUT_TOKEN" }

[[operations]]
include-name = "POST /api/v1/challenges"
headers = { Authorization = "Bearer $PROCUREMENT_TOKEN" }

[[operations]]
include-name = "POST /api/v1/startups"
headers = { Authorization = "Bearer $STARTUP_TOKEN" }

[[operations]]
include-name = "PATCH /api/v1/startups/{id}"
headers = { Authorization = "Bearer $STARTUP_TOKEN" }
EOF
# Matching [[operations]] entries are merged by schemathesis, so these add to the ones above.
for operation in "${CROSS_FIELD_OPERATIONS[@]}"; do
    cat >>"$CONFIG" <<EOF

[[operations]]
include-name = "$operation"
checks.positive_data_acceptance.expected-statuses = $POSITIVE_STATUSES_CROSS_FIELD
EOF
done

# SCHEMATHESIS_SPEC=file tests the server against an edited copy of its spec (to try a spec fix
# before it is in the code); the default is the spec the server serves.
SPEC="$BASE/api/v1/openapi.json"
spec_args=()
if [[ -n "${SCHEMATHESIS_SPEC:-}" ]]; then
    [[ -f "$SCHEMATHESIS_SPEC" ]] || die "SCHEMATHESIS_SPEC=$SCHEMATHESIS_SPEC is not a file"
    SPEC="$SCHEMATHESIS_SPEC"
    spec_args=(--url "$BASE")
fi
cmd=(
    "$VENV/bin/schemathesis" --config-file "$CONFIG" run "$SPEC" "${spec_args[@]}"
    --header "Authorization: Bearer $TOKEN"
    --checks all
    --phases "$PHASES"
    --max-examples "$MAX_EXAMPLES"
    --workers "$WORKERS"
    --seed "$SEED"
    --continue-on-failure
    --request-timeout 30
    --report junit --report-dir "$REPORT_DIR"
    --generation-database none
    --no-color
    "$@"
)
log "+ schemathesis run $SPEC ${spec_args[*]} --header 'Authorization: Bearer ***' --checks all" \
    "--phases $PHASES --max-examples $MAX_EXAMPLES --workers $WORKERS --seed $SEED" \
    "--continue-on-failure --request-timeout 30 --report junit --report-dir $REPORT_DIR --generation-database none --no-color $*"
status=0
"${cmd[@]}" || status=$?
if grep -q '"level":"ERROR"' "$SERVER_LOG"; then
    log "the server logged errors (see $SERVER_LOG):"
    grep '"level":"ERROR"' "$SERVER_LOG" | head -n 20 >&2
fi
if [[ $status -ne 0 ]]; then
    log "schemathesis reported failures (exit $status); JUnit report and server log in $REPORT_DIR"
else
    log "schemathesis found no failures"
fi
exit "$status"
