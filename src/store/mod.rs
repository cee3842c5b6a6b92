//! The store: a cache of fetched pages, so that reruns make no request
//! for a source still fresh, and the history of runs. One interface
//! ([`Store`], over a [`Backend`]) and two implementations: the embedded
//! SQLite file ([`sqlite`], the zero-setup default) and a PostgreSQL
//! server shared by many processes ([`postgres`], `--store postgres://…`),
//! which also coordinates them ([`fleet`]: claims on pages, politeness
//! across processes).
//!
//! Each page is kept as its fetch (status, redirect chain, final URL,
//! relevant headers) and what reading it gave ([`PageRead`]: anchors, title,
//! heading, the visible text when it was read, soft-404 and bot-challenge
//! evidence), serialised and compressed. A fine page stays fresh for the
//! TTL (24 h by default); a failure, an error status or a bot challenge for
//! the shorter failure TTL (1 h), so a passing outage does not stick.
//!
//! Both backends keep the same records (encoded here, by [`Codec`]), under
//! the same schema versions and TTL rules (decided here, by [`fresh`]);
//! a store written by a newer citecheck is refused and left untouched.

mod error;
pub(crate) mod fleet;
mod postgres;
mod record;

pub(crate) use record::Document;
mod runs;
mod sqlite;

pub use error::{Doing, StoreError};
pub(crate) use runs::MemoRecord;

use crate::fetch::Page;
use crate::report::history::Recorded;
pub(crate) use crate::report::store::Stats;
use crate::verify::digest::PageRead;
use std::path::PathBuf;
use std::time::Duration;

/// The store's folder, relative to the working directory.
pub const DEFAULT_STORE_DIR: &str = ".citecheck";

/// Where the store is.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded SQLite store, in this folder (the default).
    Folder(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL, shared by every
    /// process given the same URL.
    Postgres(String),
}

impl StoreLocation {
    /// The store of these options: `--store` when given, else the folder.
    pub fn of(store: Option<&str>, folder: &std::path::Path) -> Self {
        match store {
            Some(url) => Self::Postgres(url.to_owned()),
            None => Self::Folder(folder.to_owned()),
        }
    }
}

impl std::fmt::Debug for StoreLocation {
    /// A URL's password is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&redacted(url)).finish(),
        }
    }
}

/// A store URL as it may be shown: its password starred out.
pub(crate) fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(a URL that cannot be read)".to_owned(),
    }
}

/// How long cached pages stay fresh, and where they are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    /// The store.
    pub location: StoreLocation,
    /// With a shared store, how long a page another process claimed is
    /// waited for (its claim's life) before this one fetches it itself.
    pub claim_ttl: std::time::Duration,
    /// Freshness of a fine page.
    pub ttl: std::time::Duration,
    /// Freshness of a failure, an error status or a bot challenge.
    pub failure_ttl: std::time::Duration,
    /// Runs older than this are forgotten.
    pub keep_history: std::time::Duration,
}

/// The schema this version writes.
pub(crate) const SCHEMA_VERSION: i64 = 9;
/// The versions whose [`PageRead`] gained a field. Records are positional
/// (postcard), so a store migrated past one drops the pages and probes
/// read before: a cache, refetched.
///  5: whether scripts build the page, and their data's text;
///  6: whether it was rendered in a browser (`--render`);
///  7: who the page names as authors (its byline, its comments').
///
/// Version 8 added the settings each run was weighed with (`runs`),
/// version 9 the memo pages read from the web (`documents`).
const READ_CHANGES: [i64; 3] = [5, 6, 7];
/// Records from this size on are compressed.
const COMPRESS_FROM: usize = 4096;

/// A cached page.
#[derive(Debug, Clone)]
pub(crate) struct CachedPage {
    /// The fetch, bodies dropped.
    pub page: Page,
    /// What reading it gave.
    pub read: PageRead,
    /// When it was fetched (Unix seconds).
    pub fetched_at: i64,
}

/// A page to store, borrowed from the run: the fetch, what reading its
/// final response gave, and the soft-404 evidence for the URL cited (the
/// read itself is shared by every URL whose redirects end there). Stored
/// as a [`record::PageOut`], read back as a [`CachedPage`] with that
/// evidence in its read.
#[derive(Debug)]
pub(crate) struct CachedRef<'a> {
    page: &'a Page,
    read: &'a PageRead,
    soft_404: Option<&'a str>,
}

impl<'a> CachedRef<'a> {
    /// The record of `page`, read as `read`, a soft 404 for `soft_404`.
    pub(crate) fn new(page: &'a Page, read: &'a PageRead, soft_404: Option<&'a str>) -> Self {
        Self {
            page,
            read,
            soft_404,
        }
    }

    /// Whether this counts as a failure (kept for the shorter TTL).
    pub(crate) fn is_failure(&self) -> bool {
        match &self.page.result {
            Err(_) => true,
            Ok(r) => r.status >= 400 || self.read.challenge.is_some(),
        }
    }
}

/// A stored record as a backend hands it over.
#[derive(Debug)]
pub(crate) struct Record {
    /// When it was fetched (Unix time).
    pub fetched_at: i64,
    /// Whether it is a failure (kept for the shorter TTL).
    pub failure: bool,
    /// The value, as [`Codec::encode`] wrote it.
    pub blob: Vec<u8>,
}

/// A record to write: a page by its URL, a probe by its key.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub key: &'a str,
    pub fetched_at: i64,
    pub expires_at: i64,
    pub failure: bool,
    pub blob: Vec<u8>,
}

/// What a store keeps, whatever keeps it: the SQL of one database. The
/// encoding of records, their freshness and the history's rules are the
/// [`Store`]'s and [`runs`]'s, the same for every backend.
pub(crate) trait Backend: Send + std::fmt::Debug {
    /// The store as people name it: a file's path, a server's URL
    /// without its password.
    fn name(&self) -> &str;
    /// The stored records among `urls`, with their positions.
    fn pages(&self, urls: &[&str]) -> Result<Vec<(usize, Record)>, StoreError>;
    /// Write pages (replacing those stored), in one transaction.
    fn put_pages(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError>;
    /// The stored probes among `keys`, with their positions.
    fn probes(&self, keys: &[String]) -> Result<Vec<(usize, Record)>, StoreError>;
    /// Write probes (replacing those stored), in one transaction.
    fn put_probes(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError>;
    /// The stored memo pages among `urls`, each with its index in `urls`.
    fn documents(&self, urls: &[&str]) -> Result<Vec<(usize, Record)>, StoreError>;
    /// Write memo pages (replacing those stored), in one transaction.
    fn put_documents(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError>;
    /// Counts over the pages at `now`.
    fn stats(&self, now: i64) -> Result<Stats, StoreError>;
    /// Forget every page; how many there were.
    fn clear(&mut self) -> Result<u64, StoreError>;
    /// Record a run (see [`Store::record_run`]).
    fn record_run(
        &mut self,
        memos: &[(String, Vec<Recorded>)],
        now: i64,
        keep: Duration,
        settings: Option<&str>,
    ) -> Result<(i64, Vec<MemoRecord>), StoreError>;
    /// The latest run before `run` (at or before `at`) that checked `memo`.
    fn previous_run(&self, memo: &str, run: i64, at: Option<i64>) -> Option<(i64, i64)>;
    /// The settings `run` was weighed with, when recorded.
    fn run_settings(&self, run: i64) -> Option<String>;
    /// The spans that cover `run` for `memo`, as read.
    fn results(&self, run: i64, memo: &str) -> Vec<Recorded>;
    /// Every memo the history holds, in order.
    fn memos(&self) -> Vec<String>;
    /// The rows of one of the store's tables.
    #[cfg(test)]
    fn count(&self, table: &str) -> i64;
}

/// An open store.
#[derive(Debug)]
pub(crate) struct Store {
    backend: Box<dyn Backend>,
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
    fn encode(&mut self, record: &impl serde::Serialize) -> Result<Vec<u8>, StoreError> {
        let data = postcard::to_allocvec(record).map_err(|e| StoreError::Encode(e.to_string()))?;
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
    /// Open (or create) the store at `location`: the SQLite file in a
    /// folder, or a PostgreSQL database. Returns the store and notices for
    /// the user (a corrupt file set aside); `Err` when it cannot be used
    /// at all (a newer schema, an unwritable folder, a server that cannot
    /// be reached).
    pub(crate) fn open(location: &StoreLocation) -> Result<(Self, Vec<String>), StoreError> {
        let (backend, notices): (Box<dyn Backend>, _) = match location {
            StoreLocation::Folder(dir) => {
                let (backend, notices) = sqlite::Sqlite::open(dir)?;
                (Box::new(backend), notices)
            }
            StoreLocation::Postgres(url) => (Box::new(postgres::Postgres::open(url)?), Vec::new()),
        };
        Ok((
            Self {
                backend,
                codec: Codec::new(),
            },
            notices,
        ))
    }

    /// Where a store at `location` would be, when there is none there yet
    /// (a folder without the store's file): read-only commands say so
    /// rather than create one. A server's store is taken to be there.
    pub(crate) fn missing(location: &StoreLocation) -> Option<std::path::PathBuf> {
        match location {
            StoreLocation::Folder(dir) => {
                let file = dir.join(sqlite::FILE_NAME);
                (!file.exists()).then_some(file)
            }
            StoreLocation::Postgres(_) => None,
        }
    }

    /// The store as people name it: the file, or the server's URL without
    /// its password.
    pub(crate) fn name(&self) -> &str {
        self.backend.name()
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
    /// records are read at once (one snapshot), then decoded and answered
    /// on every core. A store that cannot be read answers nothing: its
    /// pages are fetched.
    pub(crate) fn get_many<T: Send>(
        &self,
        urls: &[&str],
        settings: &CacheSettings,
        now: i64,
        answer: impl Fn(usize, CachedPage) -> Option<T> + Sync,
    ) -> Vec<Option<T>> {
        let records: Vec<(usize, Record)> = self
            .backend
            .pages(urls)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, r)| fresh(settings, r.fetched_at, r.failure, now))
            .collect();
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
                            .filter_map(|(at, record)| {
                                let mut page =
                                    decode::<record::PageIn>(&mut inflate, &record.blob)?
                                        .into_cached()?;
                                page.fetched_at = record.fetched_at;
                                Some((*at, answer(*at, page)?))
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

    /// Store pages fetched at `now`, in one transaction.
    pub(crate) fn put_all(
        &mut self,
        pages: &[(&str, CachedRef<'_>)],
        settings: &CacheSettings,
        now: i64,
    ) -> Result<(), StoreError> {
        let rows = pages
            .iter()
            .map(|(url, page)| page_row(&mut self.codec, url, page, settings, now))
            .collect::<Result<Vec<_>, _>>()?;
        self.backend.put_pages(&rows)
    }

    /// The probes still fresh among `keys` (host and parent path), under
    /// the same TTLs as pages (a probe that failed for the shorter one).
    pub(crate) fn probes(
        &self,
        keys: &[String],
        settings: &CacheSettings,
        now: i64,
    ) -> Vec<(String, crate::verify::soft404::Probe)> {
        let mut inflate = flate2::Decompress::new(false);
        self.backend
            .probes(keys)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, r)| fresh(settings, r.fetched_at, r.failure, now))
            .filter_map(|(at, r)| {
                let probe = decode::<record::ProbeIn>(&mut inflate, &r.blob)?;
                Some((keys[at].clone(), probe.into_probe()))
            })
            .collect()
    }

    /// Store the probes made at `now`, in one transaction.
    pub(crate) fn put_probes(
        &mut self,
        probes: &[(String, crate::verify::soft404::Probe)],
        now: i64,
    ) -> Result<(), StoreError> {
        let rows = probes
            .iter()
            .map(|(key, probe)| {
                Ok(Row {
                    key,
                    fetched_at: now,
                    // Probes keep no expiry: their freshness is decided
                    // when read, under that run's TTLs.
                    expires_at: now,
                    failure: probe.failed,
                    blob: self.codec.encode(&record::ProbeOut::new(probe))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.backend.put_probes(&rows)
    }

    /// The memo pages read from the web before, among `urls`, to be
    /// revalidated: each with its final URL, type, validators and body.
    pub(crate) fn documents(&self, urls: &[&str]) -> Vec<(String, record::Document)> {
        let mut inflate = flate2::Decompress::new(false);
        self.backend
            .documents(urls)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(at, r)| {
                let document = decode::<record::Document>(&mut inflate, &r.blob)?;
                Some((urls[at].to_owned(), document))
            })
            .collect()
    }

    /// Store the memo pages read at `now` (by the URL they were asked
    /// for), in one transaction.
    pub(crate) fn put_documents(
        &mut self,
        documents: &[(String, record::Document)],
        now: i64,
    ) -> Result<(), StoreError> {
        let rows = documents
            .iter()
            .map(|(url, document)| {
                Ok(Row {
                    key: url,
                    fetched_at: now,
                    expires_at: now,
                    failure: false,
                    blob: self.codec.encode(document)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.backend.put_documents(&rows)
    }

    /// Counts over the store at `now`.
    pub(crate) fn stats(&self, now: i64) -> Result<Stats, StoreError> {
        self.backend.stats(now)
    }

    /// Forget every page; returns how many there were.
    pub(crate) fn clear(&mut self) -> Result<u64, StoreError> {
        self.backend.clear()
    }

    /// Record a run at `now`, weighed with `settings`
    /// ([`crate::settings::Checks::fingerprint`]): each memo's links and
    /// quotes (the first occurrence of each URL or quotation), and forget
    /// runs older than `keep`. Returns the run's id and, for each memo in
    /// order, what was recorded and what the run before found.
    pub(crate) fn record_run(
        &mut self,
        memos: &[(String, Vec<Recorded>)],
        now: i64,
        keep: Duration,
        settings: Option<&str>,
    ) -> Result<(i64, Vec<MemoRecord>), StoreError> {
        self.backend.record_run(memos, now, keep, settings)
    }

    /// The latest run before `run` (and at or before `at`, when given)
    /// that checked `memo`: its id and time.
    pub(crate) fn previous_run(&self, memo: &str, run: i64, at: Option<i64>) -> Option<(i64, i64)> {
        self.backend.previous_run(memo, run, at)
    }

    /// What a run recorded for a memo, with since when each item at error
    /// level had been so.
    pub(crate) fn results(&self, run: i64, memo: &str) -> Vec<Recorded> {
        self.backend.results(run, memo)
    }

    /// Every memo the history holds.
    pub(crate) fn memos(&self) -> Vec<String> {
        self.backend.memos()
    }

    /// The latest run that checked `memo`.
    pub(crate) fn latest_run(&self, memo: &str) -> Option<(i64, i64)> {
        self.previous_run(memo, i64::MAX, None)
    }

    /// A memo's changes in `run` since the run before it (the last at or
    /// before `since`, when given), read from the history.
    pub(crate) fn changes(
        &self,
        memo: &str,
        run: i64,
        since: Option<i64>,
    ) -> Option<crate::report::history::Changes> {
        let (previous, at) = self.previous_run(memo, run, since)?;
        let settings = (
            self.backend.run_settings(previous),
            self.backend.run_settings(run),
        );
        let before = self.results(previous, memo);
        Some(crate::report::history::changes(
            &self.results(run, memo),
            crate::report::history::Earlier {
                results: &before,
                at,
                settings: match &settings {
                    (Some(before), Some(now)) => Some((before, now)),
                    _ => None,
                },
            },
        ))
    }
}

/// A page's row: encoded, kept for the TTL its kind gets.
fn page_row<'a>(
    codec: &mut Codec,
    url: &'a str,
    page: &CachedRef<'_>,
    settings: &CacheSettings,
    now: i64,
) -> Result<Row<'a>, StoreError> {
    let failure = page.is_failure();
    let ttl = if failure {
        settings.failure_ttl
    } else {
        settings.ttl
    };
    Ok(Row {
        key: url,
        fetched_at: now,
        expires_at: now.saturating_add(ttl.as_secs() as i64),
        failure,
        blob: codec.encode(&record::PageOut::new(page.page, page.read, page.soft_404))?,
    })
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

#[cfg(test)]
pub(crate) mod testing {
    //! Stores for the tests: a SQLite folder, and a fresh database on the
    //! PostgreSQL server that `scripts/test.sh` starts (its URL in
    //! `CITECHECK_TEST_PG`).

    use super::StoreLocation;

    /// A URL of a new, empty database on the test server.
    pub(crate) fn new_pg_database() -> String {
        let server = std::env::var("CITECHECK_TEST_PG").expect(
            "CITECHECK_TEST_PG names the test PostgreSQL server: run the suite with \
             `bash scripts/test.sh`, which starts one",
        );
        let name = format!(
            "citecheck_unit_{}_{}",
            std::process::id(),
            rand::random::<u32>()
        );
        let mut client = ::postgres::Client::connect(&server, ::postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach the test server {server}: {e}"));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut url = url::Url::parse(&server).unwrap();
        url.set_path(&name);
        url.to_string()
    }

    /// Both kinds of store, each new (the folder lives as long as the
    /// `TempDir`).
    pub(crate) fn locations() -> Vec<(StoreLocation, tempfile::TempDir)> {
        let folder = tempfile::tempdir().unwrap();
        vec![
            (StoreLocation::Folder(folder.path().to_owned()), folder),
            (
                StoreLocation::Postgres(new_pg_database()),
                tempfile::tempdir().unwrap(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{Page, Response};

    fn settings(location: &StoreLocation) -> CacheSettings {
        CacheSettings {
            location: location.clone(),
            claim_ttl: Duration::from_secs(60),
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
            fetched_at: 0,
        }
    }

    #[test]
    fn pages_expire_and_failures_sooner_in_either_store() {
        for (location, _dir) in testing::locations() {
            let (mut store, notices) = Store::open(&location).unwrap();
            assert!(notices.is_empty());
            let (ok, gone) = (page("http://a/ok", 200), page("http://a/gone", 404));
            let pages = vec![
                ("http://a/ok", CachedRef::new(&ok.page, &ok.read, None)),
                (
                    "http://a/gone",
                    CachedRef::new(&gone.page, &gone.read, None),
                ),
            ];
            let s = settings(&location);
            store.put_all(&pages, &s, 1000).unwrap();
            assert!(store.get("http://a/ok", &s, 1050).is_some(), "{location:?}");
            assert!(store.get("http://a/gone", &s, 1005).is_some());
            assert!(
                store.get("http://a/gone", &s, 1011).is_none(),
                "failures expire sooner"
            );
            assert!(store.get("http://a/ok", &s, 1101).is_none());
            let shorter = CacheSettings {
                ttl: Duration::from_secs(20),
                ..s.clone()
            };
            assert!(
                store.get("http://a/ok", &shorter, 1050).is_none(),
                "this run's TTL"
            );
            // Written again: replaced, not added.
            store.put_all(&pages[..1], &s, 1040).unwrap();
            let stats = store.stats(1050).unwrap();
            assert_eq!((stats.pages, stats.fresh, stats.failures), (2, 1, 1));
            assert!(stats.bytes > 0 && stats.file_bytes > 0, "{stats:?}");
            // Probes keep their failure and the same TTLs.
            let probe = crate::verify::soft404::Probe {
                facts: None,
                failed: true,
                kept_out_of_store: false,
            };
            store
                .put_probes(&[("a/x".to_owned(), probe)], 1000)
                .unwrap();
            let keys = ["a/x".to_owned(), "b/y".to_owned()];
            let found = store.probes(&keys, &s, 1005);
            assert_eq!(found.len(), 1);
            assert!(found[0].1.failed);
            assert!(store.probes(&keys, &s, 1011).is_empty());
            // Many at once, in the order asked, the missing ones `None`.
            let got = store.get_many(&["http://a/none", "http://a/ok"], &s, 1050, |at, p| {
                Some((at, p.page.final_url.to_string()))
            });
            assert_eq!(got, [None, Some((1, "http://a/ok".to_owned()))]);
            assert_eq!(store.clear().unwrap(), 2);
            assert_eq!(store.stats(1050).unwrap().pages, 0);
        }
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
        let read_back = |blob: &[u8], inflate: &mut flate2::Decompress| {
            decode::<record::PageIn>(inflate, blob)?.into_cached()
        };
        for (page, tag) in [(small, 2), (large, 3)] {
            let blob = codec
                .encode(&record::PageOut::new(&page.page, &page.read, None))
                .unwrap();
            assert_eq!(blob[0], tag);
            let back = read_back(&blob, &mut inflate).unwrap();
            assert_eq!(back.read, page.read);
            assert_eq!(back.page.final_url, page.page.final_url);
        }
        let text = page("http://a/old", 404);
        let mut l = page("http://a/l", 200);
        l.read.facts = Some(crate::verify::page::PageFacts {
            text: Some("x y ".repeat(5000)),
            ..Default::default()
        });
        let large_blob = codec.encode(&record::PageOut::new(&l.page, &l.read, None));
        assert!(large_blob.unwrap().len() < 2000, "compressed");
        // Records of the first stores, in JSON, are still read.
        let mut json = vec![0];
        json.extend(
            serde_json::to_vec(&record::PageOut::new(&text.page, &text.read, None)).unwrap(),
        );
        assert_eq!(read_back(&json, &mut inflate).unwrap().read, text.read);
        assert!(
            decode::<record::PageIn>(&mut inflate, &[3, 9, 0, 0, 0, 1, 2]).is_none(),
            "garbage is no record"
        );
        assert!(
            decode::<record::PageIn>(&mut inflate, &[2, 200, 1]).is_none(),
            "nor a truncated one"
        );
    }

    #[test]
    fn corrupt_stores_are_set_aside_and_newer_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let folder = StoreLocation::Folder(dir.path().to_owned());
        std::fs::write(
            dir.path().join(sqlite::FILE_NAME),
            b"this is not a database at all, sorry",
        )
        .unwrap();
        let (store, notices) = Store::open(&folder).unwrap();
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

        let conn = rusqlite::Connection::open(dir.path().join(sqlite::FILE_NAME)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&folder).unwrap_err();
        assert!(
            matches!(err, StoreError::Newer { version: 99, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer citecheck"), "{err}");

        // A PostgreSQL store written by a newer version is refused too,
        // and left as it was.
        let url = testing::new_pg_database();
        drop(Store::open(&StoreLocation::Postgres(url.clone())).unwrap());
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        client
            .execute(
                "UPDATE citecheck.meta SET value = 99 WHERE name = 'schema_version'",
                &[],
            )
            .unwrap();
        let err = Store::open(&StoreLocation::Postgres(url)).unwrap_err();
        assert!(
            matches!(err, StoreError::Newer { version: 99, .. }),
            "{err}"
        );
        let version: i64 = client
            .query_one("SELECT value FROM citecheck.meta", &[])
            .unwrap()
            .get(0);
        assert_eq!(version, 99);
    }

    #[test]
    fn a_postgres_store_that_cannot_be_reached_is_an_error_that_names_it() {
        // A port nothing listens on (the test server's, plus one).
        let err = Store::open(&StoreLocation::Postgres(
            "postgres://someone:secret@127.0.0.1:1/nothing?connect_timeout=5".to_owned(),
        ))
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Database {
                    doing: Doing::Connect,
                    ..
                }
            ),
            "{err}"
        );
        let err = err.to_string();
        assert!(err.contains("cannot connect to the store"), "{err}");
        assert!(err.contains("127.0.0.1:1"), "{err}");
        assert!(
            !err.contains("secret"),
            "the password is never shown: {err}"
        );
    }
}
