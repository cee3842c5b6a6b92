#!/usr/bin/env bash
# Fuzz every parser and matcher of citecheck with libFuzzer (cargo-fuzz).
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 600: ten minutes, the minimum before a
# release); all targets when none is named. Corpora start from the files in
# fixtures/ (fuzz/corpus/<target>/, kept between runs); crashes and hangs
# (an input slower than 10 s) land in fuzz/artifacts/<target>/. Every one
# found is fixed and gets a regression test built from its input
# (tests/citecheck/bad_input.rs).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). On a stable
# toolchain RUSTC_BOOTSTRAP=1 lets it use the sanitizer flags.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
export RUSTC_BOOTSTRAP=1
seed() {
    local target="$1" dir="corpus/$1"
    mkdir -p "$dir"
    case "$target" in
        extract_text | quote_match) cp ../fixtures/memos/*.txt "$dir"/ 2>/dev/null || true ;;
        extract_markdown) cp ../fixtures/memos/*.md "$dir"/ 2>/dev/null || true ;;
        extract_html | charset) cp ../fixtures/memos/*.html "$dir"/ 2>/dev/null || true ;;
        page_text) cp ../fixtures/memos/*.html ../fixtures/attribution/*.html "$dir"/ 2>/dev/null || true ;;
        extract_pdf) cp ../fixtures/pdf/*.pdf "$dir"/ ;;
        extract_office) cp ../fixtures/memos/office/*.docx ../fixtures/memos/office/*.odt "$dir"/ ;;
        archive_answers) printf '\000[["timestamp","original","statuscode"],["20080401000000","http://a.org/x?y=1","200"]]' > "$dir/cdx.json"
            printf '\001<http://archive.test/wayback/20080401000000/http://a.org/x>; rel="memento"; datetime="Tue, 01 Apr 2008 00:00:00 GMT"' > "$dir/timemap.txt"
            printf '\002{"status": "success", "timestamp": "20080401000000"}' > "$dir/spn.json" ;;
        config) cp ../fixtures/config/*.toml "$dir"/ 2>/dev/null || printf 'timeout = "5s"\n[hosts."a.org"]\nconcurrency = 2\n' > "$dir/seed.toml" ;;
    esac
}
cargo fuzz build -O
status=0
for target in "${targets[@]}"; do
    seed "$target"
    echo "== $target: ${seconds}s"
    if ! cargo fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
        echo "!! $target found a crash or hang: see fuzz/artifacts/$target/"
        status=1
    fi
done
exit "$status"
