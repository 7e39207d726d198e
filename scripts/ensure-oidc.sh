#!/usr/bin/env bash
# Provide the real OpenID Connect provider of the single sign-on tests
# (scripts/oidc/oidc-provider.js, on the npm package oidc-provider pinned in
# scripts/oidc/package-lock.json) and, when sourced with `start DIR`, start it.
#
#   scripts/ensure-oidc.sh                    # installs the package when missing (npm ci)
#   source scripts/ensure-oidc.sh start DIR   # also starts the provider; exports
#       DEFMATCH_OIDC_PID, DEFMATCH_TEST_OIDC_ISSUER (http://127.0.0.1:PORT),
#       DEFMATCH_TEST_OIDC_CLIENT_ID and DEFMATCH_TEST_OIDC_CLIENT_SECRET
#
# node and npm come from Debian (apt-get install nodejs npm) when missing. Anything
# that fails stops with a message: the single sign-on tests never pass without a
# provider (they fail and say why).

_oidc_log() { printf '[ensure-oidc] %s\n' "$*" >&2; }
_oidc_die() { _oidc_log "ERROR: $*"; return 1 2>/dev/null || exit 1; }
_oidc_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/oidc"

_oidc_install() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        _oidc_log "node or npm not found: installing Debian's nodejs and npm"
        command -v apt-get >/dev/null 2>&1 || { _oidc_die "apt-get not found: install Node.js 20 or newer with npm"; return 1; }
        local as_root=()
        if [[ $EUID -ne 0 ]]; then
            command -v sudo >/dev/null 2>&1 || { _oidc_die "root rights needed to install nodejs and npm"; return 1; }
            as_root=(sudo)
        fi
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >&2 ||
            { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
              "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >&2; } ||
            { _oidc_die "could not install nodejs and npm"; return 1; }
    fi
    if [[ -f "$_oidc_dir/node_modules/oidc-provider/package.json" ]] &&
        node --input-type=module -e "import('$_oidc_dir/node_modules/oidc-provider/lib/index.js')" 2>/dev/null; then
        _oidc_log "oidc-provider found in $_oidc_dir/node_modules"
        return 0
    fi
    _oidc_log "installing oidc-provider into $_oidc_dir (npm ci)"
    (cd "$_oidc_dir" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
        { _oidc_die "npm ci failed in $_oidc_dir"; return 1; }
}

# Starts the provider with its files in $1; it stops by itself when this shell ends.
_oidc_start() {
    local directory="$1"
    mkdir -p "$directory"
    rm -f "$directory/issuer"
    DEFMATCH_TEST_OIDC_CLIENT_ID="${DEFMATCH_TEST_OIDC_CLIENT_ID:-defmatch-test}"
    DEFMATCH_TEST_OIDC_CLIENT_SECRET="${DEFMATCH_TEST_OIDC_CLIENT_SECRET:-defmatch-test-secret-0123456789abcdef}"
    export DEFMATCH_TEST_OIDC_CLIENT_ID DEFMATCH_TEST_OIDC_CLIENT_SECRET
    node "$_oidc_dir/oidc-provider.js" --ready-file "$directory/issuer" --watch-pid $$ \
        >"$directory/provider.log" 2>&1 &
    DEFMATCH_OIDC_PID=$!
    local waited=0
    while [[ ! -s "$directory/issuer" ]]; do
        if ! kill -0 "$DEFMATCH_OIDC_PID" 2>/dev/null || ((waited >= 150)); then
            cat "$directory/provider.log" >&2 || true
            _oidc_die "the OpenID provider did not start (log above, $directory/provider.log)"
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    DEFMATCH_TEST_OIDC_ISSUER="$(cat "$directory/issuer")"
    export DEFMATCH_OIDC_PID DEFMATCH_TEST_OIDC_ISSUER
    _oidc_log "OpenID provider $DEFMATCH_TEST_OIDC_ISSUER (pid $DEFMATCH_OIDC_PID)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    _oidc_install
else
    _oidc_install || return 1
    if [[ "${1:-}" == start ]]; then
        [[ -n "${2:-}" ]] || { _oidc_die "usage: source scripts/ensure-oidc.sh start DIR"; return 1; }
        _oidc_start "$2" || return 1
    fi
fi
