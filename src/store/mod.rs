//! The SQLite store (rusqlite with its bundled SQLite): a cache of fetched
//! pages so that reruns make no request for a source still fresh.
//!
//! Each page is kept as its fetch (status, redirect chain, final URL,
//! relevant headers) and what reading it gave ([`PageRead`]: anchors, title,
//! heading, the visible text when it was read, soft-404 and bot-challenge
//! evidence), serialised and compressed. A fine page stays fresh for the
//! TTL (24 h by default); a failure, an error status or a bot challenge for
//! the shorter failure TTL (1 h), so a passing outage does not stick.
//!
//! The schema is versioned with SQLite's `user_version`; a store written
//! by a newer citecheck is refused (left untouched), a corrupt one is set
//! aside (renamed) and rebuilt. WAL mode and a busy timeout let two runs
//! share the store.

mod runs;

use crate::config::CacheSettings;
use crate::fetch::Page;
use crate::verify::digest::PageRead;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema this version writes.
pub(crate) const SCHEMA_VERSION: i64 = 6;
/// The store's file in its folder.
pub(crate) const FILE_NAME: &str = "citecheck.sqlite";
/// Records from this size on are compressed.
const COMPRESS_FROM: usize = 4096;

/// A cached page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct CachedPage {
    /// The fetch, bodies dropped.
    pub page: Page,
    /// What reading it gave.
    pub read: PageRead,
}

/// A page to store, borrowed from the run: the fetch, what reading its
/// final response gave, and the soft-404 evidence for the URL cited (the
/// read itself is shared by every URL whose redirects end there). Stored
/// exactly as a [`CachedPage`] with that evidence in its read.
#[derive(Debug, serde::Serialize)]
pub(crate) struct CachedRef<'a> {
    page: &'a Page,
    read: ReadRef<'a>,
}

/// [`PageRead`]'s fields in its order, by reference, with another
/// `soft_404`.
#[derive(Debug, serde::Serialize)]
struct ReadRef<'a> {
    status: u16,
    truncated: bool,
    facts: &'a Option<crate::verify::page::PageFacts>,
    unreadable: &'a Option<String>,
    challenge: &'a Option<String>,
    soft_404: Option<&'a str>,
    rendering: &'a Option<crate::verify::digest::Rendering>,
}

impl<'a> CachedRef<'a> {
    /// The record of `page`, read as `read`, a soft 404 for `soft_404`.
    pub(crate) fn new(page: &'a Page, read: &'a PageRead, soft_404: Option<&'a str>) -> Self {
        Self {
            page,
            read: ReadRef {
                status: read.status,
                truncated: read.truncated,
                facts: &read.facts,
                unreadable: &read.unreadable,
                challenge: &read.challenge,
                soft_404,
                rendering: &read.rendering,
            },
        }
    }

    /// Whether this counts as a failure (kept for the shorter TTL).
    fn is_failure(&self) -> bool {
        match &self.page.result {
            Err(_) => true,
            Ok(r) => r.status >= 400 || self.read.challenge.is_some(),
        }
    }
}

/// Counts for `citecheck cache stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Pages stored.
    pub pages: u64,
    /// Of which still fresh.
    pub fresh: u64,
    /// Of which failures.
    pub failures: u64,
    /// Bytes of compressed records.
    pub bytes: u64,
    /// The file's size on disk.
    pub file_bytes: u64,
}

/// An open store.
#[derive(Debug)]
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
    codec: Codec,
}

/// Compression of records, with its state kept between records (a fresh
/// deflate state per record costs more than the record). Records are read
/// back by [`decode`].
struct Codec {
    deflate: flate2::Compress,
}

impl std::fmt::Debug for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Codec")
    }
}

impl Codec {
    fn new() -> Self {
        Self {
            deflate: flate2::Compress::new(flate2::Compression::fast(), false),
        }
    }

    /// A record: a tag byte, then the page in postcard (serde's compact
    /// binary form), as it is when small (`2`), else deflated after its
    /// length (`3`: 4 bytes, little-endian). Tags `0` and `1` are the
    /// same in JSON, as the first stores wrote them; they are still read.
    fn encode(&mut self, record: &impl serde::Serialize) -> Result<Vec<u8>, String> {
        let data =
            postcard::to_allocvec(record).map_err(|e| format!("cannot encode a record: {e}"))?;
        if data.len() < COMPRESS_FROM {
            let mut out = Vec::with_capacity(data.len() + 1);
            out.push(2);
            out.extend_from_slice(&data);
            return Ok(out);
        }
        self.deflate.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        out.push(3);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        loop {
            let before = self.deflate.total_in() as usize;
            out.reserve(data.len() / 2 + 64);
            let status =
                self.deflate
                    .compress_vec(&data[before..], &mut out, flate2::FlushCompress::Finish);
            if matches!(status, Ok(flate2::Status::StreamEnd) | Err(_)) {
                break;
            }
        }
        Ok(out)
    }
}

/// The value in a record, if it is one (see [`Codec::encode`]): a page,
/// a probe.
fn decode<T: serde::de::DeserializeOwned>(
    inflate: &mut flate2::Decompress,
    blob: &[u8],
) -> Option<T> {
    let (&tag, rest) = blob.split_first()?;
    let inflated;
    let data = if tag % 2 == 0 {
        rest
    } else {
        let (len, data) = rest.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        inflate.reset(false);
        let mut out = Vec::with_capacity(len);
        match inflate.decompress_vec(data, &mut out, flate2::FlushDecompress::Finish) {
            Ok(flate2::Status::StreamEnd) if out.len() == len => inflated = out,
            _ => return None,
        }
        &inflated
    };
    match tag {
        0 | 1 => serde_json::from_slice(data).ok(),
        2 | 3 => postcard::from_bytes(data).ok(),
        _ => None,
    }
}

impl Store {
    /// Open (or create) the store in `dir`. Returns the store and notices
    /// for the user (a corrupt store set aside); `Err` when it cannot be
    /// used at all (a newer schema, an unwritable folder).
    pub(crate) fn open(dir: &Path) -> Result<(Self, Vec<String>), String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the cache folder {}: {e}", dir.display()))?;
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
            Err(OpenError::Busy(why)) => Err(format!(
                "the cache {} stayed busy ({why}); not used this time",
                path.display()
            )),
            Err(OpenError::Unusable(why)) => Err(format!(
                "the cache {} cannot be used ({why})",
                path.display()
            )),
            Ok(store) => Ok((store, notices)),
            Err(OpenError::Newer(v)) => Err(format!(
                "the cache {} was written by a newer citecheck (schema {v}, this one knows \
                 {SCHEMA_VERSION}); it is left untouched and not used",
                path.display()
            )),
            Err(OpenError::Corrupt(why)) => {
                let aside = path.with_extension(format!("sqlite.corrupt-{}", crate::date::now()));
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                std::fs::rename(&path, &aside).map_err(|e| {
                    format!(
                        "the cache {} is corrupt and cannot be moved: {e}",
                        path.display()
                    )
                })?;
                notices.push(format!(
                    "the cache {} was corrupt ({why}); it was moved to {} and rebuilt",
                    path.display(),
                    aside.display()
                ));
                let store = Self::open_file(&path).map_err(|e| e.to_string())?;
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
            path: path.to_owned(),
            codec: Codec::new(),
        })
    }

    /// The store's file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A page still fresh at `now` under `settings` (the TTLs of this
    /// run, whatever they were when it was stored), if stored.
    #[cfg(test)]
    pub(crate) fn get(&self, url: &str, settings: &CacheSettings, now: i64) -> Option<CachedPage> {
        self.get_many(&[url], settings, now, |_, page| Some(page))
            .pop()
            .flatten()
    }

    /// The pages still fresh among `urls`, each given to `answer` with
    /// its position; what `answer` returns, in the order of `urls`. The
    /// records are read in one transaction (one snapshot, one lock), then
    /// decoded and answered on every core. When the run asks for a large
    /// part of the store, one pass over the table beats a lookup per URL;
    /// otherwise each is looked up.
    pub(crate) fn get_many<T: Send>(
        &self,
        urls: &[&str],
        settings: &CacheSettings,
        now: i64,
        answer: impl Fn(usize, CachedPage) -> Option<T> + Sync,
    ) -> Vec<Option<T>> {
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
            self.scan(urls, settings, now)
        } else {
            self.look_up(urls, settings, now)
        };
        if began {
            let _ = self.conn.execute_batch("COMMIT");
        }
        let mut out: Vec<Option<T>> = std::iter::repeat_with(|| None).take(urls.len()).collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(records.len() / 512 + 1);
        let per_thread = records.len().div_ceil(threads).max(1);
        let answer = &answer;
        let answered: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
            let workers: Vec<_> = records
                .chunks(per_thread)
                .map(|chunk| {
                    scope.spawn(move || {
                        let mut inflate = flate2::Decompress::new(false);
                        chunk
                            .iter()
                            .filter_map(|(at, blob)| {
                                Some((*at, answer(*at, decode::<CachedPage>(&mut inflate, blob)?)?))
                            })
                            .collect()
                    })
                })
                .collect();
            // A worker that panicked loses only its pages: they are
            // fetched again.
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_default())
                .collect()
        });
        for (at, value) in answered.into_iter().flatten() {
            out[at] = Some(value);
        }
        out
    }

    /// The fresh records among `urls` by one pass over the table.
    fn scan(&self, urls: &[&str], settings: &CacheSettings, now: i64) -> Vec<(usize, Vec<u8>)> {
        let mut records = Vec::new();
        let wanted: std::collections::HashMap<&str, usize> =
            urls.iter().enumerate().map(|(i, url)| (*url, i)).collect();
        let Ok(mut query) = self
            .conn
            .prepare_cached("SELECT url, fetched_at, failure, record FROM pages")
        else {
            return records;
        };
        let Ok(mut rows) = query.query([]) else {
            return records;
        };
        while let Ok(Some(row)) = rows.next() {
            let Some(&at) = row
                .get_ref(0)
                .ok()
                .and_then(|url| url.as_str().ok())
                .and_then(|url| wanted.get(url))
            else {
                continue;
            };
            if let (Ok(fetched_at), Ok(failure), Ok(blob)) = (row.get(1), row.get(2), row.get(3))
                && fresh(settings, fetched_at, failure, now)
            {
                records.push((at, blob));
            }
        }
        records
    }

    /// The fresh records among `urls`, looked up one by one.
    fn look_up(&self, urls: &[&str], settings: &CacheSettings, now: i64) -> Vec<(usize, Vec<u8>)> {
        let Ok(mut query) = self
            .conn
            .prepare_cached("SELECT fetched_at, failure, record FROM pages WHERE url = ?1")
        else {
            return Vec::new();
        };
        urls.iter()
            .enumerate()
            .filter_map(|(at, url)| {
                let (fetched_at, failure, blob) = query
                    .query_row(params![url], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .ok()?;
                fresh(settings, fetched_at, failure, now).then_some((at, blob))
            })
            .collect()
    }

    /// Store pages fetched at `now`, in one transaction.
    pub(crate) fn put_all(
        &mut self,
        pages: &[(&str, CachedRef<'_>)],
        settings: &CacheSettings,
        now: i64,
    ) -> Result<(), String> {
        // Immediate: take the write lock up front (waiting for it under
        // the busy timeout) rather than fail to upgrade a read lock.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| format!("cannot write the cache: {e}"))?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR REPLACE INTO pages (url, fetched_at, expires_at, failure, record)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| format!("cannot write the cache: {e}"))?;
            let codec = &mut self.codec;
            for (url, page) in pages {
                let blob = codec.encode(page)?;
                let failure = page.is_failure();
                let ttl = if failure {
                    settings.failure_ttl
                } else {
                    settings.ttl
                };
                insert
                    .execute(params![
                        url,
                        now,
                        now.saturating_add(ttl.as_secs() as i64),
                        failure,
                        blob
                    ])
                    .map_err(|e| format!("cannot write the cache: {e}"))?;
            }
        }
        tx.commit()
            .map_err(|e| format!("cannot write the cache: {e}"))
    }

    /// The probes still fresh among `keys` (host and parent path), under
    /// the same TTLs as pages (a probe that failed for the shorter one).
    pub(crate) fn probes(
        &self,
        keys: &[String],
        settings: &CacheSettings,
        now: i64,
    ) -> Vec<(String, crate::verify::soft404::Probe)> {
        let Ok(mut query) = self
            .conn
            .prepare_cached("SELECT fetched_at, failure, record FROM probes WHERE key = ?1")
        else {
            return Vec::new();
        };
        let mut inflate = flate2::Decompress::new(false);
        keys.iter()
            .filter_map(|key| {
                let (fetched_at, failure, blob): (i64, bool, Vec<u8>) = query
                    .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .ok()?;
                if !fresh(settings, fetched_at, failure, now) {
                    return None;
                }
                Some((key.clone(), decode(&mut inflate, &blob)?))
            })
            .collect()
    }

    /// Store the probes made at `now`, in one transaction.
    pub(crate) fn put_probes(
        &mut self,
        probes: &[(String, crate::verify::soft404::Probe)],
        now: i64,
    ) -> Result<(), String> {
        let fail = |e: rusqlite::Error| format!("cannot write the cache: {e}");
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR REPLACE INTO probes (key, fetched_at, failure, record)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(fail)?;
            for (key, probe) in probes {
                let blob = self.codec.encode(probe)?;
                insert
                    .execute(params![key, now, probe.failed, blob])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }

    /// Counts over the store at `now`.
    pub(crate) fn stats(&self, now: i64) -> Result<Stats, String> {
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
            .map_err(|e| format!("cannot read the cache: {e}"))?;
        stats.file_bytes = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        Ok(stats)
    }

    /// Forget every page; returns how many there were.
    pub(crate) fn clear(&mut self) -> Result<u64, String> {
        let n = self
            .conn
            .execute("DELETE FROM pages", [])
            .map_err(|e| format!("cannot clear the cache: {e}"))?;
        let _ = self.conn.execute_batch("VACUUM");
        Ok(n as u64)
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
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(runs::SCHEMA)?;
        runs::migrate_from_results(&tx)?;
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
    // Versions whose `PageRead` gained a field. Records are positional
    // (postcard), so the pages and probes read before are dropped: a
    // cache, refetched.
    //  5: whether scripts build the page, and their data's text;
    //  6: whether it was rendered in a browser (`--render`).
    for read_changed in [5, 6] {
        if version < read_changed {
            drop_reads(conn, read_changed)?;
        }
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

/// Whether a page fetched at `fetched_at` is still fresh at `now`.
fn fresh(settings: &CacheSettings, fetched_at: i64, failure: bool, now: i64) -> bool {
    let ttl = if failure {
        settings.failure_ttl
    } else {
        settings.ttl
    };
    fetched_at.saturating_add(ttl.as_secs() as i64) > now
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
    use crate::fetch::{Page, Response};

    fn settings(dir: &Path) -> CacheSettings {
        CacheSettings {
            dir: dir.to_owned(),
            ttl: Duration::from_secs(100),
            failure_ttl: Duration::from_secs(10),
            keep_history: Duration::from_secs(1000),
        }
    }

    fn page(url: &str, status: u16) -> CachedPage {
        let url = url::Url::parse(url).unwrap();
        CachedPage {
            page: Page {
                url: url.clone(),
                hops: Vec::new(),
                final_url: url,
                result: Ok(Response {
                    status,
                    ..Response::default()
                }),
                requests: 1,
            },
            read: PageRead {
                status,
                ..PageRead::default()
            },
        }
    }

    #[test]
    fn pages_expire_and_failures_sooner() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, notices) = Store::open(dir.path()).unwrap();
        assert!(notices.is_empty());
        let (ok, gone) = (page("http://a/ok", 200), page("http://a/gone", 404));
        let pages = vec![
            ("http://a/ok", CachedRef::new(&ok.page, &ok.read, None)),
            (
                "http://a/gone",
                CachedRef::new(&gone.page, &gone.read, None),
            ),
        ];
        store.put_all(&pages, &settings(dir.path()), 1000).unwrap();
        let s = settings(dir.path());
        assert!(store.get("http://a/ok", &s, 1050).is_some());
        assert!(store.get("http://a/gone", &s, 1005).is_some());
        assert!(
            store.get("http://a/gone", &s, 1011).is_none(),
            "failures expire sooner"
        );
        assert!(store.get("http://a/ok", &s, 1101).is_none());
        let shorter = CacheSettings {
            ttl: Duration::from_secs(20),
            ..s
        };
        assert!(
            store.get("http://a/ok", &shorter, 1050).is_none(),
            "this run's TTL"
        );
        let stats = store.stats(1050).unwrap();
        assert_eq!((stats.pages, stats.fresh, stats.failures), (2, 1, 1));
        assert_eq!(store.clear().unwrap(), 2);
        assert_eq!(store.stats(1050).unwrap().pages, 0);
    }

    #[test]
    fn records_round_trip_compressed_or_not() {
        let mut codec = Codec::new();
        let mut inflate = flate2::Decompress::new(false);
        let small = page("http://a/small", 200);
        let mut large = page("http://a/large", 200);
        large.read.facts = Some(crate::verify::page::PageFacts {
            html: true,
            text: Some("words of the page ".repeat(2000)),
            ..Default::default()
        });
        for (page, tag) in [(small, 2), (large, 3)] {
            let blob = codec.encode(&page).unwrap();
            assert_eq!(blob[0], tag);
            let back: CachedPage = decode(&mut inflate, &blob).unwrap();
            assert_eq!(back.read, page.read);
            assert_eq!(back.page.final_url, page.page.final_url);
        }
        let text = page("http://a/old", 404);
        let large_blob = codec.encode(&{
            let mut p = page("http://a/l", 200);
            p.read.facts = Some(crate::verify::page::PageFacts {
                text: Some("x y ".repeat(5000)),
                ..Default::default()
            });
            p
        });
        assert!(large_blob.unwrap().len() < 2000, "compressed");
        // Records of the first stores, in JSON, are still read.
        let mut json = vec![0];
        json.extend(serde_json::to_vec(&text).unwrap());
        assert_eq!(
            decode::<CachedPage>(&mut inflate, &json).unwrap().read,
            text.read
        );
        assert!(
            decode::<CachedPage>(&mut inflate, &[3, 9, 0, 0, 0, 1, 2]).is_none(),
            "garbage is no record"
        );
        assert!(
            decode::<CachedPage>(&mut inflate, &[2, 200, 1]).is_none(),
            "nor a truncated one"
        );
    }

    #[test]
    fn corrupt_stores_are_set_aside_and_newer_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            b"this is not a database at all, sorry",
        )
        .unwrap();
        let (store, notices) = Store::open(dir.path()).unwrap();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("was corrupt"), "{notices:?}");
        assert!(store.stats(0).is_ok());
        drop(store);
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .count();
        assert_eq!(aside, 1);

        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(err.contains("newer citecheck"), "{err}");
    }
}
