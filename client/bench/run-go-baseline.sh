#!/bin/bash
# Run the Go baseline matrix (insert/select x 1/8 connections) and print one
# JSON line per run on stdout.
#
#   client/bench/run-go-baseline.sh                 # own temporary 3-node cluster
#   COWSQL_BENCH_CLUSTER=a,b,c client/bench/run-go-baseline.sh   # existing cluster
#
# Environment: DURATION (s, default 10), WARMUP (s, default 3),
# OPS ("insert select"), CONNS ("1 8"), MODE (prepared|direct),
# BENCH_DB (database name, default bench), EXTRA_ARGS (more cowsqlbench flags).
# Builds the binary first (build-go-baseline.sh, a no-op when up to date).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${COWSQLBENCH_OUT:-$(dirname "$here")/target/bench/cowsqlbench}
"$here/build-go-baseline.sh" >&2

own_dir=""
cleanup() { [ -z "$own_dir" ] || "$here/stop-cluster.sh" "$own_dir" >&2 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${COWSQL_BENCH_CLUSTER:-}" ]; then
    env_lines=$("$here/start-cluster.sh")
    eval "$env_lines"
    own_dir=$COWSQL_BENCH_DIR
    echo "run-go-baseline: cluster $COWSQL_BENCH_CLUSTER in $own_dir" >&2
fi

duration=${DURATION:-10}
warmup=${WARMUP:-3}
# Hard bound per run: warm-up + duration + 2 min for connecting and pre-fill.
limit=$(awk -v d="$duration" -v w="$warmup" 'BEGIN { printf "%d", d + w + 120 }')
rc=0
for op in ${OPS:-insert select}; do
    for n in ${CONNS:-1 8}; do
        # shellcheck disable=SC2086
        timeout -k 5 "$limit" "$bin" -cluster "$COWSQL_BENCH_CLUSTER" -db "${BENCH_DB:-bench}" \
            -op "$op" -conns "$n" -duration "$duration" -warmup "$warmup" \
            -mode "${MODE:-prepared}" ${EXTRA_ARGS:-} || rc=1
    done
done
exit $rc
