#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what the tests
# need when it is missing (Debian's chromium for the HTML report, xmllint
# for JUnit, kill(1) for the interrupt tests, patch(1) for `fix --dry-run`
# diffs, Node's npm for axe-core, the HTML report's accessibility check,
# LibreOffice Writer, which opens the Word and OpenDocument memos `fix`
# rewrote, and Calc, which opens the CSV report, Python's venv for
# pre-commit, GitHub's gh for the Action's standing issue, PostgreSQL for the shared store), starts a throwaway
# PostgreSQL cluster on a loopback port (its URL in CITECHECK_TEST_PG,
# stopped and removed on exit), then runs `cargo test`.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
[ -x /usr/bin/kill ] || [ -x /bin/kill ] || missing+=(procps)
command -v patch >/dev/null 2>&1 || missing+=(patch)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
[ -n "$(pg_bin)" ] || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
command -v gh >/dev/null 2>&1 || missing+=(gh)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# axe-core, run inside the HTML report by its accessibility test.
modules="${CITECHECK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/citecheck-ci}"
if [ ! -f "$modules/node_modules/axe-core/axe.min.js" ]; then
    mkdir -p "$modules"
    npm install --prefix "$modules" --no-audit --no-fund --silent axe-core@4.10.3 >/dev/null
fi
export CITECHECK_AXE="$modules/node_modules/axe-core/axe.min.js"

# pre-commit from PyPI, for the test of the repository's hooks.
tools="${CITECHECK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/citecheck-ci}"
if [ ! -x "$tools/pre-commit/bin/pre-commit" ]; then
    python3 -m venv "$tools/pre-commit"
    "$tools/pre-commit/bin/pip" install --quiet --disable-pip-version-check pre-commit==4.0.1
fi
export CITECHECK_PRE_COMMIT="$tools/pre-commit/bin/pre-commit"

# A throwaway PostgreSQL cluster for the shared store's tests: trust
# authentication on 127.0.0.1 only, a free port, no fsync.
source scripts/pg-cluster.sh
pg_cluster_start
trap pg_cluster_stop EXIT

cargo test "$@"
