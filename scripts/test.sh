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
# They check pages with axe-core (scripts/ensure-axe.sh installs it with npm ci).
# Mail goes through a real SMTP server (scripts/mail-server.py on aiosmtpd, installed
# by scripts/ensure-mail.sh when missing), started here and stopped when the run ends.
# Single sign-on is tested against a real OpenID provider (scripts/oidc/oidc-provider.js,
# on the npm package oidc-provider, installed by scripts/ensure-oidc.sh), started and
# stopped the same way.
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
    # exports DEFMATCH_AXE_JS (the accessibility engine of the browser tests), or stops the run
    # shellcheck source=scripts/ensure-axe.sh
    source scripts/ensure-axe.sh || exit 1
fi
mail_directory="$(mktemp -d "${TMPDIR:-/tmp}/defmatch-test-mail.XXXXXX")"
oidc_directory="$(mktemp -d "${TMPDIR:-/tmp}/defmatch-test-oidc.XXXXXX")"
stop_test_servers() {
    local pid
    for pid in "${DEFMATCH_MAIL_PID:-}" "${DEFMATCH_OIDC_PID:-}"; do
        if [[ -n "$pid" ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$mail_directory" "$oidc_directory"
}
trap stop_test_servers EXIT
# exports DEFMATCH_TEST_SMTP_URL and DEFMATCH_TEST_MAIL_DIR, or stops the run
# shellcheck source=scripts/ensure-mail.sh
source scripts/ensure-mail.sh start "$mail_directory" || exit 1
# exports DEFMATCH_TEST_OIDC_ISSUER and the client's id and secret, or stops the run
# shellcheck source=scripts/ensure-oidc.sh
source scripts/ensure-oidc.sh start "$oidc_directory" || exit 1

echo "[test.sh] + cargo test --workspace --all-targets $*" >&2
cargo test --workspace --all-targets "$@"
