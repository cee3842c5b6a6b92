#!/usr/bin/env bash
# The memos a pull request changes: files under the given paths, with a
# memo's extension, added, copied, modified or renamed between the tip of
# the base branch and HEAD (a two-dot diff, so a shallow checkout does:
# the base's tip is fetched at depth 1). One path a line.
#   scripts/changed-memos.sh BASE_BRANCH PATH...
set -euo pipefail
base="$1"
shift
git fetch --quiet --no-tags --depth=1 origin "+refs/heads/$base:refs/remotes/origin/$base"
git diff --name-only --diff-filter=ACMR "origin/$base" HEAD | while IFS= read -r file; do
    case "$file" in
        *.md | *.markdown | *.txt | *.html | *.htm | *.pdf) ;;
        *) continue ;;
    esac
    for root in "$@"; do
        root="${root%/}"
        if [[ "$root" == "." || "$file" == "$root" || "$file" == "$root"/* ]]; then
            [[ -f "$file" ]] && printf '%s\n' "$file"
            break
        fi
    done
done
