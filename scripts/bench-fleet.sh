#!/usr/bin/env bash
# The fleet benchmark: the whole-run benchmark's 100,000-URL workload as one
# process on the SQLite store, as four shards sharing one PostgreSQL store,
# and as four whole runs sharing it (a throwaway cluster started here and
# removed at the end; PostgreSQL installed when missing).
# BENCH_PAGES, BENCH_MEMOS and BENCH_RUNS change the workload.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
fi
source scripts/pg-cluster.sh
pg_cluster_start
trap pg_cluster_stop EXIT
BENCH_FLEET=1 BENCH_PAGES="${BENCH_PAGES:-100000}" BENCH_MEMOS="${BENCH_MEMOS:-10000}" \
    cargo bench --bench whole_run
