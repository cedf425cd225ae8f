#!/bin/bash
# Stop a cluster started by start-cluster.sh and delete its directory.
#   stop-cluster.sh DIR [--keep]
# Signals exactly the pids recorded in DIR/n*.pid (SIGTERM, then SIGKILL after
# 10 s), never processes found by name.
set -uo pipefail

dir=${1:?usage: stop-cluster.sh DIR [--keep]}
keep=${2:-}
[ -d "$dir" ] || { echo "stop-cluster: no directory $dir" >&2; exit 1; }

pids=()
for f in "$dir"/n*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    # Only signal it if it still is the demo program we started (its command is in nI.cmd).
    demo=$(cut -d" " -f1 "${f%.pid}.cmd" 2>/dev/null || echo cowsql-demo)
    if kill -0 "$pid" 2>/dev/null && grep -qF "$demo" "/proc/$pid/cmdline" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    fi
done
for _ in $(seq 100); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.1
done
for pid in "${alive[@]:-}"; do
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && echo "stop-cluster: killed $pid" >&2
done
rm -f "$dir"/n*.pid
[ "$keep" = "--keep" ] || rm -rf "$dir"
