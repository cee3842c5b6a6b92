//! The embedded store: one SQLite file (rusqlite, bundled SQLite) in the
//! cache folder, the zero-setup default.
//!
//! The schema is versioned with SQLite's `user_version`; a store written
//! by a newer citecheck is refused (left untouched), a corrupt one is set
//! aside (renamed) and rebuilt. WAL mode and a busy timeout let two runs
//! share the file.

use super::runs::{self, MemoRecord, OpenSpan, SpanStore};
use super::{Backend, READ_CHANGES, Record, Row, SCHEMA_VERSION, Stats};
use super::{Doing, StoreError};
use crate::report::history::Recorded;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The store's file in its folder.
pub(crate) const FILE_NAME: &str = "citecheck.sqlite";

/// The history's tables (version 3), created in a migration's transaction.
const HISTORY: &str = "
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

/// An open SQLite store.
#[derive(Debug)]
pub(crate) struct Sqlite {
    conn: Connection,
    name: String,
    path: PathBuf,
}

impl Sqlite {
    /// Open (or create) the store in `dir`, with notices for the user (a
    /// corrupt store set aside).
    pub(crate) fn open(dir: &Path) -> Result<(Self, Vec<String>), StoreError> {
        std::fs::create_dir_all(dir).map_err(|error| StoreError::Folder {
            folder: dir.to_owned(),
            error,
        })?;
        let path = dir.join(FILE_NAME);
        let mut notices = Vec::new();
        // Another run may hold the store while it creates or migrates it:
        // wait for it rather than mistake it for damage.
        let mut opened = Self::open_file(&path);
        for _ in 0..100 {
            match &opened {
                Err(OpenError::Busy(_)) => {
                    std::thread::sleep(Duration::from_millis(100));
                    opened = Self::open_file(&path);
                }
                _ => break,
            }
        }
        match opened {
            Err(OpenError::Busy(why)) => Err(StoreError::Busy { file: path, why }),
            Err(OpenError::Unusable(why)) => Err(StoreError::Unusable { file: path, why }),
            Ok(store) => Ok((store, notices)),
            Err(OpenError::Newer(version)) => Err(StoreError::Newer {
                store: format!("the cache {}", path.display()),
                version,
                known: SCHEMA_VERSION,
            }),
            Err(OpenError::Corrupt(why)) => {
                let aside = path.with_extension(format!("sqlite.corrupt-{}", crate::date::now()));
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                std::fs::rename(&path, &aside).map_err(|error| StoreError::CannotSetAside {
                    file: path.clone(),
                    error,
                })?;
                notices.push(format!(
                    "the cache {} was corrupt ({why}); it was moved to {} and rebuilt",
                    path.display(),
                    aside.display()
                ));
                let store = Self::open_file(&path).map_err(|e| StoreError::Unusable {
                    file: path.clone(),
                    why: e.to_string(),
                })?;
                Ok((store, notices))
            }
        }
    }

    fn open_file(path: &Path) -> Result<Self, OpenError> {
        let corrupt = OpenError::from;
        let mut conn = Connection::open(path).map_err(corrupt)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(corrupt)?;
        // Reading the header fails on a file that is not a database; a
        // full integrity check would cost more than the run it serves.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(corrupt)?;
        if version > SCHEMA_VERSION {
            return Err(OpenError::Newer(version));
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(corrupt)?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(corrupt)?;
        }
        migrate(&mut conn, version).map_err(corrupt)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(corrupt)?;
        // Reads through a memory map instead of a copy per page, a page
        // cache that holds a large run's lookups, and no fsync per commit:
        // in WAL mode a power cut can lose the last run's writes (a cache
        // refetches them) but never corrupts the store.
        conn.execute_batch(
            "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768; PRAGMA synchronous = NORMAL;",
        )
        .map_err(corrupt)?;
        Ok(Self {
            conn,
            name: path.display().to_string(),
            path: path.to_owned(),
        })
    }

    /// The records among `urls` by one pass over the table.
    fn scan(&self, urls: &[&str]) -> rusqlite::Result<Vec<(usize, Record)>> {
        let mut records = Vec::new();
        let wanted: std::collections::HashMap<&str, usize> =
            urls.iter().enumerate().map(|(i, url)| (*url, i)).collect();
        let mut query = self
            .conn
            .prepare_cached("SELECT url, fetched_at, failure, record FROM pages")?;
        let mut rows = query.query([])?;
        while let Some(row) = rows.next()? {
            let Some(&at) = row
                .get_ref(0)
                .ok()
                .and_then(|url| url.as_str().ok())
                .and_then(|url| wanted.get(url))
            else {
                continue;
            };
            if let (Ok(fetched_at), Ok(failure), Ok(blob)) = (row.get(1), row.get(2), row.get(3)) {
                records.push((
                    at,
                    Record {
                        fetched_at,
                        failure,
                        blob,
                    },
                ));
            }
        }
        Ok(records)
    }

    /// The records among `keys` of `table`, looked up one by one.
    fn look_up(&self, table: &str, column: &str, keys: &[&str]) -> Vec<(usize, Record)> {
        let Ok(mut query) = self.conn.prepare_cached(&format!(
            "SELECT fetched_at, failure, record FROM {table} WHERE {column} = ?1"
        )) else {
            return Vec::new();
        };
        keys.iter()
            .enumerate()
            .filter_map(|(at, key)| {
                let record = query
                    .query_row(params![key], |r| {
                        Ok(Record {
                            fetched_at: r.get(0)?,
                            failure: r.get(1)?,
                            blob: r.get(2)?,
                        })
                    })
                    .ok()?;
                Some((at, record))
            })
            .collect()
    }

    /// Write `rows` into `table` in one immediate transaction.
    fn put(&mut self, insert: &str, rows: &[Row<'_>], probes: bool) -> Result<(), StoreError> {
        let label = self.label();
        let fail = |e| StoreError::database(Doing::Write, &label, e);
        // Immediate: take the write lock up front (waiting for it under
        // the busy timeout) rather than fail to upgrade a read lock.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        {
            let mut insert = tx.prepare(insert).map_err(fail)?;
            for row in rows {
                let done = if probes {
                    insert.execute(params![row.key, row.fetched_at, row.failure, row.blob])
                } else {
                    insert.execute(params![
                        row.key,
                        row.fetched_at,
                        row.expires_at,
                        row.failure,
                        row.blob
                    ])
                };
                done.map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }
}

impl Sqlite {
    /// The store as messages name it.
    fn label(&self) -> String {
        format!("the cache {}", self.name)
    }
}

impl Backend for Sqlite {
    fn name(&self) -> &str {
        &self.name
    }

    /// When the run asks for a large part of the store, one pass over the
    /// table beats a lookup per URL; otherwise each is looked up. Both in
    /// one read transaction.
    fn pages(&self, urls: &[&str]) -> Result<Vec<(usize, Record)>, StoreError> {
        let began = self.conn.execute_batch("BEGIN DEFERRED").is_ok();
        // Row ids only grow, so the largest overstates the count: cheap,
        // and it errs towards lookups.
        let rows: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(rowid), 0) FROM pages", [], |r| {
                r.get(0)
            })
            .unwrap_or(0);
        let records = if (urls.len() as i64).saturating_mul(4) >= rows {
            self.scan(urls).unwrap_or_default()
        } else {
            self.look_up("pages", "url", urls)
        };
        if began {
            let _ = self.conn.execute_batch("COMMIT");
        }
        Ok(records)
    }

    fn put_pages(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError> {
        self.put(
            "INSERT OR REPLACE INTO pages (url, fetched_at, expires_at, failure, record)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rows,
            false,
        )
    }

    fn probes(&self, keys: &[String]) -> Result<Vec<(usize, Record)>, StoreError> {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        Ok(self.look_up("probes", "key", &keys))
    }

    fn put_probes(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError> {
        self.put(
            "INSERT OR REPLACE INTO probes (key, fetched_at, failure, record)
             VALUES (?1, ?2, ?3, ?4)",
            rows,
            true,
        )
    }

    fn documents(&self, urls: &[&str]) -> Result<Vec<(usize, Record)>, StoreError> {
        Ok(self.look_up("documents", "key", urls))
    }

    fn put_documents(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError> {
        self.put(
            "INSERT OR REPLACE INTO documents (key, fetched_at, failure, record)
             VALUES (?1, ?2, ?3, ?4)",
            rows,
            true,
        )
    }

    fn stats(&self, now: i64) -> Result<Stats, StoreError> {
        let mut stats = self
            .conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(expires_at > ?1), 0), COALESCE(SUM(failure), 0),
                        COALESCE(SUM(LENGTH(record)), 0) FROM pages",
                params![now],
                |r| {
                    Ok(Stats {
                        pages: r.get::<_, i64>(0)? as u64,
                        fresh: r.get::<_, i64>(1)? as u64,
                        failures: r.get::<_, i64>(2)? as u64,
                        bytes: r.get::<_, i64>(3)? as u64,
                        file_bytes: 0,
                    })
                },
            )
            .map_err(|e| StoreError::database(Doing::Read, &self.label(), e))?;
        stats.file_bytes = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        Ok(stats)
    }

    fn clear(&mut self) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM pages", [])
            .map_err(|e| StoreError::database(Doing::Clear, &self.label(), e))?;
        let _ = self.conn.execute_batch("VACUUM");
        Ok(n as u64)
    }

    fn record_run(
        &mut self,
        memos: &[(String, Vec<Recorded>)],
        now: i64,
        keep: Duration,
        settings: Option<&str>,
    ) -> Result<(i64, Vec<MemoRecord>), StoreError> {
        let label = self.label();
        let fail = |e| StoreError::database(Doing::Record, &label, e);
        let mut tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        let recorded = runs::record_run(&mut tx, memos, now, keep, settings).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(recorded)
    }

    fn previous_run(&self, memo: &str, run: i64, at: Option<i64>) -> Option<(i64, i64)> {
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

    fn run_settings(&self, run: i64) -> Option<String> {
        self.conn
            .query_row("SELECT settings FROM runs WHERE id = ?1", [run], |r| {
                r.get(0)
            })
            .ok()?
    }

    fn results(&self, run: i64, memo: &str) -> Vec<Recorded> {
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
                    .filter_map(|(kind, subject, verdict, error, since): runs::Row| {
                        runs::recorded(&kind, subject, &verdict, error, since)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn memos(&self) -> Vec<String> {
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

    #[cfg(test)]
    fn count(&self, table: &str) -> i64 {
        self.conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

/// The history's steps, on a SQLite transaction.
impl SpanStore for Transaction<'_> {
    type Error = rusqlite::Error;

    fn add_run(&mut self, at: i64, settings: Option<&str>) -> rusqlite::Result<i64> {
        self.execute(
            "INSERT INTO runs (at, settings) VALUES (?1, ?2)",
            params![at, settings],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn prune(&mut self, cutoff: i64) -> rusqlite::Result<()> {
        self.execute("DELETE FROM runs WHERE at < ?1", params![cutoff])?;
        self.execute(
            "DELETE FROM spans WHERE last_run IS NOT NULL
             AND last_run < (SELECT COALESCE(MIN(id), 0) FROM runs)",
            [],
        )
        .map(drop)
    }

    fn last_run(&mut self, memo: &str) -> rusqlite::Result<Option<runs::LastRun>> {
        self.query_row(
            "SELECT memo_runs.run, runs.at, runs.settings
             FROM memo_runs JOIN runs ON runs.id = memo_runs.run
             WHERE memo_runs.memo = ?1 ORDER BY memo_runs.run DESC LIMIT 1",
            params![memo],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
    }

    fn open_spans(&mut self, memo: &str) -> rusqlite::Result<Vec<OpenSpan>> {
        let mut query = self.prepare_cached(
            "SELECT rowid, kind, subject, verdict, error, failing_since FROM spans
             WHERE memo = ?1 AND last_run IS NULL",
        )?;
        let rows = query.query_map(params![memo], |r| {
            Ok(OpenSpan {
                id: r.get(0)?,
                kind: r.get(1)?,
                subject: r.get(2)?,
                verdict: r.get(3)?,
                error: r.get(4)?,
                failing_since: r.get(5)?,
            })
        })?;
        rows.collect()
    }

    fn close_span(&mut self, id: i64, last_run: i64) -> rusqlite::Result<()> {
        self.prepare_cached("UPDATE spans SET last_run = ?2 WHERE rowid = ?1")?
            .execute(params![id, last_run])
            .map(drop)
    }

    fn open_span(&mut self, memo: &str, item: &Recorded, run: i64) -> rusqlite::Result<()> {
        self.prepare_cached(
            "INSERT INTO spans (memo, kind, subject, verdict, error, first_run, failing_since)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            memo,
            item.kind().name(),
            item.subject,
            item.verdict.name(),
            item.error,
            run,
            item.failing_since
        ])
        .map(drop)
    }

    fn checked(&mut self, memo: &str, run: i64) -> rusqlite::Result<()> {
        self.execute(
            "INSERT OR IGNORE INTO memo_runs (memo, run) VALUES (?1, ?2)",
            params![memo, run],
        )
        .map(drop)
    }
}

/// Bring a store at schema `version` up to [`SCHEMA_VERSION`], a step
/// per version, each in its own transaction.
fn migrate(conn: &mut Connection, version: i64) -> rusqlite::Result<()> {
    if version < 1 {
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             CREATE TABLE IF NOT EXISTS pages (
                 url TEXT PRIMARY KEY,
                 fetched_at INTEGER NOT NULL,
                 expires_at INTEGER NOT NULL,
                 failure INTEGER NOT NULL,
                 record BLOB NOT NULL
             );
             PRAGMA user_version = 1;
             COMMIT;",
        )?;
    }
    if version < 2 {
        // Version 2: the history of runs.
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             CREATE TABLE IF NOT EXISTS runs (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 at INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS results (
                 run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                 memo TEXT NOT NULL,
                 kind TEXT NOT NULL,
                 subject TEXT NOT NULL,
                 verdict TEXT NOT NULL,
                 error INTEGER NOT NULL,
                 PRIMARY KEY (run, memo, kind, subject)
             );
             CREATE INDEX IF NOT EXISTS results_by_item ON results (memo, kind, subject, run);
             PRAGMA user_version = 2;
             COMMIT;",
        )?;
    }
    if version < 3 {
        // Version 3: the history as spans of unchanged verdicts.
        // Another run may have migrated it meanwhile: the steps are
        // idempotent (the old table is replayed only while it exists).
        let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(HISTORY)?;
        // Replaying reads the runs as version 8 has them.
        add_run_settings(&tx)?;
        migrate_from_results(&mut tx)?;
        tx.pragma_update(None, "user_version", 3)?;
        tx.commit()?;
    }
    if version < 4 {
        // Version 4: the soft-404 probes, by host and parent path.
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             CREATE TABLE IF NOT EXISTS probes (
                 key TEXT PRIMARY KEY,
                 fetched_at INTEGER NOT NULL,
                 failure INTEGER NOT NULL,
                 record BLOB NOT NULL
             );
             PRAGMA user_version = 4;
             COMMIT;",
        )?;
    }
    for read_changed in READ_CHANGES {
        if version < read_changed {
            drop_reads(conn, read_changed)?;
        }
    }
    if version < 8 {
        // Version 8: the settings each run was weighed with.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        add_run_settings(&tx)?;
        tx.pragma_update(None, "user_version", 8)?;
        tx.commit()?;
    }
    if version < 9 {
        // Version 9: memo pages read from the web, to revalidate.
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             CREATE TABLE IF NOT EXISTS documents (
                 key TEXT PRIMARY KEY,
                 fetched_at INTEGER NOT NULL,
                 failure INTEGER NOT NULL,
                 record BLOB NOT NULL
             );
             PRAGMA user_version = 9;
             COMMIT;",
        )?;
    }
    Ok(())
}

/// Give `runs` its `settings` column unless it has it (another run may
/// have migrated the store meanwhile).
fn add_run_settings(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let has: i64 = tx.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'settings'",
        [],
        |r| r.get(0),
    )?;
    if has == 0 {
        tx.execute_batch("ALTER TABLE runs ADD COLUMN settings TEXT")?;
    }
    Ok(())
}

/// Forget every cached page and probe, and mark the store as `version`.
fn drop_reads(conn: &mut Connection, version: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch("DELETE FROM pages; DELETE FROM probes;")?;
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()
}

/// Version 2 kept every result of every run; version 3 keeps spans.
/// Replays the old runs in order into spans, then drops the old table.
fn migrate_from_results(tx: &mut Transaction<'_>) -> rusqlite::Result<()> {
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
                    runs::recorded(&kind, subject, &verdict, error, None)
                })
                .collect()
        };
        runs::record_memo(tx, &memo, run, at, &items)?;
    }
    tx.execute_batch("DROP TABLE results;")
}

#[derive(Debug)]
enum OpenError {
    Newer(i64),
    Corrupt(String),
    /// Locked by another run for now.
    Busy(String),
    /// Another failure that is not damage (permissions, I/O).
    Unusable(String),
}

impl From<rusqlite::Error> for OpenError {
    /// Only "not a database" and "corrupt" are damage; anything else
    /// (busy, locked, I/O) must never get a store moved aside.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) =>
            {
                Self::Corrupt(e.to_string())
            }
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) =>
            {
                Self::Busy(e.to_string())
            }
            _ => Self::Unusable(e.to_string()),
        }
    }
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Newer(v) => write!(f, "written by a newer citecheck (schema {v})"),
            Self::Corrupt(why) => write!(f, "corrupt: {why}"),
            Self::Busy(why) => write!(f, "busy: {why}"),
            Self::Unusable(why) => write!(f, "unusable: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::StoreLocation;
    use crate::store::runs::tests::state;

    #[test]
    fn a_version_2_history_is_replayed_into_spans() {
        let dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
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
        let (store, notices) = Store::open(&StoreLocation::Folder(dir.path().to_owned())).unwrap();
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
        let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }
}
