#!/usr/bin/env bash
# The layering check of issue 9: the layers point one way.
#   - src/web and src/app never use the API adapter (crate::api);
#   - src/api never uses the pages (crate::web);
#   - src/domain uses nothing of the crate outside crate::domain (the
#     macros that domain itself exports, such as crate::text_enum!, are fine).
# Every path is checked, not only `use` lines: `crate::`, `$crate::`,
# `self::` and `super::` chains are resolved against the module the file
# (and any inline `mod x { }`) stands for, grouped imports
# (`use crate::{api, app}`) included. Comments and string literals are
# skipped. Prints each offending file:line and fails if there is one.
#   bash scripts/check-layers.sh          # the whole of src
#   bash scripts/check-layers.sh FILE...  # only these files
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $# -gt 0 ]]; then
    files=("$@")
else
    mapfile -t files < <(find src/domain src/app src/web src/api -name '*.rs' | sort)
fi

# The macros that src/domain defines (exported at the crate root).
domain_macros=$( (grep -rhoE 'macro_rules![[:space:]]*[A-Za-z_][A-Za-z0-9_]*' src/domain || true) \
    | sed -E 's/macro_rules![[:space:]]*//' | tr '\n' ' ')

awk -v domain_macros="$domain_macros" -v q="'" '
function reset_file(    rel, n, i) {
    depth = 0; nstack = 0; state = 0; nest = 0; raw_hashes = 0
    pending = ""; pending_line = 0
    rel = FILENAME
    sub(/^(.*\/)?src\//, "", rel)
    sub(/\.rs$/, "", rel)
    sub(/\/mod$/, "", rel)
    if (rel == "lib" || rel == "main") rel = ""
    nbase = split(rel, base, "/")
    layer = base[1]
}

# The line without comments, with every string and char literal emptied.
# Strings and block comments may run over lines (`state` carries over).
function clean(line,    out, i, n, c, c2, j, hashes) {
    out = ""; n = length(line); i = 1
    while (i <= n) {
        c = substr(line, i, 1); c2 = substr(line, i, 2)
        if (state == 1) {                       # "string"
            if (c == "\\") { i += 2; continue }
            if (c == "\"") { state = 0; out = out "\"\"" }
            i++; continue
        }
        if (state == 2) {                       # r#"raw string"#
            if (c == "\"" && substr(line, i + 1, raw_hashes) == substr("##########", 1, raw_hashes)) {
                state = 0; out = out "\"\""; i += 1 + raw_hashes; continue
            }
            i++; continue
        }
        if (state == 3) {                       # /* block comment */
            if (c2 == "/*") { nest++; i += 2; continue }
            if (c2 == "*/") { nest--; if (nest == 0) state = 0; i += 2; continue }
            i++; continue
        }
        if (c2 == "//") break
        if (c2 == "/*") { state = 3; nest = 1; i += 2; continue }
        if ((c == "r" || c2 == "br") && !ident_char(substr(line, i - 1, 1))) {
            j = (c == "r") ? i + 1 : i + 2
            hashes = 0
            while (substr(line, j, 1) == "#") { hashes++; j++ }
            if (substr(line, j, 1) == "\"") { state = 2; raw_hashes = hashes; i = j + 1; continue }
        }
        if (c == "\"") { state = 1; i++; continue }
        if (c == q) {                      # a char literal, or a lifetime
            if (substr(line, i + 1, 1) == "\\") {
                j = index(substr(line, i + 3), q)
                if (j > 0) { out = out q q; i = i + 2 + j + 1; continue }
            } else if (substr(line, i + 2, 1) == q) {
                out = out q q; i += 3; continue
            }
        }
        out = out c; i++
    }
    return out
}

function ident_char(c) { return c ~ /[A-Za-z0-9_$]/ }

function skip_space(s, i) { while (substr(s, i, 1) ~ /[ \t]/) i++; return i }

# The identifier at position i of s (with a leading $ for $crate).
function ident_at(s, i,    j) {
    j = i
    while (j <= length(s) && ident_char(substr(s, j, 1))) j++
    return substr(s, i, j - i)
}

# Reports `written` at line `at` if the item `item` of module abs[1..nabs]
# breaks the rule of this file'"'"'s layer.
function check(item, written, at,    top) {
    top = (nabs > 0) ? abs[1] : item
    if (layer == "domain") {
        if (top == "domain") return
        # the macros domain exports live at the crate root: `crate::text_enum!`
        if (nabs == 0 && index(" " domain_macros " ", " " item " ") > 0) return
        report(at, "the domain uses only itself", written)
    } else if ((layer == "web" || layer == "app") && top == "api") {
        report(at, "src/" layer " must not use the API adapter", written)
    } else if (layer == "api" && top == "web") {
        report(at, "src/api must not use the pages", written)
    }
}

function report(at, rule, written) {
    gsub(/[ \t]+/, " ", written)
    sub(/ $/, "", written)
    printf "%s:%d: %s: %s\n", FILENAME, at, rule, written
    failures++
}

# Checks every path in `s` (a line, or a whole `use` statement) that
# starts at `crate`, `$crate`, `self` or `super`.
function check_paths(s, at,    rest, offset, start, i, first, k, name, close_at, group, items, nitems, m, item, written) {
    rest = s; offset = 0
    while (match(rest, /(\$crate|crate|super|self)[ \t]*::/)) {
        start = offset + RSTART
        offset += RSTART + RLENGTH - 1
        rest = substr(rest, RSTART + RLENGTH)
        if (start > 1 && ident_char(substr(s, start - 1, 1))) continue
        if (start > 2 && substr(s, start - 2, 2) == "::") continue
        first = ident_at(s, start)
        if (first == "crate" || first == "$crate") {
            nabs = 0
        } else {
            nabs = nbase
            for (k = 1; k <= nbase; k++) abs[k] = base[k]
            for (k = 1; k <= nstack; k++) abs[++nabs] = stack_name[k]
            if (first == "super") nabs--
        }
        i = index(substr(s, start), "::") + start + 1
        i = skip_space(s, i)
        while (first == "super" && ident_at(s, i) == "super") {
            nabs--
            i = index(substr(s, i), "::") + i + 1
            i = skip_space(s, i)
        }
        if (nabs < 0) continue                  # not a path of this crate
        written = substr(s, start, 80)
        if (substr(s, i, 1) == "{") {
            close_at = matching_brace(s, i)
            group = substr(s, i + 1, close_at - i - 1)
            nitems = split_top_level(group, items)
            for (m = 1; m <= nitems; m++) {
                item = items[m]
                sub(/^[ \t]+/, "", item)
                if (item == "") continue
                name = (substr(item, 1, 1) == "*") ? "*" : ident_at(item, 1)
                if (name == "self") {
                    if (nabs > 0) check(abs[1], written, at)
                    continue
                }
                check(name, written, at)
            }
            continue
        }
        name = (substr(s, i, 1) == "*") ? "*" : ident_at(s, i)
        if (name == "") continue
        check(name, written, at)
    }
}

function matching_brace(s, i,    level, j, c) {
    level = 0
    for (j = i; j <= length(s); j++) {
        c = substr(s, j, 1)
        if (c == "{") level++
        else if (c == "}") { level--; if (level == 0) return j }
    }
    return length(s) + 1
}

function split_top_level(s, parts,    n, level, j, c, current) {
    n = 0; level = 0; current = ""
    for (j = 1; j <= length(s); j++) {
        c = substr(s, j, 1)
        if (c == "{") level++
        if (c == "}") level--
        if (c == "," && level == 0) { parts[++n] = current; current = ""; continue }
        current = current c
    }
    parts[++n] = current
    return n
}

FNR == 1 { reset_file() }

{
    code = clean($0)
    # A `use` statement over several lines is checked as one, at its first line.
    if (pending != "") {
        pending = pending " " code
        if (index(code, ";") > 0) { check_paths(pending, pending_line); pending = "" }
    } else if (code ~ /(^|[^A-Za-z0-9_])use[ \t]/ && index(code, ";") == 0) {
        pending = code; pending_line = FNR
    } else {
        check_paths(code, FNR)
    }
    # Inline modules (`mod tests {`) deepen the module that `super` starts from.
    before = depth
    if (match(code, /(^|[^A-Za-z0-9_])mod[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{/)) {
        name = substr(code, RSTART, RLENGTH)
        sub(/^.*mod[ \t]+/, "", name); sub(/[ \t]*\{$/, "", name)
        stack_name[++nstack] = name; stack_depth[nstack] = before
    }
    opened = gsub(/\{/, "{", code); closed = gsub(/\}/, "}", code)
    depth += opened - closed
    while (nstack > 0 && depth <= stack_depth[nstack]) nstack--
}

END {
    if (failures > 0) {
        printf "\n%d layering violation(s): see scripts/check-layers.sh for the rules.\n", failures
        exit 1
    }
}
' "${files[@]}"
echo "layers: OK (${#files[@]} files)"
