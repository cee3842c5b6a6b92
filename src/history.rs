//! What changed for a memo between two recorded runs. Pure: the store
//! gives the records, this compares them.

use crate::store::Recorded;
use serde::Serialize;
use std::collections::HashMap;

/// One item that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `link` or `quote`.
    pub kind: String,
    /// The URL or the quotation.
    pub subject: String,
    /// Its verdict now.
    pub verdict: String,
    /// Its verdict in the earlier run, when it was checked then.
    pub was: Option<String>,
}

/// A link or quote at error level since an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailingSince {
    /// `link` or `quote`.
    pub kind: String,
    /// The URL or the quotation.
    pub subject: String,
    /// When the first run of its current streak saw it (HTTP date).
    pub since: String,
}

/// A memo's changes since an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
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
                kind: r.kind.clone(),
                subject: r.subject.clone(),
                since: date(r.failing_since?),
            })
        })
        .collect();
    Changes {
        since_run: date(since_run),
        new_findings,
        fixed,
        failing_since,
    }
}

/// Compare a memo's results now with an earlier run's.
pub fn compare(now: &[Recorded], before: &[Recorded]) -> (Vec<Change>, Vec<Change>) {
    let earlier: HashMap<(&str, &str), &Recorded> = before
        .iter()
        .map(|r| ((r.kind.as_str(), r.subject.as_str()), r))
        .collect();
    let mut new_findings = Vec::new();
    let mut fixed = Vec::new();
    for item in now {
        let was = earlier.get(&(item.kind.as_str(), item.subject.as_str()));
        let change = || Change {
            kind: item.kind.clone(),
            subject: item.subject.clone(),
            verdict: item.verdict.clone(),
            was: was.map(|w| w.verdict.clone()),
        };
        let newly_failing = item.error && !was.is_some_and(|w| w.error);
        let drifted = item.kind == "quote"
            && item.verdict != "found"
            && item.verdict != "unverifiable"
            && was.is_some_and(|w| w.verdict == "found");
        if newly_failing || drifted {
            new_findings.push(change());
        } else if was.is_some_and(|w| w.error) && !item.error {
            fixed.push(change());
        }
    }
    (new_findings, fixed)
}

/// An HTTP date for a Unix time.
pub fn date(unix: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    httpdate::fmt_http_date(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: &str, subject: &str, verdict: &str, error: bool) -> Recorded {
        Recorded {
            kind: kind.into(),
            subject: subject.into(),
            verdict: verdict.into(),
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
        ];
        let now = [
            r("link", "a", "broken", true),
            r("link", "b", "ok", false),
            r("quote", "q", "approximate", false),
            r("link", "c", "broken", true),
            r("link", "d", "soft_404", true),
        ];
        let (new, fixed) = compare(&now, &before);
        let subjects: Vec<&str> = new.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["a", "q", "d"]);
        assert_eq!(new[0].was.as_deref(), Some("ok"));
        assert_eq!(new[2].was, None);
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].subject, "b");
        assert_eq!(date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
