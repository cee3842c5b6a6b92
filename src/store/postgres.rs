//! The shared store: a PostgreSQL database (`--store postgres://…`) that
//! every process of a team's CI and audits reads and writes, so that a
//! page one job fetched is fresh for all the others and the history is
//! one.
//!
//! Its tables live in their own schema, `citecheck`, so they sit beside
//! the team's own. The schema version is a row of `citecheck.meta`,
//! migrated under a transaction-level advisory lock (two processes that
//! open a new database at once create it once); a store written by a
//! newer citecheck is refused. TLS is used when the URL asks for it
//! (`sslmode=require`, `verify-ca` or `verify-full`), verified against
//! `sslrootcert` or the same roots as the fetcher's (the platform's,
//! `SSL_CERT_FILE`).

use super::runs::{self, MemoRecord, OpenSpan, SpanStore};
use super::{Backend, READ_CHANGES, Record, Row, SCHEMA_VERSION, Stats};
use super::{Doing, StoreError};
use crate::report::history::Recorded;
use parking_lot::Mutex;
use std::time::Duration;

/// The advisory lock held while the schema is created or migrated.
const SCHEMA_LOCK: i64 = 0x6369_7465_0001;
/// The advisory lock held while a run is recorded (spans are read, then
/// written: two recordings of one memo must not interleave).
const HISTORY_LOCK: i64 = 0x6369_7465_0002;
/// Rows written per statement.
const BATCH: usize = 2000;

/// The tables at [`SCHEMA_VERSION`], created at once in a new database.
const TABLES: &str = "
    CREATE TABLE IF NOT EXISTS pages (
        url TEXT PRIMARY KEY,
        fetched_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        failure BOOLEAN NOT NULL,
        record BYTEA NOT NULL
    );
    CREATE TABLE IF NOT EXISTS probes (
        key TEXT PRIMARY KEY,
        fetched_at BIGINT NOT NULL,
        failure BOOLEAN NOT NULL,
        record BYTEA NOT NULL
    );
    CREATE TABLE IF NOT EXISTS documents (
        key TEXT PRIMARY KEY,
        fetched_at BIGINT NOT NULL,
        failure BOOLEAN NOT NULL,
        record BYTEA NOT NULL
    );
    CREATE TABLE IF NOT EXISTS runs (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        settings TEXT
    );
    CREATE TABLE IF NOT EXISTS memo_runs (
        memo TEXT NOT NULL,
        run BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        PRIMARY KEY (memo, run)
    );
    CREATE TABLE IF NOT EXISTS spans (
        id BIGSERIAL PRIMARY KEY,
        memo TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        verdict TEXT NOT NULL,
        error BOOLEAN NOT NULL,
        first_run BIGINT NOT NULL,
        last_run BIGINT,
        failing_since BIGINT
    );
    CREATE INDEX IF NOT EXISTS spans_by_memo ON spans (memo, last_run);
    CREATE TABLE IF NOT EXISTS claims (
        url TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS host_schedule (
        host TEXT PRIMARY KEY,
        next_at BIGINT NOT NULL
    );
";

/// Pages upserted from arrays of URLs, fetch times, expiries, failures
/// and records (`$1`–`$5`), as the store's writes and the fleet's
/// published records both write them.
pub(super) const UPSERT_PAGES: &str =
    "INSERT INTO pages (url, fetched_at, expires_at, failure, record)
     SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::bool[], $5::bytea[])
     ON CONFLICT (url) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
         expires_at = EXCLUDED.expires_at, failure = EXCLUDED.failure,
         record = EXCLUDED.record";

/// Order `items` by key and keep the last written of each key: an upsert
/// cannot touch a row twice, the latest write wins (as SQLite's `INSERT
/// OR REPLACE` has it), and two processes writing the same keys take
/// their row locks in the same order, so they never deadlock.
pub(super) fn last_per_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    // A stable sort of the reversed list puts each key's last write first.
    items.reverse();
    items.sort_by(|a, b| key(a).cmp(key(b)));
    items.dedup_by(|later, earlier| key(later) == key(earlier));
}

/// An open PostgreSQL store.
pub(crate) struct Postgres {
    /// A lock because reads take `&self` and the client `&mut`; one
    /// process asks the store from one thread at a time anyway.
    client: Mutex<postgres::Client>,
    name: String,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("name", &self.name)
            .finish()
    }
}

/// How to reach a store: the connection's settings, the name to show
/// (no password), and the TLS connector when the URL asks for TLS.
pub(crate) struct Connection {
    pub config: tokio_postgres::Config,
    pub name: String,
    pub tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
}

impl Connection {
    /// Read `url`. PostgreSQL's own `sslmode` values are understood:
    /// `require`, `verify-ca` and `verify-full` all mean TLS with the
    /// server's certificate and name verified (an unverified encrypted
    /// connection is not offered), against `sslrootcert` when given (a
    /// PEM file that replaces the platform's roots, as in libpq), else
    /// against the platform's roots (and `SSL_CERT_FILE`); `disable`,
    /// `allow` and `prefer` mean no TLS. A connect timeout of 10 s unless
    /// the URL sets one.
    pub(crate) fn of(url: &str) -> Result<Self, StoreError> {
        let name = super::redacted(url);
        let bad = |why: String| StoreError::BadUrl {
            store: name.clone(),
            why,
        };
        let mut parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        let mut tls = false;
        let mut root = None;
        let mut kept = Vec::new();
        for (key, value) in parsed.query_pairs() {
            match &*key {
                "sslmode" => match &*value {
                    "require" | "verify-ca" | "verify-full" => tls = true,
                    "disable" | "allow" | "prefer" => tls = false,
                    other => return Err(bad(format!("sslmode={other} is not a mode"))),
                },
                "sslrootcert" => root = Some(std::path::PathBuf::from(&*value)),
                _ => kept.push((key.into_owned(), value.into_owned())),
            }
        }
        parsed.set_query(None);
        if !kept.is_empty() {
            parsed.query_pairs_mut().extend_pairs(kept);
        }
        let mut config: tokio_postgres::Config =
            parsed.as_str().parse().map_err(|e| bad(format!("{e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("citecheck");
        }
        let tls = if tls {
            Some(connector(root.as_deref()).map_err(|why| StoreError::Tls {
                store: name.clone(),
                why,
            })?)
        } else {
            None
        };
        Ok(Self { config, name, tls })
    }
}

/// An error with its causes (`error performing TLS handshake: invalid
/// peer certificate: UnknownIssuer`): the driver's own words name only
/// the step that failed.
pub(crate) fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// A TLS connector that verifies the server against `root` (a PEM file of
/// certificates) or the platform's roots.
fn connector(
    root: Option<&std::path::Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = match root {
        Some(path) => {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let mut roots = rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
            for cert in certs {
                let cert =
                    cert.map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            }
            rustls::ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
        None => {
            use rustls_platform_verifier::ConfigVerifierExt;
            rustls::ClientConfig::with_platform_verifier().map_err(|e| e.to_string())?
        }
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

impl Postgres {
    /// Connect to the database at `url`, creating or migrating the
    /// store's schema.
    pub(crate) fn open(url: &str) -> Result<Self, StoreError> {
        let Connection { config, name, tls } = Connection::of(url)?;
        let config = postgres::Config::from(config);
        let connected = match tls {
            Some(tls) => config.connect(tls),
            None => config.connect(postgres::NoTls),
        };
        let store = format!("the store {name}");
        let mut client =
            connected.map_err(|e| StoreError::database(Doing::Connect, &store, with_causes(&e)))?;
        prepare(&mut client).map_err(|e| match e {
            Prepared::Newer(version) => StoreError::Newer {
                store: store.clone(),
                version,
                known: SCHEMA_VERSION,
            },
            Prepared::Failed(e) => StoreError::database(Doing::SetUp, &store, e),
        })?;
        Ok(Self {
            client: Mutex::new(client),
            name,
        })
    }

    /// The store as messages name it.
    fn label(&self) -> String {
        format!("the store {}", self.name)
    }

    fn client(&self) -> parking_lot::MutexGuard<'_, postgres::Client> {
        self.client.lock()
    }

    /// The records of `table` whose `column` is among `keys`.
    fn records(
        &self,
        table: &str,
        column: &str,
        keys: &[&str],
    ) -> Result<Vec<(usize, Record)>, StoreError> {
        let at: std::collections::HashMap<&str, usize> =
            keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let rows = self
            .client()
            .query(
                &format!(
                    "SELECT {column}, fetched_at, failure, record FROM {table} WHERE {column} = ANY($1)"
                ),
                &[&keys],
            )
            .map_err(|e| StoreError::database(Doing::Read, &self.label(), e))?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let key: &str = row.get(0);
                Some((
                    *at.get(key)?,
                    Record {
                        fetched_at: row.get(1),
                        failure: row.get(2),
                        blob: row.get(3),
                    },
                ))
            })
            .collect())
    }

    /// Upsert `rows` (pages, or probes) in one transaction, a batch per
    /// statement, in key order ([`last_per_key`]).
    /// Write `rows` to `pages`, or with `keyed` to that table of keyed
    /// records (`probes`, `documents`).
    fn put(&mut self, rows: &[Row<'_>], keyed: Option<&str>) -> Result<(), StoreError> {
        let mut sorted: Vec<&Row<'_>> = rows.iter().collect();
        last_per_key(&mut sorted, |row| row.key);
        let label = self.label();
        let fail = |e| StoreError::database(Doing::Write, &label, e);
        let client = self.client.get_mut();
        let mut tx = client.transaction().map_err(fail)?;
        for batch in sorted.chunks(BATCH) {
            let keys: Vec<&str> = batch.iter().map(|r| r.key).collect();
            let fetched: Vec<i64> = batch.iter().map(|r| r.fetched_at).collect();
            let failures: Vec<bool> = batch.iter().map(|r| r.failure).collect();
            let blobs: Vec<&[u8]> = batch.iter().map(|r| r.blob.as_slice()).collect();
            if let Some(table) = keyed {
                tx.execute(
                    &format!(
                        "INSERT INTO {table} (key, fetched_at, failure, record)
                         SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::bool[], $4::bytea[])
                         ON CONFLICT (key) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
                             failure = EXCLUDED.failure, record = EXCLUDED.record"
                    ),
                    &[&keys, &fetched, &failures, &blobs],
                )
                .map_err(fail)?;
            } else {
                let expires: Vec<i64> = batch.iter().map(|r| r.expires_at).collect();
                tx.execute(
                    UPSERT_PAGES,
                    &[&keys, &fetched, &expires, &failures, &blobs],
                )
                .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }
}

/// Why the schema could not be readied.
enum Prepared {
    Newer(i64),
    Failed(postgres::Error),
}

impl From<postgres::Error> for Prepared {
    fn from(e: postgres::Error) -> Self {
        Self::Failed(e)
    }
}

/// Create the schema, or bring it up to [`SCHEMA_VERSION`], and make it
/// the session's search path.
fn prepare(client: &mut postgres::Client) -> Result<(), Prepared> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS citecheck;
         SET search_path TO citecheck;
         CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL);",
    )?;
    let version: i64 = tx
        .query_opt("SELECT value FROM meta WHERE name = 'schema_version'", &[])?
        .map_or(0, |row| row.get(0));
    if version > SCHEMA_VERSION {
        return Err(Prepared::Newer(version));
    }
    if version < SCHEMA_VERSION {
        if version == 0 {
            tx.batch_execute(TABLES)?;
        } else {
            if READ_CHANGES.iter().any(|&v| v > version) {
                // Records read before a change of `PageRead` cannot be read.
                tx.batch_execute("DELETE FROM pages; DELETE FROM probes;")?;
            }
            // Version 8: the settings each run was weighed with.
            tx.batch_execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS settings TEXT")?;
            // Version 9: memo pages read from the web, to revalidate.
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS documents (
                     key TEXT PRIMARY KEY,
                     fetched_at BIGINT NOT NULL,
                     failure BOOLEAN NOT NULL,
                     record BYTEA NOT NULL
                 )",
            )?;
        }
        tx.execute(
            "INSERT INTO meta (name, value) VALUES ('schema_version', $1)
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
            &[&SCHEMA_VERSION],
        )?;
    }
    tx.commit()?;
    Ok(())
}

impl Backend for Postgres {
    fn name(&self) -> &str {
        &self.name
    }

    fn pages(&self, urls: &[&str]) -> Result<Vec<(usize, Record)>, StoreError> {
        self.records("pages", "url", urls)
    }

    fn put_pages(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError> {
        self.put(rows, None)
    }

    fn probes(&self, keys: &[String]) -> Result<Vec<(usize, Record)>, StoreError> {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.records("probes", "key", &keys)
    }

    fn put_probes(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError> {
        self.put(rows, Some("probes"))
    }

    fn documents(&self, urls: &[&str]) -> Result<Vec<(usize, Record)>, StoreError> {
        self.records("documents", "key", urls)
    }

    fn put_documents(&mut self, rows: &[Row<'_>]) -> Result<(), StoreError> {
        self.put(rows, Some("documents"))
    }

    fn stats(&self, now: i64) -> Result<Stats, StoreError> {
        let fail = |e| StoreError::database(Doing::Read, &self.label(), e);
        let mut client = self.client();
        let row = client
            .query_one(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE expires_at > $1),
                        COUNT(*) FILTER (WHERE failure),
                        COALESCE(SUM(octet_length(record)), 0)::BIGINT FROM pages",
                &[&now],
            )
            .map_err(fail)?;
        let size = client
            .query_one(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'citecheck' AND c.relkind = 'r'",
                &[],
            )
            .map_err(fail)?;
        let count = |i: usize| row.get::<_, i64>(i) as u64;
        Ok(Stats {
            pages: count(0),
            fresh: count(1),
            failures: count(2),
            bytes: count(3),
            file_bytes: size.get::<_, i64>(0) as u64,
        })
    }

    fn clear(&mut self) -> Result<u64, StoreError> {
        self.client()
            .execute("DELETE FROM pages", &[])
            .map_err(|e| StoreError::database(Doing::Clear, &self.label(), e))
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
        let client = self.client.get_mut();
        let mut tx = client.transaction().map_err(fail)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&HISTORY_LOCK])
            .map_err(fail)?;
        let recorded = runs::record_run(&mut tx, memos, now, keep, settings).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(recorded)
    }

    fn previous_run(&self, memo: &str, run: i64, at: Option<i64>) -> Option<(i64, i64)> {
        let row = self
            .client()
            .query_opt(
                "SELECT runs.id, runs.at FROM memo_runs JOIN runs ON runs.id = memo_runs.run
                 WHERE memo_runs.memo = $1 AND memo_runs.run < $2 AND runs.at <= $3
                 ORDER BY memo_runs.run DESC LIMIT 1",
                &[&memo, &run, &at.unwrap_or(i64::MAX)],
            )
            .ok()??;
        Some((row.get(0), row.get(1)))
    }

    fn run_settings(&self, run: i64) -> Option<String> {
        self.client()
            .query_opt("SELECT settings FROM runs WHERE id = $1", &[&run])
            .ok()??
            .get(0)
    }

    fn results(&self, run: i64, memo: &str) -> Vec<Recorded> {
        let Ok(rows) = self.client().query(
            "SELECT kind, subject, verdict, error, failing_since FROM spans
             WHERE memo = $1 AND first_run <= $2 AND (last_run IS NULL OR last_run >= $2)",
            &[&memo, &run],
        ) else {
            return Vec::new();
        };
        rows.iter()
            .filter_map(|r| {
                let verdict: &str = r.get(2);
                runs::recorded(r.get(0), r.get(1), verdict, r.get(3), r.get(4))
            })
            .collect()
    }

    fn memos(&self) -> Vec<String> {
        self.client()
            .query("SELECT DISTINCT memo FROM memo_runs ORDER BY memo", &[])
            .map(|rows| rows.iter().map(|r| r.get(0)).collect())
            .unwrap_or_default()
    }

    #[cfg(test)]
    fn count(&self, table: &str) -> i64 {
        self.client()
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    }
}

/// The history's steps, on a PostgreSQL transaction.
impl SpanStore for postgres::Transaction<'_> {
    type Error = postgres::Error;

    fn add_run(&mut self, at: i64, settings: Option<&str>) -> Result<i64, postgres::Error> {
        Ok(self
            .query_one(
                "INSERT INTO runs (at, settings) VALUES ($1, $2) RETURNING id",
                &[&at, &settings],
            )?
            .get(0))
    }

    fn prune(&mut self, cutoff: i64) -> Result<(), postgres::Error> {
        self.execute("DELETE FROM runs WHERE at < $1", &[&cutoff])?;
        self.execute(
            "DELETE FROM spans WHERE last_run IS NOT NULL
             AND last_run < (SELECT COALESCE(MIN(id), 0) FROM runs)",
            &[],
        )
        .map(drop)
    }

    fn last_run(&mut self, memo: &str) -> Result<Option<runs::LastRun>, postgres::Error> {
        Ok(self
            .query_opt(
                "SELECT memo_runs.run, runs.at, runs.settings
                 FROM memo_runs JOIN runs ON runs.id = memo_runs.run
                 WHERE memo_runs.memo = $1 ORDER BY memo_runs.run DESC LIMIT 1",
                &[&memo],
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    fn open_spans(&mut self, memo: &str) -> Result<Vec<OpenSpan>, postgres::Error> {
        Ok(self
            .query(
                "SELECT id, kind, subject, verdict, error, failing_since FROM spans
                 WHERE memo = $1 AND last_run IS NULL",
                &[&memo],
            )?
            .iter()
            .map(|r| OpenSpan {
                id: r.get(0),
                kind: r.get(1),
                subject: r.get(2),
                verdict: r.get(3),
                error: r.get(4),
                failing_since: r.get(5),
            })
            .collect())
    }

    fn close_span(&mut self, id: i64, last_run: i64) -> Result<(), postgres::Error> {
        self.execute(
            "UPDATE spans SET last_run = $2 WHERE id = $1",
            &[&id, &last_run],
        )
        .map(drop)
    }

    fn open_span(&mut self, memo: &str, item: &Recorded, run: i64) -> Result<(), postgres::Error> {
        self.execute(
            "INSERT INTO spans (memo, kind, subject, verdict, error, first_run, failing_since)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &memo,
                &item.kind().name(),
                &item.subject,
                &item.verdict.name(),
                &item.error,
                &run,
                &item.failing_since,
            ],
        )
        .map(drop)
    }

    fn checked(&mut self, memo: &str, run: i64) -> Result<(), postgres::Error> {
        self.execute(
            "INSERT INTO memo_runs (memo, run) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&memo, &run],
        )
        .map(drop)
    }
}
