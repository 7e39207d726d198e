#!/usr/bin/env bash
# Provide axe-core, the accessibility engine that the browser tests inject into
# every page they check (tests/api/browser/accessibility.rs), pinned by
# scripts/axe/package-lock.json and installed with `npm ci` into
# scripts/axe/node_modules when missing. Sourced, it exports DEFMATCH_AXE_JS.
#
#   bash scripts/ensure-axe.sh        # installs when missing
#   source scripts/ensure-axe.sh      # also exports DEFMATCH_AXE_JS
#
# Without node and npm, or without the registry, it stops with a message: the
# accessibility checks never pass without the engine.

_axe_log() { printf '[ensure-axe] %s\n' "$*" >&2; }
_axe_directory="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/axe"
_axe_script="$_axe_directory/node_modules/axe-core/axe.min.js"

if [[ ! -f "$_axe_script" ]]; then
    if ! command -v npm >/dev/null 2>&1; then
        _axe_log "ERROR: npm not found: install Node.js (Debian: apt-get install nodejs npm) for the accessibility checks"
        return 1 2>/dev/null || exit 1
    fi
    _axe_log "installing axe-core into $_axe_directory (npm ci)"
    if ! (cd "$_axe_directory" && npm ci --no-audit --no-fund >&2); then
        _axe_log "ERROR: npm ci failed in $_axe_directory"
        return 1 2>/dev/null || exit 1
    fi
fi
_axe_log "axe-core at $_axe_script"
export DEFMATCH_AXE_JS="$_axe_script"
