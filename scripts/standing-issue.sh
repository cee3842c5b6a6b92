#!/usr/bin/env bash
# One GitHub issue kept for a scheduled audit (the Action's `issue: true`),
# through the GitHub REST API with `gh api`:
#
#   standing-issue.sh REPORT.md EXIT_CODE
#
# EXIT_CODE is citecheck's: 1 (findings) opens the issue, or replaces the
# body of the one already open, with the Markdown report; 0 (clean) closes
# the open one with a comment; anything else (the run itself failed)
# leaves it as it is. The issue is found by its label and the marker its
# body starts with, so one repository can keep one per audit (give each
# its own ISSUE_LABEL).
#
# Environment: REPO (owner/name), GH_TOKEN; ISSUE_TITLE (default
# "citecheck audit"), ISSUE_LABEL (default "citecheck"), RUN_URL (a link to
# the run, added under the report when given).
set -euo pipefail
report=$1
code=$2
title=${ISSUE_TITLE:-citecheck audit}
label=${ISSUE_LABEL:-citecheck}
marker="<!-- citecheck standing issue: $label -->"

existing=$(gh api "repos/$REPO/issues?state=open&labels=$label&per_page=100" --paginate \
    --jq ".[] | select(.pull_request == null) | select((.body // \"\") | startswith(\"$marker\")) | .number" |
    head -n 1)

case "$code" in
1)
    body="$(printf '%s\n%s\n' "$marker" "$(cat "$report")")"
    if [ -n "${RUN_URL:-}" ]; then
        body="$(printf '%s\n\n[The run that found this](%s)\n' "$body" "$RUN_URL")"
    fi
    if [ -n "$existing" ]; then
        gh api --method PATCH "repos/$REPO/issues/$existing" -f body="$body" >/dev/null
        echo "citecheck: updated issue #$existing"
    else
        number=$(gh api --method POST "repos/$REPO/issues" -f title="$title" -f body="$body" \
            -f "labels[]=$label" --jq .number)
        echo "citecheck: opened issue #$number"
    fi
    ;;
0)
    if [ -n "$existing" ]; then
        gh api --method POST "repos/$REPO/issues/$existing/comments" \
            -f body="A clean run: nothing needs attention now${RUN_URL:+ ($RUN_URL)}. Closing." >/dev/null
        gh api --method PATCH "repos/$REPO/issues/$existing" -f state=closed \
            -f state_reason=completed >/dev/null
        echo "citecheck: closed issue #$existing"
    fi
    ;;
*)
    echo "citecheck ended with $code: the standing issue is left as it is" >&2
    ;;
esac
