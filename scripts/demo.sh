#!/usr/bin/env bash
# Set everything up and start defmatch with demo data on http://localhost:8080.
#   scripts/demo.sh                          # extra arguments go to `defmatch serve`
#   scripts/demo.sh --bind 0.0.0.0:8080      # e.g. listen on all interfaces
# Uses the database `defmatch` (created if missing) unless DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
    # shellcheck source=/dev/null
    . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }

export DEFMATCH_PG_DB="${DEFMATCH_PG_DB:-defmatch}"
# exports DATABASE_URL (see the file for how PostgreSQL is found)
# shellcheck source=/dev/null
source scripts/ensure-postgres.sh
echo "[demo.sh] DATABASE_URL=$(sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$DATABASE_URL")" >&2
echo "[demo.sh] building and starting (first build takes a few minutes);" \
    "then open http://localhost:8080 and the API UI at http://localhost:8080/docs" \
    "(or the address given with --bind / DEFMATCH_BIND). Demo logins are printed at start. Ctrl-C stops." >&2
echo "[demo.sh] + cargo run --release -- serve --demo $*" >&2
exec cargo run --release -- serve --demo "$@"
