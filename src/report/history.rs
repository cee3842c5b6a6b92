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
    /// When the settings that weigh verdicts (exclude, accept, severity,
    /// quote threshold) differ from the earlier run's: which, and the
    /// items whose change they explain, kept out of `new_findings` and
    /// `fixed` (nothing on the web changed for them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_changed: Option<SettingsChanged>,
}

/// The effect of a change of settings between two runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct SettingsChanged {
    /// The settings that differ, by name (`exclude`, `severity.redirected`).
    pub settings: Vec<String>,
    /// Items at error level before and not now because of them.
    pub no_longer_failing: Vec<Change>,
    /// Items at error level now and not before because of them.
    pub now_failing: Vec<Change>,
}

/// The settings a run was weighed with, as recorded: one `name=value`
/// per line, in a fixed order, so two runs compare line by line.
pub fn settings_fingerprint(settings: &[(String, String)]) -> String {
    let mut lines: Vec<String> = settings
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace('\n', "\\n")))
        .collect();
    lines.sort();
    lines.join("\n")
}

/// The names of the settings that differ between two fingerprints.
pub fn changed_settings(before: &str, now: &str) -> Vec<String> {
    let parse = |text: &str| -> HashMap<String, String> {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    };
    let (before, now) = (parse(before), parse(now));
    let mut names: Vec<String> = before
        .keys()
        .chain(now.keys())
        .filter(|k| before.get(*k) != now.get(*k))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The run a memo's results are compared with.
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a> {
    /// Its results.
    pub results: &'a [Recorded],
    /// When it was (Unix time).
    pub at: i64,
    /// The settings it was weighed with (unknown for runs recorded
    /// before they were kept), and the settings of the run compared.
    pub settings: Option<(&'a str, &'a str)>,
}

/// A memo's changes: its results `now` against those of an earlier run.
pub fn changes(now: &[Recorded], earlier: Earlier<'_>) -> Changes {
    let (mut new_findings, mut fixed) = compare(now, earlier.results);
    let changed = earlier
        .settings
        .map(|(before, now)| changed_settings(before, now))
        .unwrap_or_default();
    let settings_changed = (!changed.is_empty()).then(|| {
        let (now_failing, new) = new_findings
            .drain(..)
            .partition(|c| by_settings(c, &changed));
        new_findings = new;
        let (no_longer_failing, still) = fixed.drain(..).partition(|c| by_settings(c, &changed));
        fixed = still;
        SettingsChanged {
            settings: changed,
            no_longer_failing,
            now_failing,
        }
    });
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
        since_run: crate::date::http_date(earlier.at),
        new_findings,
        fixed,
        failing_since,
        settings_changed,
    }
}

/// Whether a change of settings named in `changed` explains `change`:
/// its verdict is the same and only its weight changed (severity), it is
/// or was excluded (exclude), a link passed to or from `ok` when the
/// accepted statuses changed, or a quote moved between its inexact
/// verdicts when the threshold did.
fn by_settings(change: &Change, changed: &[String]) -> bool {
    use crate::model::LinkVerdict as L;
    let named = |prefix: &str| changed.iter().any(|c| c.starts_with(prefix));
    let both = [Some(change.verdict), change.was];
    let any = |v: Verdict| both.contains(&Some(v));
    let weighed = change.was == Some(change.verdict) && named("severity");
    let excluded = any(Verdict::Link(L::Excluded)) && named("exclude");
    let accepted = any(Verdict::Link(L::Ok)) && (named("accept") || named("host."));
    let inexact = both.iter().all(|v| {
        matches!(
            v,
            Some(Verdict::Quote(
                QuoteVerdict::Found | QuoteVerdict::Approximate | QuoteVerdict::Missing
            ))
        )
    }) && named("quote-threshold");
    weighed || excluded || accepted || inexact
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

    /// A change of settings explains the changes it can cause and no
    /// other: a link that was fixed on the web stays "fixed".
    #[test]
    fn settings_changes_are_not_fixes() {
        let before = [
            r("link", "weighed", "redirected", true),
            r("link", "excluded", "broken", true),
            r("link", "repaired", "broken", true),
            r("link", "raised", "blocked", false),
        ];
        let now = [
            r("link", "weighed", "redirected", false),
            r("link", "excluded", "excluded", false),
            r("link", "repaired", "redirected", false),
            r("link", "raised", "blocked", true),
        ];
        let fingerprint = |pairs: &[(&str, &str)]| {
            settings_fingerprint(
                &pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        let was = fingerprint(&[("exclude", ""), ("severity.redirected", "error")]);
        let is = fingerprint(&[("exclude", "excluded"), ("severity.blocked", "error")]);
        assert_eq!(
            changed_settings(&was, &is),
            ["exclude", "severity.blocked", "severity.redirected"]
        );
        let earlier = Earlier {
            results: &before,
            at: 0,
            settings: Some((&was, &is)),
        };
        let changes = changes(&now, earlier);
        let subjects =
            |list: &[Change]| -> Vec<String> { list.iter().map(|c| c.subject.clone()).collect() };
        assert_eq!(subjects(&changes.fixed), ["repaired"]);
        assert!(changes.new_findings.is_empty());
        let settings = changes.settings_changed.expect("settings changed");
        assert_eq!(
            subjects(&settings.no_longer_failing),
            ["weighed", "excluded"]
        );
        assert_eq!(subjects(&settings.now_failing), ["raised"]);

        // The same runs with unchanged (or unknown) settings: all fixes.
        for settings in [Some((was.as_str(), was.as_str())), None] {
            let changes = super::changes(
                &now,
                Earlier {
                    settings,
                    ..earlier
                },
            );
            assert_eq!(changes.fixed.len(), 3);
            assert_eq!(changes.new_findings.len(), 1);
            assert_eq!(changes.settings_changed, None);
        }
    }
}
