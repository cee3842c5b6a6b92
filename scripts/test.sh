#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what the tests
# need when it is missing (Debian's chromium for the HTML report, xmllint
# for JUnit, kill(1) for the interrupt tests, patch(1) for `fix --dry-run`
# diffs), then runs `cargo test`.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
[ -x /usr/bin/kill ] || [ -x /bin/kill ] || missing+=(procps)
command -v patch >/dev/null 2>&1 || missing+=(patch)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo test "$@"
