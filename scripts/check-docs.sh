#!/usr/bin/env bash
# The project's own docs checked by citecheck itself: every link and
# anchor inside the repository (a file, a heading in another page, a
# place in the same page) in the README, ARCHITECTURE, SECURITY, the
# CHANGELOG and the guide under docs/ must resolve. Offline: links to the
# web are listed, not fetched. Exit 1 names what is broken.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --bin citecheck -- check --offline --no-cache --fail-on error -q \
    README.md ARCHITECTURE.md SECURITY.md CHANGELOG.md docs
