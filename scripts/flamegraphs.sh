#!/usr/bin/env bash
# Flame graphs of the HTTP match and search paths under the bench's load.
#
# Runs `defmatch-tools bench` (release build, default size unless BENCH_ARGS
# says otherwise) and, while its 8-client HTTP match run and then its HTTP
# search run are under way, samples the bench process (which hosts the real
# server) with `perf record --call-graph dwarf`. The samples are folded and
# drawn with inferno (`cargo install inferno`) into
# docs/performance/flamegraph-{match,search}.svg. The load generator's own
# client threads are left out, so each graph is the server's work only.
#
# Usage: scripts/flamegraphs.sh   (needs perf, inferno and DATABASE_URL)
set -euo pipefail

cd "$(dirname "$0")/.."
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/postgres}"
export DATABASE_URL RUST_LOG=warn
bench_args=(${BENCH_ARGS:---seconds 20})
out=docs/performance
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for tool in perf inferno-collapse-perf inferno-flamegraph; do
    command -v "$tool" >/dev/null || { echo "flamegraphs: $tool is not installed" >&2; exit 1; }
done
cargo build --release -p defmatch-tools

: >"$work/progress.txt"
target/release/defmatch-tools bench "${bench_args[@]}" >"$work/report.txt" 2>"$work/progress.txt" &
bench=$!

# Waits until the bench says `label` has started, skips its warm-up second,
# then samples the process for most of the counted window. The samples are
# only recorded here: folding them takes longer than the runs between.
sample() {
    local label=$1 name=$2
    until tr '\r' '\n' <"$work/progress.txt" | grep -c "^$label: 8 client" >/dev/null; do
        kill -0 "$bench" 2>/dev/null || { echo "flamegraphs: the bench ended early" >&2; cat "$work/progress.txt" >&2; exit 1; }
        sleep 0.5
    done
    echo "flamegraphs: sampling $label"
    sleep 2
    perf record --quiet -F 199 --call-graph dwarf,32768 -p "$bench" -o "$work/$name.data" -- sleep 15
}

# Draws the samples of `name`. Client threads of the load generator are
# unnamed, so they carry the binary's name; every server thread has a name
# of its own.
draw() {
    local name=$1
    perf script -i "$work/$name.data" 2>/dev/null \
        | inferno-collapse-perf \
        | grep -v '^defmatch-tools;' \
        | inferno-flamegraph --title "defmatch: HTTP $name under the bench's load (8 clients)" \
            --width 1400 --minwidth 2 >"$out/flamegraph-$name.svg"
    echo "flamegraphs: wrote $out/flamegraph-$name.svg"
}

sample "HTTP matches" match
sample "HTTP search" search
wait "$bench"
tail -1 "$work/report.txt"
draw match
draw search
