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
        listings) printf '\000<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.org/m?x=1&amp;y=2</loc><lastmod>2012-03-01</lastmod></url></urlset>' > "$dir/sitemap.xml"
            printf '\000<sitemapindex><sitemap><loc>https://a.org/s1.xml.gz</loc></sitemap></sitemapindex>' > "$dir/index.xml"
            printf '\001<rss version="2.0"><channel><item><link>https://a.org/m</link><pubDate>Thu, 01 Mar 2012 10:00:00 +0000</pubDate></item><item><guid>https://a.org/g</guid></item></channel></rss>' > "$dir/rss.xml"
            printf '\001<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://a.org/m"/><published>2012-03-01T00:00:00Z</published></entry></feed>' > "$dir/atom.xml"
            printf '\002User-agent: *\nDisallow: /drafts/\nAllow: /drafts/p*$\nCrawl-delay: 2\nSitemap: https://a.org/s.xml\n' > "$dir/robots.txt"
            printf '\003<!DOCTYPE html><html><body><article>memo</article></body></html>' > "$dir/page.html" ;;
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
