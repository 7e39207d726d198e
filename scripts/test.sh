#!/usr/bin/env bash
# Run the whole test suite: provide PostgreSQL and headless Chromium, then
# `cargo test --workspace --all-targets "$@"` (the server crate and defmatch-tools).
#   scripts/test.sh                 # everything
#   scripts/test.sh -- --nocapture  # extra arguments go to cargo test
#   scripts/test.sh --test api browser   # only the browser tests
# The tests connect to DATABASE_URL and CREATE a template database plus one database
# per test, so the role needs CREATEDB (the `postgres` superuser in cases b and c).
# The browser tests drive Debian's chromium through chromium-driver, installed by
# scripts/ensure-browser.sh when missing; DEFMATCH_SKIP_BROWSER_TESTS=1 skips both.
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

if [[ "${DEFMATCH_SKIP_BROWSER_TESTS:-0}" == 1 ]]; then
    echo "[test.sh] DEFMATCH_SKIP_BROWSER_TESTS=1: Chromium not checked; the browser tests will be skipped" >&2
else
    bash scripts/ensure-browser.sh
    export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}" CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
    echo "[test.sh] CHROME_BIN=$CHROME_BIN CHROMEDRIVER=$CHROMEDRIVER" >&2
fi
echo "[test.sh] + cargo test --workspace --all-targets $*" >&2
exec cargo test --workspace --all-targets "$@"
