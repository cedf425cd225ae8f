#!/bin/bash
# Start a local 3-node cowsql cluster for the client benchmark: three
# `cowsql-demo` processes (Debian package go-cowsql, libcowsql underneath) on
# loopback, on free ports, with data directories in a temporary folder.
#
#   eval "$(client/bench/start-cluster.sh)"     # sets COWSQL_BENCH_CLUSTER etc.
#   ... run benchmarks against $COWSQL_BENCH_CLUSTER ...
#   client/bench/stop-cluster.sh "$COWSQL_BENCH_DIR"
#
# Usage: start-cluster.sh [DIR]   (DIR must not exist or be empty; default: mktemp)
#
# It returns once all three nodes serve their demo HTTP API (which cowsql-demo
# only opens after app.Ready) and the cluster reports 3 voters, and prints
# shell assignments on stdout (also written to DIR/cluster.env):
#   COWSQL_BENCH_CLUSTER=127.0.0.1:Q1,127.0.0.1:Q2,127.0.0.1:Q3  (node ports)
#   COWSQL_BENCH_DIR=DIR   COWSQL_BENCH_PIDS="p1 p2 p3"
# Node i logs to DIR/nI.log; its pid is in DIR/nI.pid.
# On any failure it stops the nodes it started and exits non-zero.
#
# Note: cowsql-demo itself uses a database named "demo" (not "demo.db"); the
# benchmark uses its own database, "bench" by default.
set -euo pipefail

DEMO=${COWSQL_DEMO:-cowsql-demo}
SHELL_BIN=${COWSQL_SHELL:-cowsql}
READY_TIMEOUT=${COWSQL_BENCH_READY_TIMEOUT:-60}
here=$(cd "$(dirname "$0")" && pwd)

command -v "$DEMO" >/dev/null 2>&1 ||
    { echo "start-cluster: no $DEMO: install the Debian package go-cowsql (bookworm-backports)" >&2; exit 1; }

dir=${1:-}
if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/cowsql-bench-cluster.XXXXXX")
else
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || { echo "start-cluster: $dir is not empty" >&2; exit 1; }
fi
dir=$(cd "$dir" && pwd)

pids=()
cleanup_on_error() {
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "start-cluster: failed; stopping the nodes started (${pids[*]:-none})" >&2
        for f in "$dir"/n*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
        "$here/stop-cluster.sh" "$dir" >&2 || true
    fi
}
trap cleanup_on_error EXIT

# A port nobody listens on and that this script has not handed out yet.
used=" "
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p
    for _ in $(seq 200); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        case "$used" in *" $p "*) continue ;; esac
        if port_free "$p"; then used="$used$p "; echo "$p"; return 0; fi
    done
    echo "start-cluster: no free port found" >&2; return 1
}

wait_listen() { # port pid log
    local deadline=$(( SECONDS + READY_TIMEOUT ))
    while port_free "$1"; do
        kill -0 "$2" 2>/dev/null || { echo "start-cluster: node (pid $2) exited, see $3" >&2; return 1; }
        [ $SECONDS -lt $deadline ] || { echo "start-cluster: node (pid $2) not ready after ${READY_TIMEOUT}s, see $3" >&2; return 1; }
        sleep 0.2
    done
}

addrs=()
first=""
for i in 1 2 3; do
    api=$(free_port); dbp=$(free_port)
    args=(--api "127.0.0.1:$api" --db "127.0.0.1:$dbp" --dir "$dir/n$i")
    [ -n "$first" ] && args+=(--join "$first")
    mkdir -p "$dir/n$i"
    # Own process group so stop-cluster can signal it cleanly; no stdin.
    setsid "$DEMO" "${args[@]}" </dev/null >"$dir/n$i.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    echo "$pid" >"$dir/n$i.pid"
    echo "$DEMO ${args[*]}" >"$dir/n$i.cmd"
    # cowsql-demo opens its HTTP API only after app.Ready (joined, role assumed).
    wait_listen "$api" "$pid" "$dir/n$i.log"
    addrs+=("127.0.0.1:$dbp")
    [ -n "$first" ] || first="127.0.0.1:$dbp"
done
cluster=$(IFS=,; echo "${addrs[*]}")

# Wait for 3 voters (the third node promotes itself and one spare).
if command -v "$SHELL_BIN" >/dev/null 2>&1; then
    deadline=$(( SECONDS + READY_TIMEOUT ))
    while :; do
        voters=$(timeout 10 "$SHELL_BIN" -s "$cluster" demo .cluster 2>/dev/null | grep -c '|voter$' || true)
        [ "$voters" = 3 ] && break
        [ $SECONDS -lt $deadline ] || { echo "start-cluster: only $voters voters after ${READY_TIMEOUT}s" >&2; exit 1; }
        sleep 0.5
    done
fi

{
    echo "COWSQL_BENCH_CLUSTER=$cluster"
    echo "COWSQL_BENCH_DIR=$dir"
    echo "COWSQL_BENCH_PIDS=\"${pids[*]}\""
} | tee "$dir/cluster.env"
