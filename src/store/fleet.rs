//! What processes sharing a PostgreSQL store agree on while they run:
//! who fetches each page (claims) and how hard each host is asked
//! (politeness across the fleet). Async, on the run's own runtime, over
//! one connection of its own (`tokio-postgres`).
//!
//! **Claims.** Before fetching a cited page, a process takes a row of
//! `claims` for its URL (owner, expiry on the server's clock), atomically:
//! an insert that replaces only an expired claim or its own. A process
//! that finds a live claim of another's waits for the page record the
//! owner writes as soon as it has read the page; once it lands it is
//! answered from it, as from the cache. A claim whose owner died expires
//! (`--claim-ttl`) and is taken over.
//!
//! **Waking.** Every process `LISTEN`s on [`CHANNEL`]: the statement that
//! writes a batch of records and lets their claims go also notifies their
//! URLs, and letting a host's place go notifies `place:` and the host. A
//! process waiting for a page or a place asks again when it is told, not
//! on a timer; the timer stays as the fallback (from [`POLL`], doubling to
//! [`POLL_MOST`]) for what no notice announces: a dead process's claim
//! expiring, its places freed by the server.
//!
//! **Politeness.** A request to a host holds one of its `cap` places
//! across the fleet: a session-level advisory lock (`pg_try_advisory_lock`
//! on a hash of host and place), which the server frees by itself if the
//! process dies; and waits for the host's shared schedule, a row of
//! `host_schedule` moved on by the interval at each request (on the
//! server's clock, so machines' clocks need not agree).
//!
//! **When the database is slow or gone** (a statement not answered within
//! [`STATEMENT_LIMIT`], or an error), the fleet is given up for the rest of
//! the run with a warning: pages are fetched without claims and requests
//! go on under this process's own limits, never under none.

use super::CacheSettings;
use super::{CachedPage, CachedRef, Codec, decode, fresh};
use super::{Doing, StoreError};
use crate::fetch::pool::{SharedLimits, SharedPlace};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::types::ToSql;

/// What a process does without the fleet, as reports say it.
pub(crate) const ALONE: &str =
    "pages were fetched without claims and per-host limits held for this process only";

/// The channel the fleet's processes listen on and notify.
const CHANNEL: &str = "citecheck_fleet";
/// The longest payload of one notice (PostgreSQL's limit is 8,000 bytes).
const NOTICE_MOST: usize = 7_900;

/// How long one statement may take before the fleet is given up.
const STATEMENT_LIMIT: Duration = Duration::from_secs(10);
/// How soon a process waiting for a host's place or another's page asks
/// again when no notice came (then twice as long each time, up to
/// [`POLL_MOST`]): the notices end most waits; this is for the ones no
/// notice announces, and must not flood the database.
const POLL: Duration = Duration::from_millis(250);
/// The longest wait between two looks without a notice.
const POLL_MOST: Duration = Duration::from_secs(1);
/// The server's clock, in milliseconds.
const NOW_MS: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// A process's part in a fleet sharing one PostgreSQL store.
pub(crate) struct Fleet {
    client: Arc<tokio_postgres::Client>,
    /// This process's name in `claims`: unique per run.
    owner: String,
    name: String,
    claim_ttl: Duration,
    /// Why the fleet was given up, once it was.
    given_up: Arc<Mutex<Option<String>>>,
    /// Pages read and claims to let go, written in batches.
    outbox: Arc<Outbox>,
    /// The places of each host as this process knows them: a session's
    /// advisory lock can be taken again by the same session, so two
    /// requests of one process must never try the same place.
    held: Places,
    codec: Mutex<Codec>,
    /// A run being stopped waits for no other process's page.
    interrupt: Arc<crate::interrupt::Interrupt>,
    /// The waits the fleet's notices end.
    wakes: Arc<Wakes>,
    /// The first wait between two looks without a notice ([`POLL`]).
    poll: Duration,
    /// Looks that found a page claimed by another or a host's places
    /// taken (each wait begins with one).
    looks: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fleet")
            .field("name", &self.name)
            .field("owner", &self.owner)
            .finish()
    }
}

/// What asking for a record found.
#[derive(Debug)]
pub(crate) enum Claimed<T> {
    /// This process makes it (and publishes it).
    Mine,
    /// Another process made it: its record, fresh.
    Theirs(T),
    /// No claim could be had (the fleet was given up): make it alone.
    Alone,
}

/// A record to claim: its table and key column, its key, and the key of
/// its claim in `claims`.
struct Record<'a> {
    table: &'static str,
    column: &'static str,
    key: &'a str,
    claim: &'a str,
}

/// The claim of the probe of `key`: no URL has a space in it.
fn probe_claim(key: &str) -> String {
    format!("probe {key}")
}

/// What asking for a page found.
#[derive(Debug)]
pub(crate) enum Claim {
    /// This process fetches it (and publishes it with [`Fleet::publish`]).
    Mine,
    /// Another process fetched it: its record, fresh.
    Theirs(Box<CachedPage>),
    /// No claim could be had (the fleet was given up): fetch it alone.
    Alone,
}

impl Fleet {
    /// Connect to the store at `url` (already set up by `Store::open`) on
    /// the current runtime.
    pub(crate) async fn connect(
        url: &str,
        claim_ttl: Duration,
        interrupt: Arc<crate::interrupt::Interrupt>,
    ) -> Result<Self, StoreError> {
        let super::postgres::Connection { config, name, tls } =
            super::postgres::Connection::of(url)?;
        let store = format!("the store {name}");
        let refused = |e: tokio_postgres::Error| {
            StoreError::database(Doing::Connect, &store, super::postgres::with_causes(&e))
        };
        let wakes = Arc::new(Wakes::default());
        let client = match tls {
            Some(tls) => {
                let (client, connection) = config.connect(tls).await.map_err(refused)?;
                tokio::spawn(listen(connection, wakes.clone()));
                client
            }
            None => {
                let (client, connection) = config
                    .connect(tokio_postgres::NoTls)
                    .await
                    .map_err(refused)?;
                tokio::spawn(listen(connection, wakes.clone()));
                client
            }
        };
        let owner = format!("{}-{:016x}", std::process::id(), rand::random::<u64>());
        client
            .batch_execute(&format!("SET search_path TO citecheck; LISTEN {CHANNEL}"))
            .await
            .map_err(|e| StoreError::database(Doing::Use, &store, e))?;
        let client = Arc::new(client);
        let given_up = Arc::new(Mutex::new(None));
        let outbox = Arc::new(Outbox::default());
        tokio::spawn(send_batches(
            outbox.clone(),
            client.clone(),
            given_up.clone(),
            owner.clone(),
        ));
        Ok(Self {
            client,
            owner,
            name,
            claim_ttl,
            given_up,
            outbox,
            held: Places::default(),
            codec: Mutex::new(Codec::new()),
            interrupt,
            wakes,
            poll: POLL,
            looks: Default::default(),
        })
    }

    /// Why the fleet was given up during the run, if it was: a warning
    /// for the report.
    pub(crate) fn warning(&self) -> Option<String> {
        let why = self.given_up.lock().clone()?;
        Some(format!(
            "the shared store {} stopped answering ({why}): from then on {ALONE}",
            self.name
        ))
    }

    fn is_given_up(&self) -> bool {
        self.given_up.lock().is_some()
    }

    /// Run one statement within [`STATEMENT_LIMIT`]; a failure gives the
    /// fleet up.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, ()> {
        bounded(&self.given_up, self.client.query(sql, params)).await
    }

    /// Claim `url`, or wait for the process that holds it: its record, if
    /// `usable` takes it, once it lands. A record that is there already
    /// and usable is taken at once; one that is not (it lacks what this
    /// run needs) makes this process fetch the page itself.
    pub(crate) async fn claim(
        &self,
        url: &str,
        settings: &CacheSettings,
        usable: impl Fn(&CachedPage) -> bool,
    ) -> Claim {
        let record = Record {
            table: "pages",
            column: "url",
            key: url,
            claim: url,
        };
        let mut inflate = flate2::Decompress::new(false);
        let usable = |blob: &[u8]| {
            decode::<super::record::PageIn>(&mut inflate, blob)?
                .into_cached()
                .filter(|page| usable(page))
        };
        match self.claim_record(record, settings, usable).await {
            Claimed::Mine => Claim::Mine,
            Claimed::Theirs(page) => Claim::Theirs(Box::new(page)),
            Claimed::Alone => Claim::Alone,
        }
    }

    /// Claim the soft-404 probe of `key` (host and parent path) as
    /// [`Fleet::claim`] claims a page: the probe another process made (or
    /// is making) is taken from its record; a probe this process makes
    /// goes out with [`Fleet::publish_probe`].
    pub(crate) async fn claim_probe(
        &self,
        key: &str,
        settings: &CacheSettings,
    ) -> Claimed<crate::verify::soft404::Probe> {
        let claim = probe_claim(key);
        let record = Record {
            table: "probes",
            column: "key",
            key,
            claim: &claim,
        };
        let mut inflate = flate2::Decompress::new(false);
        let usable = |blob: &[u8]| {
            let probe = decode::<super::record::ProbeIn>(&mut inflate, blob)?;
            Some(probe.into_probe())
        };
        self.claim_record(record, settings, usable).await
    }

    /// The probe of `key` this process claimed was made: its record (when
    /// it is one to keep) is written, the claim let go and every process
    /// waiting for it told, in one statement. Whether it was written.
    pub(crate) async fn publish_probe(
        &self,
        key: &str,
        probe: &crate::verify::soft404::Probe,
    ) -> bool {
        let claim = probe_claim(key);
        let blob = if probe.kept_out_of_store {
            None
        } else {
            self.codec
                .lock()
                .encode(&super::record::ProbeOut::new(probe))
                .ok()
        };
        let now = crate::date::now();
        let written = blob.is_some();
        let statement = format!(
            "WITH written AS (
                 INSERT INTO probes (key, fetched_at, failure, record)
                 SELECT $1, $2, $3, $4 WHERE $4::bytea IS NOT NULL
                 ON CONFLICT (key) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
                     failure = EXCLUDED.failure, record = EXCLUDED.record),
              released AS (DELETE FROM claims WHERE url = $5 AND owner = $6)
             SELECT pg_notify('{CHANNEL}', $5)"
        );
        let params: [&(dyn ToSql + Sync); 6] =
            [&key, &now, &probe.failed, &blob, &claim, &self.owner];
        self.query(&statement, &params).await.is_ok() && written
    }

    /// Claim the record of `record.key` in `record.table`, or wait for
    /// the process that holds its claim (`record.claim` in `claims`): the
    /// record, if `usable` reads it, once it lands.
    async fn claim_record<T>(
        &self,
        record: Record<'_>,
        settings: &CacheSettings,
        mut usable: impl FnMut(&[u8]) -> Option<T>,
    ) -> Claimed<T> {
        let Record {
            table,
            column,
            key,
            claim,
        } = record;
        let ttl_ms = i64::try_from(self.claim_ttl.as_millis()).unwrap_or(i64::MAX);
        // A claim: a new row, or one that replaces an expired claim (or
        // this process's own), all under `unless`.
        let take = |unless: &str| {
            format!(
                "INSERT INTO claims (url, owner, expires_at)
                 SELECT $1, $2, {NOW_MS} + $3 WHERE {unless}
                 ON CONFLICT (url) DO UPDATE SET owner = EXCLUDED.owner,
                     expires_at = EXCLUDED.expires_at
                 WHERE claims.expires_at < {NOW_MS} OR claims.owner = EXCLUDED.owner
                 RETURNING 1"
            )
        };
        // One statement: the page's record, and a claim taken unless the
        // record is fresh (the same rule as `fresh`, with this run's TTLs).
        let look_or_take = format!(
            "WITH page AS (SELECT fetched_at, failure, record FROM {table} WHERE {column} = $6),
                  taken AS ({})
             SELECT page.fetched_at, page.failure, page.record,
                    EXISTS (SELECT 1 FROM taken),
                    EXISTS (SELECT 1 FROM claims WHERE url = $1)
             FROM (SELECT 1) one LEFT JOIN page ON true",
            take(
                "NOT EXISTS (SELECT 1 FROM page WHERE page.fetched_at >
                     CASE WHEN page.failure THEN $4::bigint ELSE $5::bigint END)"
            )
        );
        let take = format!(
            "WITH taken AS ({}) SELECT EXISTS (SELECT 1 FROM taken)",
            take("true")
        );
        let since = |ttl: Duration| crate::date::now().saturating_sub(ttl.as_secs() as i64);
        // However long claims last, a page is waited for at most twice
        // that: then it is fetched here too.
        let deadline = tokio::time::Instant::now() + self.claim_ttl * 2;
        let mut poll = self.poll;
        // The record in a row, if it is fresh and holds what this run
        // needs (one that does not is fetched again, under a claim of
        // this process's own).
        let mut usable_record = |row: &tokio_postgres::Row| -> Option<T> {
            let fetched_at: Option<i64> = row.get(0);
            let failure: Option<bool> = row.get(1);
            if !fresh(settings, fetched_at?, failure?, crate::date::now()) {
                return None;
            }
            usable(row.get::<_, Option<&[u8]>>(2)?)
        };
        let woken = self.wakes.watch(claim);
        loop {
            // Listening before asking: a notice that comes while the
            // statement runs is not lost.
            let notified = woken.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (fail_since, ok_since) = (since(settings.failure_ttl), since(settings.ttl));
            let Ok(rows) = self
                .query(
                    &look_or_take,
                    &[&claim, &self.owner, &ttl_ms, &fail_since, &ok_since, &key],
                )
                .await
            else {
                return Claimed::Alone;
            };
            let Some(row) = rows.first() else {
                return Claimed::Alone;
            };
            let (mine, claimed_before): (bool, bool) = (row.get(3), row.get(4));
            if let Some(found) = usable_record(row) {
                return Claimed::Theirs(found);
            }
            if mine {
                // Another process held a claim when the statement began: it
                // may have written the page and let its claim go while this
                // claim waited for its row. Look again, now that the claim
                // is ours (its release and the record were one statement,
                // so the record is visible by now). A page no process had
                // claimed cannot have been written meanwhile: a claim taken
                // after the statement began would have kept this one out.
                if claimed_before {
                    let look = format!(
                        "SELECT fetched_at, failure, record FROM {table} WHERE {column} = $1"
                    );
                    let Ok(rows) = self.query(&look, &[&key]).await else {
                        return Claimed::Alone;
                    };
                    if let Some(found) = rows.first().and_then(&mut usable_record) {
                        self.release(claim).await;
                        return Claimed::Theirs(found);
                    }
                }
                return Claimed::Mine;
            }
            if row.get::<_, Option<i64>>(0).is_some() {
                // A fresh record that lacks what this run needs: fetch it
                // again, under a claim of its own.
                let Ok(rows) = self.query(&take, &[&claim, &self.owner, &ttl_ms]).await else {
                    return Claimed::Alone;
                };
                if rows.first().is_some_and(|row| row.get::<_, bool>(0)) {
                    return Claimed::Mine;
                }
            }
            if tokio::time::Instant::now() >= deadline || self.interrupt.is_requested() {
                return Claimed::Alone;
            }
            self.looked();
            tokio::select! {
                () = notified => {}
                () = tokio::time::sleep(poll) => poll = (poll * 2).min(POLL_MOST),
            }
        }
    }

    /// The page this process claimed was read: its record (when `page` is
    /// one to keep) goes out for every process waiting on it, and the
    /// claim is let go, in the next batch (within [`BATCH_WAIT`]).
    /// Whether the record went out (it is in the store once
    /// [`Fleet::flush`] returns without the fleet given up).
    pub(crate) fn publish(
        &self,
        url: &str,
        page: Option<CachedRef<'_>>,
        settings: &CacheSettings,
    ) -> bool {
        if self.is_given_up() {
            return false;
        }
        let record = page.and_then(|page| {
            let mut codec = self.codec.lock();
            let row = super::page_row(&mut codec, url, &page, settings, crate::date::now()).ok()?;
            Some((row.fetched_at, row.expires_at, row.failure, row.blob))
        });
        let published = record.is_some();
        self.outbox.push(Outgoing {
            url: url.to_owned(),
            record,
        });
        published
    }

    /// Send what waits in the outbox now, and wait for it (and for a
    /// batch being sent) to be written: the end of a fetch stage.
    pub(crate) async fn flush(&self) {
        send_batch(&self.outbox, &self.client, &self.given_up, &self.owner).await;
    }

    /// Let this process's claim on `url` go.
    async fn release(&self, url: &str) {
        let _ = self
            .query(
                "DELETE FROM claims WHERE url = $1 AND owner = $2",
                &[&url, &self.owner],
            )
            .await;
    }

    /// Take one of `cap` places of `host` across the fleet: one this
    /// process holds and no request uses (no statement), else one no
    /// process holds.
    async fn place(&self, host: &str, cap: usize) -> Result<PlaceHeld, String> {
        let woken = self.wakes.watch(&place_notice(host));
        let mut poll = self.poll;
        loop {
            let notified = woken.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let free = match self.held.take_idle(host, cap) {
                Ok(place) => return Ok(self.held_place(host, place)),
                Err(free) => free,
            };
            for k in free {
                // Marked busy before asking, so no other request of this
                // process tries it meanwhile.
                if !self.held.mark(host, k, Place::Free, Place::Busy) {
                    continue;
                }
                let taken = self
                    .query("SELECT pg_try_advisory_lock($1)", &[&place_key(host, k)])
                    .await
                    .map(|rows| rows.first().is_some_and(|r| r.get::<_, bool>(0)));
                match taken {
                    Ok(true) => return Ok(self.held_place(host, k)),
                    // Another process holds it: the next one.
                    Ok(false) => {
                        self.held.mark(host, k, Place::Busy, Place::Free);
                    }
                    Err(()) => {
                        self.held.mark(host, k, Place::Busy, Place::Free);
                        return Err(self.warning().unwrap_or_default());
                    }
                }
            }
            self.looked();
            let jitter = Duration::from_millis(rand::random::<u64>() % 50);
            tokio::select! {
                () = notified => {}
                () = tokio::time::sleep(poll + jitter) => poll = (poll * 2).min(POLL_MOST),
            }
        }
    }

    /// A look found the page or the places taken: the wait begins.
    fn looked(&self) {
        // Relaxed: a count, read by the tests once the waits began.
        self.looks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn held_place(&self, host: &str, place: usize) -> PlaceHeld {
        PlaceHeld {
            client: self.client.clone(),
            held: self.held.clone(),
            wakes: self.wakes.clone(),
            host: host.to_owned(),
            place,
        }
    }

    /// Wait for the host's shared schedule: the time the last request of
    /// any process to it started, plus `interval`.
    async fn schedule(&self, host: &str, interval: Duration) -> Result<(), String> {
        let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
        let rows = self
            .query(
                &format!(
                    "INSERT INTO host_schedule AS s (host, next_at) VALUES ($1, {NOW_MS} + $2)
                     ON CONFLICT (host) DO UPDATE
                         SET next_at = GREATEST(s.next_at, {NOW_MS}) + $2
                     RETURNING next_at - $2 - {NOW_MS}"
                ),
                &[&host, &interval_ms],
            )
            .await
            .map_err(|()| self.warning().unwrap_or_default())?;
        let wait = rows.first().map_or(0, |r| r.get::<_, i64>(0));
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait.unsigned_abs())).await;
        }
        Ok(())
    }
}

impl SharedLimits for Fleet {
    fn acquire<'a>(
        &'a self,
        host: &'a str,
        cap: usize,
        interval: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<SharedPlace, String>> + Send + 'a>> {
        Box::pin(async move {
            let place = self.place(host, cap).await?;
            if !interval.is_zero() {
                self.schedule(host, interval).await?;
            }
            Ok(SharedPlace::new(place))
        })
    }
}

/// How long a record waits in the outbox for others to share its batch.
const BATCH_WAIT: Duration = Duration::from_millis(20);
/// The most records in one batch.
const BATCH_MOST: usize = 500;

/// A page read under this process's claim: its record, if it is one to
/// keep (fetched at, expires at, failure, encoded), and its claim to let
/// go.
struct Outgoing {
    url: String,
    record: Option<Written>,
}

/// A record as it goes out: fetched at, expires at, failure, encoded.
type Written = (i64, i64, bool, Vec<u8>);

/// What waits to be written, and the lock held while a batch is written
/// (so that a flush waits for a batch in flight).
#[derive(Default)]
struct Outbox {
    waiting: Mutex<Vec<Outgoing>>,
    wake: tokio::sync::Notify,
    sending: tokio::sync::Mutex<()>,
}

impl Outbox {
    fn push(&self, item: Outgoing) {
        self.waiting.lock().push(item);
        self.wake.notify_one();
    }
}

/// `statement`, unless the fleet was given up, within [`STATEMENT_LIMIT`];
/// an error or a statement that takes longer gives the fleet up.
async fn bounded<T>(
    given_up: &Mutex<Option<String>>,
    statement: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, ()> {
    if given_up.lock().is_some() {
        return Err(());
    }
    let why = match tokio::time::timeout(STATEMENT_LIMIT, statement).await {
        Ok(Ok(done)) => return Ok(done),
        Ok(Err(e)) => super::postgres::with_causes(&e),
        Err(_) => format!(
            "a statement took longer than {} s",
            STATEMENT_LIMIT.as_secs()
        ),
    };
    give_up(given_up, why);
    Err(())
}

/// Record why the fleet was given up (the first reason stays).
fn give_up(given_up: &Mutex<Option<String>>, why: String) {
    given_up.lock().get_or_insert(why);
}

/// The outbox's sender: a batch at most [`BATCH_WAIT`] after its first
/// record, for the life of the runtime.
async fn send_batches(
    outbox: Arc<Outbox>,
    client: Arc<tokio_postgres::Client>,
    given_up: Arc<Mutex<Option<String>>>,
    owner: String,
) {
    loop {
        outbox.wake.notified().await;
        tokio::time::sleep(BATCH_WAIT).await;
        send_batch(&outbox, &client, &given_up, &owner).await;
    }
}

/// Write what waits in the outbox, [`BATCH_MOST`] records a statement:
/// the records (upserted in URL order, so two processes never deadlock)
/// and the claims let go, in one statement each batch (a data-modifying
/// `WITH` runs whether or not the statement reads it). Nothing once the
/// fleet was given up.
async fn send_batch(
    outbox: &Outbox,
    client: &tokio_postgres::Client,
    given_up: &Mutex<Option<String>>,
    owner: &str,
) {
    let _sending = outbox.sending.lock().await;
    let mut items = std::mem::take(&mut *outbox.waiting.lock());
    if items.is_empty() {
        return;
    }
    super::postgres::last_per_key(&mut items, |item| &item.url);
    // The records, the claims let go and the notice of their URLs: one
    // statement, so a process told of a URL finds its record.
    let statement = format!(
        "WITH written AS ({}),
              released AS (DELETE FROM claims WHERE owner = $6 AND url = ANY($7))
         SELECT pg_notify('{CHANNEL}', notice) FROM unnest($8::text[]) notice",
        super::postgres::UPSERT_PAGES
    );
    for batch in items.chunks(BATCH_MOST) {
        let released: Vec<&str> = batch.iter().map(|i| i.url.as_str()).collect();
        let kept: Vec<(&str, &Written)> = batch
            .iter()
            .filter_map(|i| Some((i.url.as_str(), i.record.as_ref()?)))
            .collect();
        let urls: Vec<&str> = kept.iter().map(|(url, _)| *url).collect();
        let fetched: Vec<i64> = kept.iter().map(|(_, r)| r.0).collect();
        let expires: Vec<i64> = kept.iter().map(|(_, r)| r.1).collect();
        let failures: Vec<bool> = kept.iter().map(|(_, r)| r.2).collect();
        let blobs: Vec<&[u8]> = kept.iter().map(|(_, r)| r.3.as_slice()).collect();
        let notices = notices(&released);
        let params: [&(dyn ToSql + Sync); 8] = [
            &urls, &fetched, &expires, &failures, &blobs, &owner, &released, &notices,
        ];
        if bounded(given_up, client.execute(&statement, &params))
            .await
            .is_err()
        {
            return;
        }
    }
}

/// The advisory lock of place `k` of `host`: the first eight bytes of a
/// SHA-256 over both, so it meets no other application's locks.
fn place_key(host: &str, k: usize) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("citecheck host place\0{host}\0{k}"));
    let bytes: [u8; 8] = digest[..8].try_into().unwrap_or_default();
    i64::from_le_bytes(bytes)
}

/// How long a place this process holds stays held once its request is
/// done, for the process's next request to the host: a busy host's
/// requests then take their places without a statement each.
const LINGER: Duration = Duration::from_millis(200);

/// What this process knows of a host's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Not held by this process (perhaps by another).
    Free,
    /// Held, and a request of this process uses it.
    Busy,
    /// Held, unused since the moment numbered so; let go after [`LINGER`].
    Idle(u64),
    /// Being let go, or held for good after a failed unlock (the server
    /// frees it when the connection closes).
    Leaving,
}

/// The places of every host as this process knows them, and a counter
/// that numbers the moments places go idle.
#[derive(Debug, Clone, Default)]
struct Places {
    hosts: Arc<Mutex<(u64, HostPlaces)>>,
}

/// Each host's places.
type HostPlaces = HashMap<String, Vec<Place>>;

impl Places {
    /// Run `f` over `host`'s places, `cap` of them at least.
    fn with<T>(&self, host: &str, cap: usize, f: impl FnOnce(&mut Vec<Place>, &mut u64) -> T) -> T {
        let mut hosts = self.hosts.lock();
        let (moment, hosts) = &mut *hosts;
        let places = hosts.entry(host.to_owned()).or_default();
        if places.len() < cap {
            places.resize(cap, Place::Free);
        }
        f(places, moment)
    }

    /// An idle place of `host`'s first `cap`, now busy; else those free.
    fn take_idle(&self, host: &str, cap: usize) -> Result<usize, Vec<usize>> {
        self.with(host, cap, |places, _| {
            if let Some(k) = (0..cap).find(|&k| matches!(places[k], Place::Idle(_))) {
                places[k] = Place::Busy;
                return Ok(k);
            }
            Err((0..cap).filter(|&k| places[k] == Place::Free).collect())
        })
    }

    /// Move place `k` of `host` from `from` to `to`; whether it was `from`.
    fn mark(&self, host: &str, k: usize, from: Place, to: Place) -> bool {
        self.with(host, k + 1, |places, _| {
            let was = places[k] == from;
            if was {
                places[k] = to;
            }
            was
        })
    }

    /// Place `k` of `host` is done with: idle, numbered.
    fn idle(&self, host: &str, k: usize) -> u64 {
        self.with(host, k + 1, |places, moment| {
            *moment += 1;
            places[k] = Place::Idle(*moment);
            *moment
        })
    }
}

/// A place of a host held by this process for one request; dropping it
/// leaves the place idle, and let go on the server after [`LINGER`]
/// unless another request of this process takes it first.
struct PlaceHeld {
    client: Arc<tokio_postgres::Client>,
    held: Places,
    wakes: Arc<Wakes>,
    host: String,
    place: usize,
}

impl Drop for PlaceHeld {
    fn drop(&mut self) {
        let (host, k) = (std::mem::take(&mut self.host), self.place);
        let moment = self.held.idle(&host, k);
        // This process's own requests waiting for the host take it now.
        let notice = place_notice(&host);
        self.wakes.wake(&notice);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime left: the connection goes with it, and the
            // server frees the lock.
            return;
        };
        let (client, held) = (self.client.clone(), self.held.clone());
        runtime.spawn(async move {
            tokio::time::sleep(LINGER).await;
            if !held.mark(&host, k, Place::Idle(moment), Place::Leaving) {
                return; // taken again meanwhile
            }
            let unlock = format!("SELECT pg_advisory_unlock($1), pg_notify('{CHANNEL}', $2)");
            let unlocked = tokio::time::timeout(
                STATEMENT_LIMIT,
                client.query(&unlock, &[&place_key(&host, k), &notice]),
            )
            .await;
            // Not unlocked: the place stays taken for this process (the
            // server frees it when the connection closes).
            if matches!(unlocked, Ok(Ok(_))) {
                held.mark(&host, k, Place::Leaving, Place::Free);
            }
        });
    }
}

/// The notice that a place of `host` was let go.
fn place_notice(host: &str) -> String {
    format!("place:{host}")
}

/// `keys` as notices: joined by newlines, each within [`NOTICE_MOST`]
/// bytes (a key longer than that is left out: its waiter asks again on
/// its timer).
fn notices(keys: &[&str]) -> Vec<String> {
    let mut notices: Vec<String> = Vec::new();
    for key in keys
        .iter()
        .filter(|k| k.len() <= NOTICE_MOST && !k.contains('\n'))
    {
        match notices.last_mut() {
            Some(last) if last.len() + 1 + key.len() <= NOTICE_MOST => {
                last.push('\n');
                last.push_str(key);
            }
            _ => notices.push((*key).to_owned()),
        }
    }
    notices
}

/// The waits of this process that the fleet's notices end, by key (a
/// page's URL, a host's `place:` notice).
#[derive(Default)]
struct Wakes {
    keys: Mutex<HashMap<String, std::sync::Weak<tokio::sync::Notify>>>,
}

impl Wakes {
    /// What a wait for `key` listens to (one for every waiter of the key).
    fn watch(&self, key: &str) -> Arc<tokio::sync::Notify> {
        let mut keys = self.keys.lock();
        if let Some(notify) = keys.get(key).and_then(std::sync::Weak::upgrade) {
            return notify;
        }
        // Keys no one waits for any more go when the table has doubled.
        if keys.len() >= 64 && keys.len().is_power_of_two() {
            keys.retain(|_, notify| notify.strong_count() > 0);
        }
        let notify = Arc::new(tokio::sync::Notify::new());
        keys.insert(key.to_owned(), Arc::downgrade(&notify));
        notify
    }

    /// End the waits for each key of a notice (keys one per line).
    fn wake(&self, notice: &str) {
        let keys = self.keys.lock();
        for key in notice.lines() {
            if let Some(notify) = keys.get(key).and_then(std::sync::Weak::upgrade) {
                notify.notify_waiters();
            }
        }
    }

    /// End every wait: the connection is gone, no notice will come.
    fn wake_all(&self) {
        for notify in self.keys.lock().values() {
            if let Some(notify) = notify.upgrade() {
                notify.notify_waiters();
            }
        }
    }
}

/// Drive the fleet's connection, handing each notice to `wakes`.
async fn listen<S, T>(mut connection: tokio_postgres::Connection<S, T>, wakes: Arc<Wakes>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            Some(Ok(tokio_postgres::AsyncMessage::Notification(notice))) => {
                wakes.wake(notice.payload());
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => {
                wakes.wake_all();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{Page, Response};
    use crate::settings::StoreLocation;
    use crate::verify::digest::PageRead;

    /// Two processes of a fleet whose waits end only by notice: no look
    /// without one for an hour.
    async fn two(url: &str) -> (Arc<Fleet>, Arc<Fleet>) {
        let interrupt = Arc::new(crate::interrupt::Interrupt::default());
        let mut fleet = Vec::new();
        for _ in 0..2 {
            let mut one = Fleet::connect(url, Duration::from_secs(3600), interrupt.clone())
                .await
                .unwrap();
            one.poll = Duration::from_secs(3600);
            fleet.push(Arc::new(one));
        }
        let second = fleet.pop().unwrap();
        (fleet.pop().unwrap(), second)
    }

    /// Until `fleet` has begun to wait (its first look found the page or
    /// the places taken).
    async fn waiting(fleet: &Fleet) {
        while fleet.looks.load(std::sync::atomic::Ordering::Relaxed) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// A process waiting for another's page gets its record when the
    /// other writes it, and one waiting for a host's place gets it when
    /// the other lets it go: told by `NOTIFY`, not by asking again.
    #[test]
    fn a_notice_ends_the_wait_for_a_page_and_for_a_place() {
        let url = crate::store::testing::new_pg_database();
        let location = StoreLocation::Postgres(url.clone());
        drop(crate::store::Store::open(&location).expect("the store opens"));
        let settings = CacheSettings {
            location,
            claim_ttl: Duration::from_secs(3600),
            ttl: Duration::from_secs(3600),
            failure_ttl: Duration::from_secs(3600),
            keep_history: Duration::from_secs(3600),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (a, b) = two(&url).await;
            let page_url = "http://page.test/1";
            assert!(matches!(
                a.claim(page_url, &settings, |_| true).await,
                Claim::Mine
            ));
            let wait = {
                let (b, settings) = (b.clone(), settings.clone());
                tokio::spawn(async move { b.claim(page_url, &settings, |_| true).await })
            };
            waiting(&b).await;
            let page = Page {
                result: Ok(Response {
                    status: 200,
                    ..Response::default()
                }),
                ..Page::new(&url::Url::parse(page_url).unwrap())
            };
            let read = PageRead {
                status: 200,
                ..PageRead::default()
            };
            assert!(a.publish(
                page_url,
                Some(CachedRef::new(&page, &read, None)),
                &settings
            ));
            a.flush().await;
            let claim = tokio::time::timeout(Duration::from_secs(120), wait)
                .await
                .expect("the notice ends the wait")
                .unwrap();
            assert!(
                matches!(claim, Claim::Theirs(ref p) if p.read.status == 200),
                "{claim:?}"
            );

            let held = a.place("host.test", 1).await.unwrap();
            let before = b.looks.load(std::sync::atomic::Ordering::Relaxed);
            let wait = {
                let b = b.clone();
                tokio::spawn(async move { b.place("host.test", 1).await.map(|p| p.place) })
            };
            while b.looks.load(std::sync::atomic::Ordering::Relaxed) == before {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            drop(held);
            let place = tokio::time::timeout(Duration::from_secs(120), wait)
                .await
                .expect("the notice ends the wait")
                .unwrap();
            assert_eq!(place, Ok(0));
        });
    }

    #[test]
    fn notices_hold_whole_keys_within_the_limit() {
        let long = "x".repeat(NOTICE_MOST - 1);
        let keys = ["a", "b", long.as_str(), "c", "c\nd"];
        let notices = notices(&keys);
        assert_eq!(notices, ["a\nb", long.as_str(), "c"]);
        assert!(notices.iter().all(|n| n.len() <= NOTICE_MOST));
        let too_long = "y".repeat(NOTICE_MOST + 1);
        assert!(super::notices(&[too_long.as_str()]).is_empty());
    }
}
