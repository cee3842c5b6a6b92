//! The history of runs, kept as spans: for each memo's link or quote, one
//! row per stretch of runs that gave it the same verdict. A rerun that
//! finds nothing changed writes two small rows (the run, and that it
//! checked the memo) however many links the memo has, and the store grows
//! with the changes, not with the runs.
//!
//! A span is open (`last_run` NULL) while its verdict still holds in the
//! memo's latest run; a change closes it at the memo's previous run and
//! opens a new one. What a run recorded for a memo is the spans that
//! cover it. An item at error level carries the time of the first run of
//! its current error streak, across spans (broken, then soft 404).
//!
//! The rules are here, once; each backend gives the steps on its own
//! transaction ([`SpanStore`]).

use crate::model::Verdict;
use crate::report::history::Recorded;
use std::collections::HashMap;

/// What recording one memo found: the items that can make a change
/// (those at error level now or before, and those whose verdict changed),
/// now and in the run before. Unchanged fine items are left out: a rerun
/// of a large memo copies nothing it need not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemoRecord {
    /// Those items in this run, with since when those at error level have
    /// been so.
    pub now: Vec<Recorded>,
    /// The run before that checked it.
    pub previous: Option<Previous>,
}

/// The run before the one recorded that checked a memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Previous {
    /// When it was (Unix time).
    pub at: i64,
    /// The items of [`MemoRecord::now`] as it found them.
    pub items: Vec<Recorded>,
    /// The settings it was weighed with, when recorded
    /// ([`crate::settings::Checks::fingerprint`]).
    pub settings: Option<String>,
}

/// An open span as the next run finds it.
#[derive(Debug)]
pub(super) struct OpenSpan {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub verdict: String,
    pub error: bool,
    pub failing_since: Option<i64>,
}

/// The steps of recording, inside one of a backend's transactions.
pub(super) trait SpanStore {
    /// The backend's error.
    type Error;
    /// Add a run at time `at`, weighed with `settings`; its id.
    fn add_run(&mut self, at: i64, settings: Option<&str>) -> Result<i64, Self::Error>;
    /// Forget runs before `cutoff`, and the closed spans no kept run saw
    /// (open ones always stay).
    fn prune(&mut self, cutoff: i64) -> Result<(), Self::Error>;
    /// The latest run that checked `memo`: its id, time and settings.
    fn last_run(&mut self, memo: &str) -> Result<Option<LastRun>, Self::Error>;
    /// The memo's open spans.
    fn open_spans(&mut self, memo: &str) -> Result<Vec<OpenSpan>, Self::Error>;
    /// End span `id` at run `last_run`.
    fn close_span(&mut self, id: i64, last_run: i64) -> Result<(), Self::Error>;
    /// Open a span for `item` (its verdict, error level and error streak)
    /// from `run` on.
    fn open_span(&mut self, memo: &str, item: &Recorded, run: i64) -> Result<(), Self::Error>;
    /// Note that `run` checked `memo`.
    fn checked(&mut self, memo: &str, run: i64) -> Result<(), Self::Error>;
}

/// A run as [`SpanStore::last_run`] gives it: id, time, settings.
pub(super) type LastRun = (i64, i64, Option<String>);

/// Record a run at `now`, weighed with `settings`, in `tx`: each memo's
/// items, then forget runs older than `keep`. The run's id and, for each
/// memo in order, what was recorded and what the run before found.
pub(super) fn record_run<S: SpanStore>(
    tx: &mut S,
    memos: &[(String, Vec<Recorded>)],
    now: i64,
    keep: std::time::Duration,
    settings: Option<&str>,
) -> Result<(i64, Vec<MemoRecord>), S::Error> {
    let run = tx.add_run(now, settings)?;
    let records = memos
        .iter()
        .map(|(memo, items)| record_memo(tx, memo, run, now, items))
        .collect::<Result<Vec<_>, _>>()?;
    tx.prune(now.saturating_sub(keep.as_secs() as i64))?;
    Ok((run, records))
}

/// Record that `run` (at time `at`) checked `memo` and found `items`,
/// closing the spans whose verdict changed and opening new ones.
pub(super) fn record_memo<S: SpanStore>(
    tx: &mut S,
    memo: &str,
    run: i64,
    at: i64,
    items: &[Recorded],
) -> Result<MemoRecord, S::Error> {
    let last = tx.last_run(memo)?;
    // No earlier run left (pruned): spans closed now end before this one
    // all the same.
    let previous = last.as_ref().map_or(0, |(id, _, _)| *id);
    // By kind, then subject: looked up by `&str`, with no key to build.
    let mut open: HashMap<String, HashMap<String, OpenSpan>> = HashMap::new();
    for span in tx.open_spans(memo)? {
        open.entry(span.kind.clone())
            .or_default()
            .insert(span.subject.clone(), span);
    }
    let mut before = Vec::new();
    let mut now = Vec::new();
    for item in items {
        let was = open
            .get_mut(item.kind().name())
            .and_then(|spans| spans.remove(&item.subject));
        let failing_since = item.error.then(|| {
            was.as_ref()
                .filter(|w| w.error)
                .and_then(|w| w.failing_since)
                .unwrap_or(at)
        });
        let unchanged = was
            .as_ref()
            .is_some_and(|w| w.verdict == item.verdict.name() && w.error == item.error);
        let item = Recorded {
            failing_since,
            ..item.clone()
        };
        if !unchanged || item.error {
            // A span whose verdict this version does not know cannot make
            // a change worth showing.
            let earlier = was.as_ref().and_then(|w| {
                Some(Recorded {
                    subject: item.subject.clone(),
                    verdict: Verdict::parse(item.kind().name(), &w.verdict)?,
                    error: w.error,
                    failing_since: w.failing_since,
                })
            });
            before.extend(earlier);
        }
        if let Some(was) = &was {
            if unchanged {
                if item.error {
                    now.push(item);
                }
                continue;
            }
            tx.close_span(was.id, previous)?;
        }
        tx.open_span(memo, &item, run)?;
        now.push(item);
    }
    // What the memo no longer cites.
    for gone in open.values().flat_map(HashMap::values) {
        tx.close_span(gone.id, previous)?;
    }
    tx.checked(memo, run)?;
    Ok(MemoRecord {
        now,
        previous: last.map(|(_, at, settings)| Previous {
            at,
            items: before,
            settings,
        }),
    })
}

/// A stored span's kind and verdict as a [`Recorded`] item, unless this
/// version does not know the verdict (a newer one wrote it).
pub(super) fn recorded(
    kind: &str,
    subject: String,
    verdict: &str,
    error: bool,
    failing_since: Option<i64>,
) -> Option<Recorded> {
    Some(Recorded {
        subject,
        verdict: Verdict::parse(kind, verdict)?,
        error,
        failing_since,
    })
}

/// A span row as read: kind, subject, verdict, error, failing since.
pub(super) type Row = (String, String, String, bool, Option<i64>);

#[cfg(test)]
pub(super) mod tests {
    use super::super::{Store, testing};
    use super::*;
    use std::time::Duration;

    fn r(subject: &str, verdict: &str) -> Recorded {
        Recorded {
            subject: subject.into(),
            verdict: Verdict::parse("link", verdict).unwrap(),
            error: verdict != "ok",
            failing_since: None,
        }
    }

    /// What `run` recorded for memo `m`: subject, verdict, failing since.
    pub(in crate::store) fn state(store: &Store, run: i64) -> Vec<(String, String, Option<i64>)> {
        let mut got: Vec<_> = store
            .results(run, "m")
            .into_iter()
            .map(|r| (r.subject, r.verdict.name().to_owned(), r.failing_since))
            .collect();
        got.sort();
        got
    }

    #[test]
    fn spans_replay_every_run_and_carry_error_streaks() {
        for (location, _dir) in testing::locations() {
            let (mut store, _) = Store::open(&location).unwrap();
            let keep = Duration::from_secs(10_000);
            let runs = [
                (100, vec![r("a", "ok"), r("b", "ok"), r("c", "broken")]),
                (
                    200,
                    vec![r("a", "broken"), r("b", "ok"), r("c", "soft_404")],
                ),
                (300, vec![r("a", "broken"), r("c", "ok")]),
                (400, vec![r("a", "ok"), r("b", "ok"), r("c", "ok")]),
            ];
            let mut ids = Vec::new();
            for (at, items) in &runs {
                let (id, records) = store
                    .record_run(&[("m".to_owned(), items.clone())], *at, keep, None)
                    .unwrap();
                // What recording gives back is what reading the run gives, for
                // the items that can make a change; and the changes are the
                // same as from reading both runs whole.
                let read = store.results(id, "m");
                let record = &records[0];
                assert!(record.now.iter().all(|r| read.contains(r)));
                assert!(
                    read.iter()
                        .filter(|r| r.error)
                        .all(|r| record.now.contains(r))
                );
                if let (Some(&previous), Some(earlier)) = (ids.last(), &record.previous) {
                    let then = store.results(previous, "m");
                    assert!(earlier.items.iter().all(|r| then.contains(r)));
                    let compared = |results| crate::report::history::Earlier {
                        results,
                        at: earlier.at,
                        settings: None,
                    };
                    assert_eq!(
                        crate::report::history::changes(&record.now, compared(&earlier.items)),
                        crate::report::history::changes(&read, compared(&then))
                    );
                    assert_eq!(
                        store.previous_run("m", id, None),
                        Some((previous, earlier.at))
                    );
                }
                ids.push(id);
            }
            let s = |v: &str| v.to_owned();
            assert_eq!(
                state(&store, ids[1]),
                [
                    (s("a"), s("broken"), Some(200)),
                    (s("b"), s("ok"), None),
                    (s("c"), s("soft_404"), Some(100)),
                ],
                "an error streak survives a change of verdict"
            );
            assert_eq!(
                state(&store, ids[2]),
                [(s("a"), s("broken"), Some(200)), (s("c"), s("ok"), None)],
                "an item no longer cited is not in the run"
            );
            assert_eq!(state(&store, ids[3]).len(), 3);
            assert_eq!(store.previous_run("m", ids[3], None), Some((ids[2], 300)));
            assert_eq!(
                store.previous_run("m", ids[3], Some(250)),
                Some((ids[1], 200))
            );
            assert_eq!(store.latest_run("m"), Some((ids[3], 400)));
            assert_eq!(store.memos(), ["m"]);

            // An unchanged rerun adds no span.
            let spans = |store: &Store| store.backend.count("spans");
            let before = spans(&store);
            store
                .record_run(&[("m".to_owned(), runs[3].1.clone())], 500, keep, None)
                .unwrap();
            assert_eq!(spans(&store), before);

            // Pruning forgets what only old runs saw, never what holds now.
            store
                .record_run(&[("m".to_owned(), runs[3].1.clone())], 20_000, keep, None)
                .unwrap();
            assert_eq!(spans(&store), 3, "only the open spans are left");
            assert_eq!(store.previous_run("m", i64::MAX, Some(450)), None);
        }
    }
}
