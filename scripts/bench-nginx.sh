#!/usr/bin/env bash
# The whole-run benchmark with the pages served by nginx (Debian's
# nginx-light, one worker) instead of the benchmark's own server;
# nginx-light installed when missing. BENCH_RUNS and BENCH_PAGES as for
# `cargo bench --bench whole_run`; lychee is measured when on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light
fi
BENCH_SERVER=nginx cargo bench --bench whole_run
