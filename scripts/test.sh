#!/usr/bin/env bash
# Run the whole test suite: provide PostgreSQL, then `cargo test --all-targets "$@"`.
#   scripts/test.sh                 # everything
#   scripts/test.sh -- --nocapture  # extra arguments go to cargo test
# The tests connect to DATABASE_URL and CREATE a template database plus one database
# per test, so the role needs CREATEDB (the `postgres` superuser in cases b and c).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
    # shellcheck source=/dev/null
    . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }

# the maintenance database is enough: the tests create their own databases
export DEFMATCH_PG_DB=postgres
# exports DATABASE_URL (see the file for how PostgreSQL is found)
# shellcheck source=/dev/null
source scripts/ensure-postgres.sh
echo "[test.sh] DATABASE_URL=$(sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$DATABASE_URL")" >&2
echo "[test.sh] + cargo test --all-targets $*" >&2
exec cargo test --all-targets "$@"
