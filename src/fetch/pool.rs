//! Politeness: a cap on requests in flight per host, a minimum interval
//! between requests to one host, and a global cap. A host that answered
//! 429 keeps a longer interval for the rest of the run.
//!
//! Processes that share a store also share the per-host cap and interval
//! ([`SharedLimits`], which the store implements): a request takes its
//! place in this process first, then among the fleet's. When the shared
//! limits cannot be asked (the database is slow or gone), the process
//! keeps its own limits, never none.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Per-host limits held across several processes (the ones sharing a
/// store).
pub(crate) trait SharedLimits: Send + Sync + std::fmt::Debug {
    /// Wait for one of `cap` places for requests to `host` among every
    /// process sharing the limits, then until the shared schedule lets a
    /// request start (at least `interval` after the last one any of them
    /// started). The place is held until the returned value is dropped.
    /// `Err` when the limits could not be asked: the request goes on
    /// under this process's own limits.
    fn acquire<'a>(
        &'a self,
        host: &'a str,
        cap: usize,
        interval: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<SharedPlace, String>> + Send + 'a>>;
}

/// A place among the fleet's requests to a host; dropping it frees it.
pub(crate) struct SharedPlace {
    _held: Box<dyn std::any::Any + Send + Sync>,
}

impl SharedPlace {
    /// A place held by `held` until it is dropped.
    pub(crate) fn new(held: impl std::any::Any + Send + Sync) -> Self {
        Self {
            _held: Box::new(held),
        }
    }
}

impl std::fmt::Debug for SharedPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedPlace")
    }
}

/// One host's limits and schedule.
#[derive(Debug)]
struct Host {
    /// Requests in flight to this host.
    permits: Arc<Semaphore>,
    /// (earliest start of the next request, interval between requests).
    schedule: Mutex<(Instant, Duration)>,
    /// Why no request goes to the host again this run, once it asked to
    /// wait longer than the run will.
    given_up: Mutex<Option<String>>,
}

/// Per-host and global limits shared by every request of a run.
///
/// The host table and each host's schedule sit behind std `Mutex`es, not
/// tokio's: each is held only to look up or update a few words, never
/// across an `.await`, so a blocking lock is cheaper than an async one
/// and cannot stall the runtime. The waiting itself happens on the
/// semaphores and in `sleep_until`, outside any lock; the two locks are
/// never held at once (the table's guard is dropped before a schedule is
/// locked).
#[derive(Debug)]
pub(crate) struct Pool {
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    /// Requests in flight over all hosts.
    global: Arc<Semaphore>,
    host_concurrency: usize,
    host_interval: Duration,
    /// Hosts (and their subdomains) configured apart.
    overrides: super::Hosts,
    /// The limits shared with other processes, when there are any.
    shared: OnceLock<Arc<dyn SharedLimits>>,
}

/// Held while a request is in flight; dropping it frees its places.
#[derive(Debug)]
pub(crate) struct Permit {
    _host: OwnedSemaphorePermit,
    _shared: Option<SharedPlace>,
    _global: OwnedSemaphorePermit,
}

impl Pool {
    /// A pool with these limits (concurrencies of at least 1), and
    /// `overrides` for particular hosts and their subdomains.
    pub(crate) fn new(
        max_concurrency: usize,
        host_concurrency: usize,
        host_interval: Duration,
        overrides: super::Hosts,
    ) -> Self {
        Self {
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(max_concurrency.max(1))),
            host_concurrency: host_concurrency.max(1),
            host_interval,
            overrides,
            shared: OnceLock::new(),
        }
    }

    /// Hold every request to the limits `shared` with other processes
    /// too (once; a second call is ignored).
    pub(crate) fn share(&self, shared: Arc<dyn SharedLimits>) {
        let _ = self.shared.set(shared);
    }

    /// The cap and interval for a host.
    fn limits(&self, name: &str) -> (usize, Duration) {
        match self.overrides.get(name) {
            Some(s) => (
                s.concurrency.unwrap_or(self.host_concurrency).max(1),
                s.interval.unwrap_or(self.host_interval),
            ),
            None => (self.host_concurrency, self.host_interval),
        }
    }

    fn host(&self, name: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock();
        hosts
            .entry(name.to_owned())
            .or_insert_with(|| {
                let (concurrency, interval) = self.limits(name);
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(concurrency)),
                    schedule: Mutex::new((Instant::now(), interval)),
                    given_up: Mutex::new(None),
                })
            })
            .clone()
    }

    /// Wait for a place for a request to `host`: the host's cap first, then
    /// its place among the processes sharing the limits, then the host's
    /// next slot in its schedule, then the global cap last, so that a busy
    /// or slowed host never holds global places while it waits.
    pub(crate) async fn acquire(&self, host: &str) -> Permit {
        let state = self.host(host);
        // The semaphores are never closed, so acquiring cannot fail.
        let host_permit = state
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("host semaphore is never closed");
        let shared = match self.shared.get() {
            Some(shared) => {
                let (cap, interval) = self.limits(host);
                shared.acquire(host, cap, interval).await.ok()
            }
            None => None,
        };
        let start = {
            let mut schedule = state.schedule.lock();
            let start = schedule.0.max(Instant::now());
            schedule.0 = start + schedule.1;
            start
        };
        tokio::time::sleep_until(start).await;
        let global = self
            .global
            .clone()
            .acquire_owned()
            .await
            .expect("global semaphore is never closed");
        Permit {
            _host: host_permit,
            _shared: shared,
            _global: global,
        }
    }

    /// A host asked to wait longer than the run will (`why`): no request
    /// goes to it again this run.
    pub(crate) fn give_up(&self, host: &str, why: String) {
        let state = self.host(host);
        let mut given_up = state.given_up.lock();
        given_up.get_or_insert(why);
    }

    /// Why `host` was given up for this run, if it was.
    pub(crate) fn given_up(&self, host: &str) -> Option<String> {
        self.host(host).given_up.lock().clone()
    }

    /// A host answered 429: keep at least `interval` between its requests
    /// from now on, and start none before `pause` has passed.
    pub(crate) fn slow_down(&self, host: &str, interval: Duration, pause: Duration) {
        let state = self.host(host);
        let mut schedule = state.schedule.lock();
        schedule.1 = schedule.1.max(interval);
        schedule.0 = schedule.0.max(Instant::now() + pause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn interval_spaces_requests_to_one_host() {
        let pool = Arc::new(Pool::new(
            8,
            8,
            Duration::from_millis(100),
            Default::default(),
        ));
        let begin = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..3 {
            let _permit = pool.acquire("a.test").await;
            starts.push(begin.elapsed().as_millis());
        }
        assert_eq!(starts, [0, 100, 200]);
        // Another host is not held back.
        let _other = pool.acquire("b.test").await;
        assert_eq!(begin.elapsed().as_millis(), 200);
        pool.slow_down("a.test", Duration::from_secs(1), Duration::from_secs(5));
        let _late = pool.acquire("a.test").await;
        assert_eq!(begin.elapsed().as_millis(), 5200);
    }

    #[tokio::test(start_paused = true)]
    async fn configured_hosts_and_their_subdomains_get_their_own_limits() {
        let slow = super::super::HostSettings {
            concurrency: Some(1),
            interval: Some(Duration::from_millis(500)),
            ..Default::default()
        };
        let pool = Arc::new(Pool::new(
            8,
            4,
            Duration::ZERO,
            [("slow.test".to_owned(), slow)].into_iter().collect(),
        ));
        let begin = Instant::now();
        let first = pool.acquire("www.slow.test").await;
        let waiting =
            tokio::time::timeout(Duration::from_secs(1), pool.acquire("www.slow.test")).await;
        assert!(
            waiting.is_err(),
            "one request at a time to the configured host"
        );
        drop(first);
        let _second = pool.acquire("www.slow.test").await;
        assert!(begin.elapsed() >= Duration::from_millis(500));
        // Other hosts keep the general limits: four at once, no interval.
        let at = Instant::now();
        let _others: Vec<_> =
            futures_util::future::join_all((0..4).map(|_| pool.acquire("fast.test"))).await;
        assert_eq!(at.elapsed(), Duration::ZERO);
        assert!(!super::super::host_matches("notslow.test", "slow.test"));
    }

    #[tokio::test(start_paused = true)]
    async fn host_cap_holds() {
        let pool = Arc::new(Pool::new(8, 2, Duration::ZERO, Default::default()));
        let a = pool.acquire("a.test").await;
        let _b = pool.acquire("a.test").await;
        let waiting = tokio::time::timeout(Duration::from_secs(1), pool.acquire("a.test")).await;
        assert!(waiting.is_err(), "a third request must wait");
        drop(a);
        let third = tokio::time::timeout(Duration::from_secs(1), pool.acquire("a.test")).await;
        assert!(third.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn global_cap_holds_across_hosts() {
        let pool = Arc::new(Pool::new(2, 8, Duration::ZERO, Default::default()));
        let a = pool.acquire("a.test").await;
        let _b = pool.acquire("b.test").await;
        let waiting = tokio::time::timeout(Duration::from_secs(1), pool.acquire("c.test")).await;
        assert!(
            waiting.is_err(),
            "a third host must wait for a global place"
        );
        drop(a);
        let third = tokio::time::timeout(Duration::from_secs(1), pool.acquire("c.test")).await;
        assert!(third.is_ok());
    }
}
