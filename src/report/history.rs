//! What changed for a memo between two recorded runs. Pure: the store
//! keeps and gives back the records ([`Recorded`]), this compares them.

use crate::model::{ItemKind, QuoteVerdict, Verdict};
use serde::Serialize;
use std::collections::HashMap;

/// One item's result in a recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The URL or the quotation.
    pub subject: String,
    /// The verdict (its kind says link or quote).
    pub verdict: Verdict,
    /// Whether it was at error level.
    pub error: bool,
    /// Read back from the store: when an item at error level was first
    /// seen so without a break. Ignored when recording.
    pub failing_since: Option<i64>,
}

impl Recorded {
    /// `link` or `quote`.
    pub fn kind(&self) -> ItemKind {
        self.verdict.kind()
    }
}

/// One item that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Change {
    /// `link` or `quote`.
    pub kind: ItemKind,
    /// The URL or the quotation.
    pub subject: String,
    /// Its verdict now.
    pub verdict: Verdict,
    /// Its verdict in the earlier run, when it was checked then.
    pub was: Option<Verdict>,
}

/// A link or quote at error level since an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FailingSince {
    /// `link` or `quote`.
    pub kind: ItemKind,
    /// The URL or the quotation.
    pub subject: String,
    /// When the first run of its current streak saw it (HTTP date).
    pub since: String,
}

/// A memo's changes since an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct Changes {
    /// When the earlier run was (HTTP date).
    pub since_run: String,
    /// Findings at error level that were not (broken links, missing
    /// quotes), and quotes that drifted (found before, not now).
    pub new_findings: Vec<Change>,
    /// Findings at error level then that are not now.
    pub fixed: Vec<Change>,
    /// Items at error level now, with the first run that saw them so.
    pub failing_since: Vec<FailingSince>,
}

/// A memo's changes: its results `now` against those of the run `before`,
/// which was at `since_run` (Unix time).
pub fn changes(now: &[Recorded], before: &[Recorded], since_run: i64) -> Changes {
    let (new_findings, fixed) = compare(now, before);
    let failing_since = now
        .iter()
        .filter(|r| r.error)
        .filter_map(|r| {
            Some(FailingSince {
                kind: r.kind(),
                subject: r.subject.clone(),
                since: crate::date::http_date(r.failing_since?),
            })
        })
        .collect();
    Changes {
        since_run: crate::date::http_date(since_run),
        new_findings,
        fixed,
        failing_since,
    }
}

/// Whether a quote's verdict now is drift from `found` before (a quote
/// that could not be checked has not drifted).
fn drifted(now: Verdict, was: Verdict) -> bool {
    matches!(
        now,
        Verdict::Quote(QuoteVerdict::Missing | QuoteVerdict::Approximate)
    ) && was == Verdict::Quote(QuoteVerdict::Found)
}

/// Compare a memo's results now with an earlier run's.
pub fn compare(now: &[Recorded], before: &[Recorded]) -> (Vec<Change>, Vec<Change>) {
    let earlier: HashMap<(ItemKind, &str), &Recorded> = before
        .iter()
        .map(|r| ((r.kind(), r.subject.as_str()), r))
        .collect();
    let mut new_findings = Vec::new();
    let mut fixed = Vec::new();
    for item in now {
        let was = earlier.get(&(item.kind(), item.subject.as_str()));
        let change = || Change {
            kind: item.kind(),
            subject: item.subject.clone(),
            verdict: item.verdict,
            was: was.map(|w| w.verdict),
        };
        let newly_failing = item.error && !was.is_some_and(|w| w.error);
        if newly_failing || was.is_some_and(|w| drifted(item.verdict, w.verdict)) {
            new_findings.push(change());
        } else if was.is_some_and(|w| w.error) && !item.error {
            fixed.push(change());
        }
    }
    (new_findings, fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: &str, subject: &str, verdict: &str, error: bool) -> Recorded {
        Recorded {
            subject: subject.into(),
            verdict: Verdict::parse(kind, verdict).unwrap(),
            error,
            failing_since: None,
        }
    }

    #[test]
    fn new_fixed_and_drifted() {
        let before = [
            r("link", "a", "ok", false),
            r("link", "b", "broken", true),
            r("quote", "q", "found", false),
            r("link", "c", "broken", true),
            r("quote", "u", "found", false),
        ];
        let now = [
            r("link", "a", "broken", true),
            r("link", "b", "ok", false),
            r("quote", "q", "approximate", false),
            r("link", "c", "broken", true),
            r("link", "d", "soft_404", true),
            r("quote", "u", "unverifiable", false),
        ];
        let (new, fixed) = compare(&now, &before);
        let subjects: Vec<&str> = new.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["a", "q", "d"]);
        assert_eq!(new[0].was.map(Verdict::name), Some("ok"));
        assert_eq!(new[2].was, None);
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].subject, "b");
    }
}
