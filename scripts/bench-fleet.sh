#!/usr/bin/env bash
# The fleet benchmark (a throwaway PostgreSQL cluster started here and
# removed at the end; PostgreSQL installed when missing).
#
# By default on a web like the real one: 20,000 URLs in 2,000 memos on 250
# loopback hosts, each page answered after 50-300 ms (the same wait for a
# page every time), citecheck's default politeness; one process on the
# SQLite store against four `--shard K/4` processes sharing one PostgreSQL
# store. It fails unless the shards take at most 0.3x one process's time.
#
# `BENCH_LATENCY=none` runs the loopback workload instead (100,000 URLs in
# 10,000 memos on 50 hosts answering at once, raised limits), adding four
# whole runs sharing the store. BENCH_PAGES, BENCH_MEMOS, BENCH_HOSTS,
# BENCH_LATENCY (LOW-HIGH ms) and BENCH_RUNS change the workload.
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
if [ "${BENCH_LATENCY:-50-300}" = none ]; then
    BENCH_FLEET=1 BENCH_LATENCY= BENCH_PAGES="${BENCH_PAGES:-100000}" \
        BENCH_MEMOS="${BENCH_MEMOS:-10000}" cargo bench --bench whole_run
else
    BENCH_FLEET=1 BENCH_LATENCY="${BENCH_LATENCY:-50-300}" BENCH_HOSTS="${BENCH_HOSTS:-250}" \
        BENCH_PAGES="${BENCH_PAGES:-20000}" BENCH_MEMOS="${BENCH_MEMOS:-2000}" \
        cargo bench --bench whole_run
fi
