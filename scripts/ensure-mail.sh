#!/usr/bin/env bash
# Provide the real SMTP server of the tests and the demo (scripts/mail-server.py,
# on aiosmtpd) and, when sourced with `start DIR`, start it.
#
#   scripts/ensure-mail.sh                      # installs aiosmtpd when missing
#   source scripts/ensure-mail.sh start DIR     # also starts the server; exports
#       DEFMATCH_MAIL_PID, DEFMATCH_TEST_SMTP_URL (smtp://127.0.0.1:PORT) and
#       DEFMATCH_TEST_MAIL_DIR (DIR/messages: one JSON file per message)
#
# The Python is DEFMATCH_PYTHON, else /usr/bin/python3 (where Debian's packages go),
# else python3. When it cannot import aiosmtpd, Debian's python3-aiosmtpd is
# installed with apt-get (through sudo when not root). Anything that fails stops
# with a message: the mail tests never pass without a server.

_mail_log() { printf '[ensure-mail] %s\n' "$*" >&2; }
_mail_die() { _mail_log "ERROR: $*"; return 1 2>/dev/null || exit 1; }

_mail_python() {
    if [[ -n "${DEFMATCH_PYTHON:-}" ]]; then
        echo "$DEFMATCH_PYTHON"
    elif [[ -x /usr/bin/python3 ]]; then
        echo /usr/bin/python3
    else
        command -v python3 || true
    fi
}

_mail_install() {
    local python
    python="$(_mail_python)"
    if [[ -z "$python" ]]; then
        _mail_log "python3 not found: installing Debian's python3 and python3-aiosmtpd"
    elif "$python" -c 'import aiosmtpd' 2>/dev/null; then
        _mail_log "aiosmtpd found for $python"
        return 0
    else
        _mail_log "$python cannot import aiosmtpd: installing Debian's python3-aiosmtpd"
    fi
    command -v apt-get >/dev/null 2>&1 ||
        { _mail_die "apt-get not found: install aiosmtpd yourself (pip install aiosmtpd) and set DEFMATCH_PYTHON"; return 1; }
    local as_root=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { _mail_die "root rights needed to install python3-aiosmtpd"; return 1; }
        as_root=(sudo)
    fi
    if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-aiosmtpd >&2; then
        _mail_log "apt-get install failed; running apt-get update and trying again"
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
            "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-aiosmtpd >&2 ||
            { _mail_die "could not install python3-aiosmtpd"; return 1; }
    fi
    python="$(_mail_python)"
    "$python" -c 'import aiosmtpd' ||
        { _mail_die "$python still cannot import aiosmtpd; set DEFMATCH_PYTHON to a Python that can"; return 1; }
}

# Starts the server with its files in $1; it stops by itself when this shell ends.
_mail_start() {
    local directory="$1" python script
    python="$(_mail_python)"
    script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/mail-server.py"
    mkdir -p "$directory/messages"
    rm -f "$directory/address"
    "$python" "$script" --dir "$directory/messages" --ready-file "$directory/address" \
        --watch-pid $$ >"$directory/server.log" 2>&1 &
    DEFMATCH_MAIL_PID=$!
    local waited=0
    while [[ ! -s "$directory/address" ]]; do
        if ! kill -0 "$DEFMATCH_MAIL_PID" 2>/dev/null || ((waited >= 150)); then
            cat "$directory/server.log" >&2 || true
            _mail_die "the SMTP server did not start (log above, $directory/server.log)"
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    DEFMATCH_TEST_SMTP_URL="$(cat "$directory/address")"
    DEFMATCH_TEST_MAIL_DIR="$directory/messages"
    export DEFMATCH_MAIL_PID DEFMATCH_TEST_SMTP_URL DEFMATCH_TEST_MAIL_DIR
    _mail_log "SMTP server $DEFMATCH_TEST_SMTP_URL (pid $DEFMATCH_MAIL_PID) stores mail in $DEFMATCH_TEST_MAIL_DIR"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    _mail_install
else
    _mail_install || return 1
    if [[ "${1:-}" == start ]]; then
        [[ -n "${2:-}" ]] || { _mail_die "usage: source scripts/ensure-mail.sh start DIR"; return 1; }
        _mail_start "$2" || return 1
    fi
fi
