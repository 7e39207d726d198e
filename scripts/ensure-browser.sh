#!/usr/bin/env bash
# Provide headless Chromium and its WebDriver for the browser tests (tests/api/browser).
#
#   scripts/ensure-browser.sh     # installs what is missing; scripts/test.sh runs it
#
# Order of decisions (each one is explained on stderr):
#   a. CHROME_BIN and CHROMEDRIVER both set -> used as they are (they must be executable).
#   b. /usr/bin/chromium and /usr/bin/chromedriver present -> used.
#   c. otherwise Debian's `chromium` and/or `chromium-driver` are installed with apt-get
#      (through sudo when not root); `apt-get update` runs only if the install fails first.
# Nothing is downloaded but Debian packages: the tests need no browser build of their own.
set -euo pipefail
# everything this script says, apt-get and dpkg included, is for the person: stderr
exec 1>&2

log() { printf '[ensure-browser] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CHROMIUM=/usr/bin/chromium
DRIVER=/usr/bin/chromedriver

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apt_get() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 ||
        die "apt-get not found: install Chromium and chromedriver yourself and set CHROME_BIN and CHROMEDRIVER"
    log "installing with apt-get: $*"
    if apt_get install -y -qq --no-install-recommends "$@"; then
        return 0
    fi
    # a stale or missing package list is the usual cause: refresh it once and retry
    log "apt-get install failed; running apt-get update and trying again"
    apt_get update -qq
    apt_get install -y -qq --no-install-recommends "$@"
}

version_of() { # binary -> its --version line, or a note that it does not start
    "$1" --version 2>/dev/null | head -n 1 || echo "$1 does not start"
}

main() {
    case "${1:-}" in
        "") ;;
        -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (try --help)" ;;
    esac

    if [[ -n "${CHROME_BIN:-}" && -n "${CHROMEDRIVER:-}" ]]; then
        [[ -x "$CHROME_BIN" ]] || die "CHROME_BIN=$CHROME_BIN is not an executable file"
        [[ -x "$CHROMEDRIVER" ]] || die "CHROMEDRIVER=$CHROMEDRIVER is not an executable file"
        log "a. CHROME_BIN and CHROMEDRIVER are set: using them as they are"
        log "   $(version_of "$CHROME_BIN") / $(version_of "$CHROMEDRIVER")"
        return 0
    fi

    local missing=()
    [[ -x "$CHROMIUM" ]] || missing+=(chromium)
    [[ -x "$DRIVER" ]] || missing+=(chromium-driver)
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "b. $CHROMIUM and $DRIVER present"
    else
        log "c. missing for the browser tests: ${missing[*]} (no $CHROMIUM and/or $DRIVER)"
        apt_install "${missing[@]}"
        [[ -x "$CHROMIUM" && -x "$DRIVER" ]] ||
            die "$CHROMIUM or $DRIVER still missing after installing ${missing[*]}"
    fi
    log "   $(version_of "$CHROMIUM") / $(version_of "$DRIVER")"
}

main "$@"
