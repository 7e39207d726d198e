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
# A real SMTP server for the demo's mail (password reset links and notifications); the
# messages land in data/mail-server/messages/, one JSON file each: scripts/read-mail.py prints the newest.
# Without it the demo still runs, and mail stays queued in the admin's e-mail outbox.
if [[ -z "${SMTP_URL:-}" ]]; then
    # shellcheck source=scripts/ensure-mail.sh
    if source scripts/ensure-mail.sh start "$PWD/data/mail-server"; then
        export SMTP_URL="$DEFMATCH_TEST_SMTP_URL"
        echo "[demo.sh] demo mail: $DEFMATCH_TEST_MAIL_DIR (read it with scripts/read-mail.py $DEFMATCH_TEST_MAIL_DIR)" >&2
    else
        echo "[demo.sh] no SMTP server: mail stays queued in the e-mail outbox (admin: /api/v1/admin/email-outbox)" >&2
    fi
fi
echo "[demo.sh] + cargo run --release -- serve --demo $*" >&2
exec cargo run --release -- serve --demo "$@"
