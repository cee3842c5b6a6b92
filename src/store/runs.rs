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

use super::Store;
use crate::history::{Changes, Recorded};
use crate::model::Verdict;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;
use std::time::Duration;

/// The schema of the history (version 3), created in a migration's
/// transaction.
pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS memo_runs (
        memo TEXT NOT NULL,
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        PRIMARY KEY (memo, run)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS spans (
        memo TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        verdict TEXT NOT NULL,
        error INTEGER NOT NULL,
        first_run INTEGER NOT NULL,
        last_run INTEGER,
        failing_since INTEGER
    );
    CREATE INDEX IF NOT EXISTS spans_by_memo ON spans (memo, last_run);
";

/// What recording one memo found: the items that can make a change
/// (those at error level now or before, and those whose verdict changed),
/// now and in the run before. Unchanged fine items are left out: a rerun
/// of a large memo copies nothing it need not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemoRecord {
    /// Those items in this run, with since when those at error level have
    /// been so.
    pub now: Vec<Recorded>,
    /// The run before that checked it: when it was, and those items then.
    pub previous: Option<(i64, Vec<Recorded>)>,
}

/// An open span as the next run finds it.
struct Open {
    id: i64,
    verdict: String,
    error: bool,
    failing_since: Option<i64>,
}

/// The latest run that checked `memo`: its id and time.
fn last_run(tx: &Transaction<'_>, memo: &str) -> rusqlite::Result<Option<(i64, i64)>> {
    tx.query_row(
        "SELECT memo_runs.run, runs.at FROM memo_runs JOIN runs ON runs.id = memo_runs.run
         WHERE memo_runs.memo = ?1 ORDER BY memo_runs.run DESC LIMIT 1",
        params![memo],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// The memo's open spans, by kind, then subject: looked up by `&str`,
/// with no key to build.
fn open_spans(
    tx: &Transaction<'_>,
    memo: &str,
) -> rusqlite::Result<HashMap<String, HashMap<String, Open>>> {
    let mut open: HashMap<String, HashMap<String, Open>> = HashMap::new();
    let mut query = tx.prepare_cached(
        "SELECT rowid, kind, subject, verdict, error, failing_since FROM spans
         WHERE memo = ?1 AND last_run IS NULL",
    )?;
    let rows = query.query_map(params![memo], |r| {
        Ok((
            (r.get(1)?, r.get(2)?),
            Open {
                id: r.get(0)?,
                verdict: r.get(3)?,
                error: r.get(4)?,
                failing_since: r.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let ((kind, subject), span): ((String, String), Open) = row?;
        open.entry(kind).or_default().insert(subject, span);
    }
    Ok(open)
}

/// Record that `run` (at time `at`) checked `memo` and found `items`,
/// closing the spans whose verdict changed and opening new ones.
fn record_memo(
    tx: &Transaction<'_>,
    memo: &str,
    run: i64,
    at: i64,
    items: &[Recorded],
) -> rusqlite::Result<MemoRecord> {
    let last = last_run(tx, memo)?;
    // No earlier run left (pruned): spans closed now end before this one
    // all the same.
    let previous = last.map_or(0, |(id, _)| id);
    let mut open = open_spans(tx, memo)?;
    let mut before = Vec::new();
    let mut now = Vec::new();
    let mut close = tx.prepare_cached("UPDATE spans SET last_run = ?2 WHERE rowid = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO spans (memo, kind, subject, verdict, error, first_run, failing_since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for item in items {
        let was = open
            .get_mut(item.kind())
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
        if !unchanged || item.error {
            now.push(Recorded {
                failing_since,
                ..item.clone()
            });
            // A span whose verdict this version does not know cannot make
            // a change worth showing.
            let earlier = was.as_ref().and_then(|w| {
                Some(Recorded {
                    subject: item.subject.clone(),
                    verdict: Verdict::parse(item.kind(), &w.verdict)?,
                    error: w.error,
                    failing_since: w.failing_since,
                })
            });
            before.extend(earlier);
        }
        if let Some(was) = &was {
            if unchanged {
                continue;
            }
            close.execute(params![was.id, previous])?;
        }
        insert.execute(params![
            memo,
            item.kind(),
            item.subject,
            item.verdict.name(),
            item.error,
            run,
            failing_since
        ])?;
    }
    // What the memo no longer cites.
    for gone in open.values().flat_map(HashMap::values) {
        close.execute(params![gone.id, previous])?;
    }
    tx.execute(
        "INSERT OR IGNORE INTO memo_runs (memo, run) VALUES (?1, ?2)",
        params![memo, run],
    )?;
    Ok(MemoRecord {
        now,
        previous: last.map(|(_, at)| (at, before)),
    })
}

/// A stored span's kind and verdict as a [`Recorded`] item, unless this
/// version does not know the verdict (a newer one wrote it).
fn recorded(
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

/// Version 2 kept every result of every run; version 3 keeps spans.
/// Replays the old runs in order into spans, then drops the old table.
pub(super) fn migrate_from_results(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let has_results: bool = tx
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'results'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)?;
    if !has_results {
        return Ok(());
    }
    let memo_runs: Vec<(String, i64, i64)> = {
        let mut query = tx.prepare(
            "SELECT DISTINCT results.memo, results.run, runs.at FROM results
             JOIN runs ON runs.id = results.run ORDER BY results.memo, results.run",
        )?;
        query
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    for (memo, run, at) in memo_runs {
        let items: Vec<Recorded> = {
            let mut query = tx.prepare_cached(
                "SELECT kind, subject, verdict, error FROM results WHERE run = ?1 AND memo = ?2",
            )?;
            let rows: Vec<(String, String, String, bool)> = query
                .query_map(params![run, memo], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .filter_map(|(kind, subject, verdict, error)| {
                    recorded(&kind, subject, &verdict, error, None)
                })
                .collect()
        };
        record_memo(tx, &memo, run, at, &items)?;
    }
    tx.execute_batch("DROP TABLE results;")
}

/// A span row as read: kind, subject, verdict, error, failing since.
type Row = (String, String, String, bool, Option<i64>);

impl Store {
    /// Record a run at `now`: each memo's links and quotes (the first
    /// occurrence of each URL or quotation), and forget runs older than
    /// `keep`. Returns the run's id and, for each memo in order, what was
    /// recorded and what the run before found.
    pub(crate) fn record_run(
        &mut self,
        memos: &[(String, Vec<Recorded>)],
        now: i64,
        keep: Duration,
    ) -> Result<(i64, Vec<MemoRecord>), String> {
        let fail = |e: rusqlite::Error| format!("cannot record the run: {e}");
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        tx.execute("INSERT INTO runs (at) VALUES (?1)", params![now])
            .map_err(fail)?;
        let run = tx.last_insert_rowid();
        let records = memos
            .iter()
            .map(|(memo, items)| record_memo(&tx, memo, run, now, items))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        let cutoff = now.saturating_sub(keep.as_secs() as i64);
        tx.execute("DELETE FROM runs WHERE at < ?1", params![cutoff])
            .map_err(fail)?;
        // Closed spans that no kept run saw; open ones always stay.
        tx.execute(
            "DELETE FROM spans WHERE last_run IS NOT NULL
             AND last_run < (SELECT COALESCE(MIN(id), 0) FROM runs)",
            [],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok((run, records))
    }

    /// The latest run before `run` (and at or before `at`, when given)
    /// that checked `memo`: its id and time.
    pub(crate) fn previous_run(&self, memo: &str, run: i64, at: Option<i64>) -> Option<(i64, i64)> {
        self.conn
            .query_row(
                "SELECT runs.id, runs.at FROM memo_runs JOIN runs ON runs.id = memo_runs.run
                 WHERE memo_runs.memo = ?1 AND memo_runs.run < ?2 AND runs.at <= ?3
                 ORDER BY memo_runs.run DESC LIMIT 1",
                params![memo, run, at.unwrap_or(i64::MAX)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ok()?
    }

    /// What a run recorded for a memo, with since when each item at error
    /// level had been so.
    pub(crate) fn results(&self, run: i64, memo: &str) -> Vec<Recorded> {
        let Ok(mut query) = self.conn.prepare_cached(
            "SELECT kind, subject, verdict, error, failing_since FROM spans
             WHERE memo = ?1 AND first_run <= ?2 AND (last_run IS NULL OR last_run >= ?2)",
        ) else {
            return Vec::new();
        };
        query
            .query_map(params![memo, run], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .map(|rows| {
                rows.filter_map(Result::ok)
                    .filter_map(|(kind, subject, verdict, error, since): Row| {
                        recorded(&kind, subject, &verdict, error, since)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every memo the history holds.
    pub(crate) fn memos(&self) -> Vec<String> {
        let Ok(mut query) = self
            .conn
            .prepare("SELECT DISTINCT memo FROM memo_runs ORDER BY memo")
        else {
            return Vec::new();
        };
        query
            .query_map([], |r| r.get(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// The latest run that checked `memo`.
    pub(crate) fn latest_run(&self, memo: &str) -> Option<(i64, i64)> {
        self.previous_run(memo, i64::MAX, None)
    }

    /// A memo's changes in `run` since the run before it (the last at or
    /// before `since`, when given), read from the history.
    pub(crate) fn changes(&self, memo: &str, run: i64, since: Option<i64>) -> Option<Changes> {
        let (previous, at) = self.previous_run(memo, run, since)?;
        Some(crate::history::changes(
            &self.results(run, memo),
            &self.results(previous, memo),
            at,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(subject: &str, verdict: &str) -> Recorded {
        Recorded {
            subject: subject.into(),
            verdict: Verdict::parse("link", verdict).unwrap(),
            error: verdict != "ok",
            failing_since: None,
        }
    }

    fn state(store: &Store, run: i64) -> Vec<(String, String, Option<i64>)> {
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
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Store::open(dir.path()).unwrap();
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
                .record_run(&[("m".to_owned(), items.clone())], *at, keep)
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
            if let (Some(&previous), Some((at, before))) = (ids.last(), &record.previous) {
                let then = store.results(previous, "m");
                assert!(before.iter().all(|r| then.contains(r)));
                assert_eq!(
                    crate::history::changes(&record.now, before, *at),
                    crate::history::changes(&read, &then, *at)
                );
                assert_eq!(store.previous_run("m", id, None), Some((previous, *at)));
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
        let spans = |store: &Store| -> i64 {
            store
                .conn
                .query_row("SELECT COUNT(*) FROM spans", [], |r| r.get(0))
                .unwrap()
        };
        let before = spans(&store);
        store
            .record_run(&[("m".to_owned(), runs[3].1.clone())], 500, keep)
            .unwrap();
        assert_eq!(spans(&store), before);

        // Pruning forgets what only old runs saw, never what holds now.
        store
            .record_run(&[("m".to_owned(), runs[3].1.clone())], 20_000, keep)
            .unwrap();
        assert_eq!(spans(&store), 3, "only the open spans are left");
        assert_eq!(store.previous_run("m", i64::MAX, Some(450)), None);
    }

    #[test]
    fn a_version_2_history_is_replayed_into_spans() {
        let dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join(super::super::FILE_NAME)).unwrap();
        conn.execute_batch(
            "CREATE TABLE pages (url TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL,
                 expires_at INTEGER NOT NULL, failure INTEGER NOT NULL, record BLOB NOT NULL);
             CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL);
             CREATE TABLE results (run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                 memo TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
                 verdict TEXT NOT NULL, error INTEGER NOT NULL,
                 PRIMARY KEY (run, memo, kind, subject));
             INSERT INTO runs (at) VALUES (100), (200), (300);
             INSERT INTO results VALUES
                 (1, 'm', 'link', 'a', 'ok', 0), (1, 'm', 'link', 'b', 'broken', 1),
                 (2, 'm', 'link', 'a', 'broken', 1), (2, 'm', 'link', 'b', 'broken', 1),
                 (3, 'm', 'link', 'a', 'broken', 1), (3, 'm', 'link', 'b', 'ok', 0);
             PRAGMA user_version = 2;",
        )
        .unwrap();
        drop(conn);
        let (store, notices) = Store::open(dir.path()).unwrap();
        assert!(notices.is_empty(), "{notices:?}");
        let s = |v: &str| v.to_owned();
        let mut first = store.results(1, "m");
        first.sort_by(|x, y| x.subject.cmp(&y.subject));
        assert_eq!(first[0].verdict.name(), "ok");
        assert_eq!(first[1].failing_since, Some(100));
        assert_eq!(
            state(&store, 3),
            [(s("a"), s("broken"), Some(200)), (s("b"), s("ok"), None)]
        );
        assert_eq!(store.latest_run("m"), Some((3, 300)));
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, super::super::SCHEMA_VERSION);
    }
}
