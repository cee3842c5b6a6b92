//! The fetch stage of a run: every distinct page fetched once and digested
//! for all that the memos ask of it, with the random-path probes that tell
//! soft 404s shared per host and parent path.

use super::table::{Fetched, LARGE_BODY, Needs, Shared, Table};
use super::{Pages, Stage};
use crate::archive::Archives;
use crate::fetch::FetchSettings;
use crate::fetch::render::RenderSettings;
use crate::fetch::render::mode_at;
use crate::fetch::render::{RenderMode, Renderer};
use crate::fetch::{Failure, FailureKind, Fetcher};
use crate::interrupt::Interrupt;
use crate::settings::{Accept, CacheSettings};
use crate::store::fleet::{Claim, Claimed, Fleet};
use crate::store::{CachedPage, CachedRef, Store};
use crate::verify::digest::{self, Demand, Origin, PageDigest, PageRead, Rendering, TextNotKept};
use crate::verify::soft404::{self, Probe, ProbeFacts};
use parking_lot::Mutex;
use rand::Rng;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use url::Url;

/// The page text a run keeps, at most, for the approximate quote search
/// that waits until every page has been searched exactly.
const DEFERRED_BUDGET: usize = 64 * 1024 * 1024;

/// What the network needs to know: how pages are fetched and rendered,
/// which archives serve captures, where pages are cached (none offline),
/// which statuses are fine where a host has no list of its own, and
/// whether progress is shown.
#[derive(Clone, Copy)]
pub(super) struct NetworkSettings<'a> {
    pub(super) fetch: &'a FetchSettings,
    pub(super) render: &'a RenderSettings,
    pub(super) archives: &'a Archives,
    pub(super) cache: Option<&'a CacheSettings>,
    pub(super) accept: &'a Accept,
    pub(super) progress: bool,
}

impl NetworkSettings<'_> {
    /// The statuses that count as fine for `url`.
    fn accept_for(&self, url: &Url) -> &Accept {
        self.fetch.hosts.accept_for(url, self.accept)
    }

    /// Whether `url` is rendered in a browser.
    fn render_at(&self, url: &Url) -> RenderMode {
        mode_at(self.render.mode, self.archives, url)
    }
}

/// The run's network, started when a stage first needs it (a run that
/// the store answers whole starts none).
pub(super) struct LazyNetwork<'a> {
    settings: NetworkSettings<'a>,
    interrupt: &'a Arc<Interrupt>,
    started: Option<Network<'a>>,
}

impl<'a> LazyNetwork<'a> {
    /// A network to start with `settings` when it is first needed.
    pub(super) fn new(settings: NetworkSettings<'a>, interrupt: &'a Arc<Interrupt>) -> Self {
        Self {
            settings,
            interrupt,
            started: None,
        }
    }

    /// Its settings.
    pub(super) fn settings(&self) -> &NetworkSettings<'a> {
        &self.settings
    }

    /// The network, started now if it was not; `text_wanted` as in
    /// [`Network::start`] (used only by the start).
    pub(super) fn get(&mut self, text_wanted: HashSet<Url>) -> Result<&Network<'a>, String> {
        if self.started.is_none() {
            let network = Network::start(self.settings, self.interrupt, text_wanted)?;
            self.started = Some(network);
        }
        Ok(self.started.as_ref().expect("started above"))
    }

    /// The network, if a stage started it.
    pub(super) fn started(&self) -> Option<&Network<'a>> {
        self.started.as_ref()
    }
}

/// The run's network: one page table (and the fetcher behind it) and the
/// runtime it runs on. Every stage that fetches goes through the table, so
/// a URL is fetched once for the run whoever asks.
pub(super) struct Network<'a> {
    pub(super) settings: NetworkSettings<'a>,
    pub(super) table: Arc<Table>,
    pub(super) runtime: tokio::runtime::Runtime,
    /// This process's part in the fleet sharing a PostgreSQL store, when
    /// the run has one.
    fleet: Option<Arc<Fleet>>,
    /// Why the fleet could not be joined, if it could not.
    not_joined: Option<String>,
    /// Why the run's own network was down, when the fetch stage found it
    /// so ([`NetworkWatch`]).
    unreachable: Mutex<Option<String>>,
}

impl<'a> Network<'a> {
    /// Start the network; `text_wanted` are the cited pages whose demand
    /// needs their text (a chain that reads one keeps it).
    fn start(
        settings: NetworkSettings<'a>,
        interrupt: &Arc<Interrupt>,
        text_wanted: HashSet<Url>,
    ) -> Result<Self, String> {
        let mut fetcher = Fetcher::new(settings.fetch.clone())
            .map_err(|e| e.to_string())?
            .with_interrupt(interrupt.clone());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let (mut fleet, mut not_joined) = (None, None);
        if let Some(cache) = settings.cache
            && let crate::settings::StoreLocation::Postgres(url) = &cache.location
        {
            match runtime.block_on(Fleet::connect(url, cache.claim_ttl, interrupt.clone())) {
                Ok(joined) => {
                    let joined = Arc::new(joined);
                    fetcher = fetcher.with_shared_limits(joined.clone());
                    fleet = Some(joined);
                }
                Err(why) => {
                    not_joined = Some(format!("{why}: {}", crate::store::fleet::ALONE));
                }
            }
        }
        let renderer = (settings.render.mode != RenderMode::Never).then(|| {
            Renderer::new(
                settings.render.clone(),
                settings.fetch.allow_private,
                settings.archives.clone(),
            )
        });
        let shared = match (&fleet, settings.cache) {
            (Some(fleet), Some(cache)) => Some(Arc::new(Shared {
                fleet: Arc::clone(fleet),
                settings: cache.clone(),
            })),
            _ => None,
        };
        let table = Table::new(
            fetcher,
            text_wanted,
            settings.cache.is_some(),
            (settings.archives.clone(), renderer),
            shared,
        );
        Ok(Self {
            settings,
            table: Arc::new(table),
            runtime,
            fleet,
            not_joined,
            unreachable: Mutex::new(None),
        })
    }

    /// Why the run's own network was down, if the fetch stage found it so:
    /// the failures say nothing of the sites.
    pub(super) fn unreachable(&self) -> Option<String> {
        self.unreachable.lock().clone()
    }

    /// What the report should say of the fleet: it could not be joined,
    /// or it was given up during the run.
    pub(super) fn fleet_warning(&self) -> Option<String> {
        self.not_joined
            .clone()
            .or_else(|| self.fleet.as_ref()?.warning())
    }

    /// Fetch every page of `demands` once and digest it for its demand,
    /// adding to `pages`; with a `store`, the pages fetched (and the
    /// probes made) are stored. `arrivals` is told of each page as it
    /// lands in `pages` (of those already there first) and may take pages
    /// out, which the table then forgets.
    pub(super) fn fetch_pages(
        &self,
        demands: HashMap<Url, Demand>,
        mut pages: Pages,
        store: Option<&mut Store>,
        arrivals: &mut dyn Arrivals,
    ) -> Pages {
        let now = crate::date::now();
        let config = self.settings;
        let stage = Stage::start(config.progress, "URLs checked", demands.len());
        let probes = Arc::new(Probes::new(
            self.table.clone(),
            Arc::new(config.accept.clone()),
        ));
        if let (Some(store), Some(settings)) = (store.as_deref(), config.cache) {
            probes.seed(store.probes(&Probes::keys(demands.keys()), settings, now));
        }
        let shared = self.table.shared().cloned();
        let mut forget = Vec::new();
        let answered: Vec<Url> = pages.keys().cloned().collect();
        for url in answered {
            arrivals.arrived(&url, &mut pages, false, &mut forget);
        }
        let fetched = self.runtime.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            let mut hosts_of = HashMap::new();
            let mut schedule = Schedule::new(demands);
            // Tasks are made as room frees, not all at once: a waiting task
            // holds its whole future (kilobytes), which a run of 100,000
            // URLs cannot afford. The pool still bounds what is in flight;
            // the schedule keeps every host in play.
            let window = (config.fetch.max_concurrency * 4).max(64);
            let per_host = |host: &str| {
                config
                    .fetch
                    .hosts
                    .get(host)
                    .and_then(|h| h.concurrency)
                    .unwrap_or(config.fetch.host_concurrency)
                    .max(1)
                    * 4
            };
            let mut fetched = Vec::new();
            let mut deferred = DeferredTexts::default();
            let mut watch = NetworkWatch::default();
            loop {
                while tasks.len() < window {
                    let Some((url, demand)) = schedule.next(&per_host) else {
                        break;
                    };
                    let host = host_of(&url);
                    let accept = Arc::new(config.accept_for(&url).clone());
                    let render = config.render_at(&url);
                    let task = tasks.spawn(fetch_and_read(
                        self.table.clone(),
                        probes.clone(),
                        shared.clone(),
                        url,
                        demand,
                        (accept, render),
                    ));
                    hosts_of.insert(task.id(), host);
                }
                let Some(joined) = tasks.join_next_with_id().await else {
                    break;
                };
                let id = match &joined {
                    Ok((id, _)) => *id,
                    Err(e) => e.id(),
                };
                if let Some(host) = hosts_of.remove(&id) {
                    schedule.done(&host);
                }
                let Ok((_, (url, read_page))) = joined else {
                    continue;
                };
                let page = &read_page.fetched.page;
                stage.advance(page.result.as_ref().map_or(true, |r| r.status >= 400));
                watch.see(page);
                let storable = page.is_storable();
                let kept = self
                    .table
                    .release(&url)
                    .unwrap_or(read_page.fetched.clone());
                if store.is_some() && storable && read_page.stored != Stored::Theirs {
                    let published = read_page.stored == Stored::Published;
                    fetched.push((
                        url.to_string(),
                        read_page.fetched,
                        read_page.soft_404,
                        published,
                    ));
                }
                deferred.add(&url, &read_page.digest);
                pages.insert(url.clone(), Box::new((kept, read_page.digest)));
                deferred.bound(&mut pages);
                arrivals.arrived(&url, &mut pages, watch.answered, &mut forget);
                for done in forget.drain(..) {
                    self.table.forget(&done);
                }
            }
            // Every record published is in the store before the run goes
            // on (and before the process can end).
            if let Some(fleet) = &self.fleet {
                fleet.flush().await;
            }
            *self.unreachable.lock() = watch.down();
            fetched
        });
        let down = self.unreachable.lock().is_some();
        if let (Some(store), Some(settings)) = (store, config.cache) {
            // A cache that cannot be written costs the next run time,
            // never this run's results.
            // Pages already in the store (another process's, or
            // published as they were read) are not written again, unless
            // the fleet was given up before it had written them all.
            let fleet_lost = self.fleet.as_ref().is_some_and(|f| f.warning().is_some());
            let records: Vec<(&str, CachedRef<'_>)> = fetched
                .iter()
                .filter(|(.., published)| !published || fleet_lost)
                // A run whose network was down learnt nothing of the
                // sites it could not reach.
                .filter(|(_, fetched, ..)| !(down && fetched.page.result.is_err()))
                .map(|(url, fetched, soft_404, _)| {
                    (
                        url.as_str(),
                        CachedRef::new(&fetched.page, &fetched.read, soft_404.as_deref()),
                    )
                })
                .collect();
            let _ = store.put_all(&records, settings, now);
            if !down {
                let _ = store.put_probes(&probes.outcomes(), now);
            }
        }
        pages
    }
}

/// What is told of each page as it lands in the run's pages, so that
/// the memos citing it can be finished while the run goes on
/// (`run::finish`).
pub(super) trait Arrivals {
    /// `url` is in `pages` now. `answered`: some page has answered, so
    /// the run's network works (a verdict reached now is the one reached
    /// at the end). Pages no longer needed are taken out of `pages` and
    /// pushed on `forget`.
    fn arrived(&mut self, url: &Url, pages: &mut Pages, answered: bool, forget: &mut Vec<Url>);
}

/// What the fetches of a run say of its own network. It is down when not
/// one page answered and either the network itself failed
/// ([`FailureKind::Network`]) or every one of at least
/// [`DOWN_FROM_HOSTS`] hosts failed on the way alike (the same kind: every
/// connection refused, as through a dead proxy, or timed out; not every
/// name unknown, which a working resolver says of dead domains):
/// those failures say nothing of the sites, and are neither cached nor
/// reported as broken links.
#[derive(Default)]
struct NetworkWatch {
    answered: bool,
    /// The first failure of each host.
    failed: HashMap<String, Failure>,
}

/// The fewest hosts failing alike that say the run's network is down.
const DOWN_FROM_HOSTS: usize = 3;

impl NetworkWatch {
    fn see(&mut self, page: &crate::fetch::Page) {
        match &page.result {
            Ok(_) => self.answered = true,
            Err(failure) => {
                let host = page.url.host_str().unwrap_or_default().to_owned();
                self.failed.entry(host).or_insert_with(|| failure.clone());
            }
        }
    }

    /// Why the run's network was down, if it was.
    fn down(&self) -> Option<String> {
        if self.answered {
            return None;
        }
        let first = self.failed.values().next()?;
        let network = self
            .failed
            .values()
            .find(|f| f.kind == FailureKind::Network);
        // A name that does not exist is a working resolver's answer about
        // that site: a memo citing only dead domains is not offline.
        let alike = self.failed.len() >= DOWN_FROM_HOSTS
            && first.kind.is_connection()
            && first.kind != FailureKind::Dns
            && self.failed.values().all(|f| f.kind == first.kind);
        let why = network.or(alike.then_some(first))?;
        Some(format!(
            "the network could not be reached: every request failed before any answer \
             ({} host{}; {})",
            self.failed.len(),
            if self.failed.len() == 1 { "" } else { "s" },
            why.message
        ))
    }
}

/// The pages whose text is kept for the approximate quote search
/// ([`PageDigest::settle`]), oldest first. Texts no longer wanted (every
/// quote they were kept for found word for word since) are dropped
/// whenever the kept bytes have doubled since the last look (from
/// [`PRUNE_FROM`] on), so a run whose quotes are all found keeps little
/// and the looking costs a constant share of the adding. Held to
/// [`DEFERRED_BUDGET`]: over it, the oldest are settled at once (their
/// quotes searched approximately now, which only costs the time the
/// deferral would have saved).
struct DeferredTexts {
    urls: std::collections::VecDeque<Url>,
    bytes: usize,
    /// The kept bytes at which to look for texts no longer wanted (and
    /// settle the oldest beyond [`DEFERRED_BUDGET`]): never above it.
    next_prune: usize,
}

/// Below this many kept bytes of text nothing is pruned.
const PRUNE_FROM: usize = 4 * 1024 * 1024;

impl Default for DeferredTexts {
    fn default() -> Self {
        Self {
            urls: std::collections::VecDeque::new(),
            bytes: 0,
            next_prune: PRUNE_FROM,
        }
    }
}

impl DeferredTexts {
    fn add(&mut self, url: &Url, digest: &PageDigest) {
        let size = digest.deferred_size();
        if size > 0 {
            self.urls.push_back(url.clone());
            self.bytes += size;
        }
    }

    fn bound(&mut self, pages: &mut Pages) {
        if self.bytes <= self.next_prune {
            return;
        }
        let mut kept = std::collections::VecDeque::new();
        self.bytes = 0;
        for url in self.urls.drain(..) {
            if let Some(entry) = pages.get_mut(&url) {
                entry.1.prune();
                let size = entry.1.deferred_size();
                if size > 0 {
                    self.bytes += size;
                    kept.push_back(url);
                }
            }
        }
        while self.bytes > DEFERRED_BUDGET / 2 {
            let Some(url) = kept.pop_front() else { break };
            if let Some(entry) = pages.get_mut(&url) {
                self.bytes -= entry.1.deferred_size();
                entry.1.settle();
            }
        }
        self.urls = kept;
        self.next_prune = (2 * self.bytes).clamp(PRUNE_FROM, DEFERRED_BUDGET);
    }
}

/// Finish every page's quote checks ([`PageDigest::settle`]), the pages
/// shared among the machine's cores.
pub(super) fn settle(pages: &mut Pages) {
    let mut waiting: Vec<&mut PageDigest> = pages
        .values_mut()
        .map(|entry| &mut entry.1)
        .filter_map(|digest| {
            digest.prune();
            (digest.deferred_size() > 0).then_some(digest)
        })
        .collect();
    if waiting.is_empty() {
        return;
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let share = waiting.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for chunk in waiting.chunks_mut(share) {
            scope.spawn(move || chunk.iter_mut().for_each(|digest| digest.settle()));
        }
    });
}

/// Whether a page read for the run is in the store already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    /// No: the store gets it at the end of the stage.
    No,
    /// Another process's record (answered from it).
    Theirs,
    /// Published for the fleet as soon as it was read.
    Published,
}

/// A cited page fetched and read for its demand.
struct ReadPage {
    /// Whether it is in the store already.
    stored: Stored,
    /// The fetch, as the table gave it (its read whole).
    fetched: Arc<Fetched>,
    /// Why it is a soft 404 for the URL cited, if it is one.
    soft_404: Option<String>,
    /// Its demand answered.
    digest: PageDigest,
}

/// Fetch one page through the table and read it for its demand: the probe
/// of its parent path first (shared by the pages under it), so that no
/// page waits for it holding its body.
async fn fetch_and_read(
    table: Arc<Table>,
    probes: Arc<Probes>,
    shared: Option<Arc<Shared>>,
    url: Url,
    demand: Demand,
    (accept, render): (Arc<Accept>, RenderMode),
) -> (Url, ReadPage) {
    // Sharing a store: fetch the page only under a claim, or take the
    // record of the process that fetched it.
    let claimed = match &shared {
        Some(shared) => {
            let usable = |cached: &CachedPage| reusable(cached, &demand, &accept, render);
            match shared
                .fleet
                .claim(url.as_str(), &shared.settings, usable)
                .await
            {
                Claim::Theirs(cached) => {
                    let (fetched, digest) = answer_cached(*cached, &demand, &accept);
                    let read = ReadPage {
                        stored: Stored::Theirs,
                        fetched,
                        soft_404: None,
                        digest,
                    };
                    return (url, read);
                }
                Claim::Mine => true,
                Claim::Alone => false,
            }
        }
        None => false,
    };
    let probe = probes.of(&url).await;
    let needs = Needs::of(&demand, probe.is_some());
    let mut fetched = table.fetch(&url, needs).await;
    let soft_404 = match soft_404_of(&url, &fetched, probe.as_deref(), &accept) {
        Ok(evidence) => evidence,
        Err(TextNotKept) => {
            // Only a fetch joined too late to keep the text: the one case
            // the page is fetched again.
            fetched = table.fetch_alone(&url, Needs::text()).await;
            soft_404_of(&url, &fetched, probe.as_deref(), &accept).unwrap_or(None)
        }
    };
    let answer = {
        let fetched = fetched.clone();
        let soft_404 = soft_404.clone();
        move || {
            digest::answer_page(
                &fetched.page,
                &fetched.read,
                soft_404.as_deref(),
                &demand,
                &accept,
            )
        }
    };
    // Matching quotes is CPU work: on a large page it goes to the blocking
    // pool, so the I/O threads go on meanwhile.
    let digest = if text_size(&fetched.read) < LARGE_BODY {
        answer()
    } else {
        tokio::task::spawn_blocking(answer)
            .await
            .unwrap_or_default()
    };
    let mut stored = Stored::No;
    // A failure on the way is published only at the end of the stage,
    // once it is known not to be the run's own network's
    // ([`NetworkWatch`]).
    if let (Some(shared), true) = (&shared, claimed)
        && shared.publish(&url, &fetched, soft_404.as_deref())
    {
        stored = Stored::Published;
    }
    let read = ReadPage {
        stored,
        fetched,
        soft_404,
        digest,
    };
    (url, read)
}

/// Whether a stored page answers `demand` in this run: it holds what the
/// demand needs, and it was rendered if this run would render it.
fn reusable(cached: &CachedPage, demand: &Demand, accept: &Accept, render: RenderMode) -> bool {
    if !cached.read.answers(demand, accept) {
        return false;
    }
    // Read without rendering, in a run that would render it: render it.
    let rendered = matches!(cached.read.rendering, Some(Rendering::Rendered { .. }));
    rendered || !super::table::to_render(render, &cached.read)
}

/// A stored page's answer to `demand`: the fetch (its read dropped, the
/// answer holds what is needed) and the digest.
fn answer_cached(
    cached: CachedPage,
    demand: &Demand,
    accept: &Accept,
) -> (Arc<Fetched>, PageDigest) {
    let CachedPage {
        page,
        read,
        fetched_at,
    } = cached;
    let digest = digest::answer_page(&page, &read, read.soft_404.as_deref(), demand, accept);
    let fetched = Arc::new(Fetched {
        page,
        read: Arc::new(PageRead::default()),
        released: true,
        cached_at: Some(fetched_at),
    });
    (fetched, digest)
}

/// Why the page cited as `url`, fetched as `fetched`, is a soft 404.
fn soft_404_of(
    url: &Url,
    fetched: &Fetched,
    probe: Option<&ProbeFacts>,
    accept: &Accept,
) -> Result<Option<String>, TextNotKept> {
    let origin = Origin {
        cited: url,
        final_url: &fetched.page.final_url,
        probe,
    };
    digest::soft_404(&fetched.read, origin, accept)
}

fn text_size(read: &PageRead) -> usize {
    read.text().map_or(0, str::len)
}

/// The host a page is scheduled under.
fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_owned()
}

/// Pages waiting for a task, queued by host in citation order
/// ([`Demand::order`]) and taken round-robin; a host
/// with its share of tasks already made is passed over, so one slow host
/// neither starves the others nor fills the window with waiting tasks.
struct Schedule {
    queues: HashMap<String, std::collections::VecDeque<(Url, Demand)>>,
    order: std::collections::VecDeque<String>,
    running: HashMap<String, usize>,
}

impl Schedule {
    fn new(demands: HashMap<Url, Demand>) -> Self {
        let mut queues: HashMap<String, std::collections::VecDeque<(Url, Demand)>> = HashMap::new();
        let mut demands: Vec<(Url, Demand)> = demands.into_iter().collect();
        demands.sort_unstable_by_key(|(_, demand)| demand.order);
        for (url, demand) in demands {
            queues
                .entry(host_of(&url))
                .or_default()
                .push_back((url, demand));
        }
        let mut order: Vec<String> = queues.keys().cloned().collect();
        order.sort();
        Self {
            queues,
            order: order.into(),
            running: HashMap::new(),
        }
    }

    /// The next page to give a task, if any host has room.
    fn next(&mut self, cap: &dyn Fn(&str) -> usize) -> Option<(Url, Demand)> {
        for _ in 0..self.order.len() {
            let host = self.order.pop_front()?;
            let running = self.running.get(&host).copied().unwrap_or(0);
            let queue = self.queues.get_mut(&host)?;
            if running >= cap(&host) {
                self.order.push_back(host);
                continue;
            }
            let next = queue.pop_front();
            if queue.is_empty() {
                self.queues.remove(&host);
            } else {
                self.order.push_back(host.clone());
            }
            *self.running.entry(host).or_default() += 1;
            return next;
        }
        None
    }

    /// A task of `host` ended.
    fn done(&mut self, host: &str) {
        if let Some(n) = self.running.get_mut(host) {
            *n = n.saturating_sub(1);
        }
    }
}

/// Answer from the store every demand whose page is still fresh there
/// (with its text, when the demand needs it), taking those demands out.
pub(super) fn from_store(
    store: &Store,
    config: &NetworkSettings<'_>,
    demands: &mut HashMap<Url, Demand>,
) -> Pages {
    // Room for every page the run may hold at once, those fetched later
    // too: growing a table of 100,000 pages holds the old and the new.
    let mut pages = Pages::with_capacity(demands.len());
    let Some(settings) = config.cache else {
        return pages;
    };
    let now = crate::date::now();
    let asked: Vec<(Url, Demand)> = demands.drain().collect();
    let urls: Vec<&str> = asked.iter().map(|(url, _)| url.as_str()).collect();
    let found = store.get_many(&urls, settings, now, |at, cached| {
        let (url, demand) = &asked[at];
        let accept = config.accept_for(url);
        let render = config.render_at(url);
        reusable(&cached, demand, accept, render)
            .then(|| Box::new(answer_cached(cached, demand, accept)))
    });
    drop(urls);
    for ((url, demand), page) in asked.into_iter().zip(found) {
        match page {
            Some(page) => {
                pages.insert(url, page);
            }
            None => {
                demands.insert(url, demand);
            }
        }
    }
    pages
}

type ProbeCell = Arc<tokio::sync::OnceCell<Probe>>;

/// The random-path probes of a run: one per host and parent path, fetched
/// through the page table by the first page that needs it while the
/// others wait for its answer, or taken from the store.
struct Probes {
    table: Arc<Table>,
    accept: Arc<Accept>,
    /// A std `Mutex`: held only to find or add a cell, never across an
    /// `.await` (the waiting is on the cell itself).
    cells: Mutex<HashMap<String, ProbeCell>>,
}

impl Probes {
    fn new(table: Arc<Table>, accept: Arc<Accept>) -> Self {
        Self {
            table,
            accept,
            cells: Mutex::new(HashMap::new()),
        }
    }

    /// The probe keys (host and parent path) of these pages.
    fn keys<'a>(urls: impl Iterator<Item = &'a Url>) -> Vec<String> {
        let mut keys: Vec<String> = urls
            .filter_map(|url| soft404::probe_url(url, "x"))
            .map(|probe| soft404::probe_key(&probe))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Take probes the store still holds: they are not made again.
    fn seed(&self, stored: Vec<(String, Probe)>) {
        let mut cells = self.cells.lock();
        for (key, mut probe) in stored {
            probe.kept_out_of_store = true;
            let cell = tokio::sync::OnceCell::new_with(Some(probe));
            cells.insert(key, Arc::new(cell));
        }
    }

    /// Every probe made this run (not those taken from the store), by key.
    fn outcomes(&self) -> Vec<(String, Probe)> {
        let cells = self.cells.lock();
        cells
            .iter()
            .filter_map(|(key, cell)| Some((key.clone(), cell.get()?.clone())))
            .filter(|(_, probe)| !probe.kept_out_of_store)
            .collect()
    }

    /// What a made-up name beside `cited` gets, when it answers 2xx;
    /// `None` for a site's root, which is never a soft 404.
    async fn of(&self, cited: &Url) -> Option<Arc<ProbeFacts>> {
        // An archive answers for what it holds, not as a site does: its
        // captures have no soft 404s to probe for.
        if self.table.is_capture(cited) {
            return None;
        }
        let name: String = {
            let mut rng = rand::rng();
            (0..soft404::PROBE_NAME_LEN)
                .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
                .collect()
        };
        let url = soft404::probe_url(cited, &name)?;
        let key = soft404::probe_key(&url);
        let cell = {
            let mut cells = self.cells.lock();
            cells.entry(key.clone()).or_default().clone()
        };
        cell.get_or_init(|| async {
            // Sharing a store: one process of the fleet makes each probe,
            // the others take its record.
            let Some(shared) = self.table.shared() else {
                return self.make(&url).await;
            };
            match shared.fleet.claim_probe(&key, &shared.settings).await {
                Claimed::Theirs(mut probe) => {
                    probe.kept_out_of_store = true;
                    probe
                }
                Claimed::Mine => {
                    let mut probe = self.make(&url).await;
                    // A failure may be this run's own network: the claim
                    // goes, the failure is not published.
                    let publish = Probe {
                        kept_out_of_store: probe.kept_out_of_store || probe.failed,
                        ..probe.clone()
                    };
                    if shared.fleet.publish_probe(&key, &publish).await {
                        probe.kept_out_of_store = true;
                    }
                    probe
                }
                Claimed::Alone => self.make(&url).await,
            }
        })
        .await
        .facts
        .clone()
    }

    /// Fetch the probe `url` through the table and read it.
    async fn make(&self, url: &Url) -> Probe {
        let fetched = self.table.fetch(url, Needs::text()).await;
        Probe {
            facts: digest::probe_facts(&fetched.page, &fetched.read, &self.accept).map(Arc::new),
            failed: fetched.page.result.is_err(),
            // An interrupted or given-up probe says nothing of the site.
            kept_out_of_store: !fetched.page.is_storable(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which failures say the run's own network is down: not one answer,
    /// and the network itself failing, or three hosts failing alike on
    /// the way; never names a working resolver says do not exist.
    #[test]
    fn the_network_is_down_only_when_every_host_fails_alike_and_none_answers() {
        let watch = |failures: &[(&str, FailureKind)], answered: bool| {
            let mut watch = NetworkWatch::default();
            for (host, kind) in failures {
                let mut page =
                    crate::fetch::Page::new(&Url::parse(&format!("http://{host}/")).unwrap());
                page.result = Err(Failure {
                    kind: *kind,
                    message: format!("{kind:?}"),
                });
                watch.see(&page);
            }
            if answered {
                let mut page = crate::fetch::Page::new(&Url::parse("http://up.test/").unwrap());
                page.result = Ok(crate::fetch::Response::default());
                watch.see(&page);
            }
            watch.down()
        };
        use FailureKind::{Dns, Network, Refused, Timeout};
        let refused = [
            ("a.test", Refused),
            ("b.test", Refused),
            ("c.test", Refused),
        ];
        let why = watch(&refused, false).unwrap();
        assert!(why.contains("3 hosts") && why.contains("Refused"), "{why}");
        assert_eq!(watch(&refused, true), None, "one answer: the network works");
        assert_eq!(watch(&refused[..2], false), None, "two hosts say little");
        let unknown = [("a.test", Dns), ("b.test", Dns), ("c.test", Dns)];
        assert_eq!(
            watch(&unknown, false),
            None,
            "dead domains, a working resolver"
        );
        let mixed = [
            ("a.test", Refused),
            ("b.test", Timeout),
            ("c.test", Refused),
        ];
        assert_eq!(watch(&mixed, false), None);
        assert!(watch(&[("a.test", Network)], false).is_some());
    }

    #[test]
    fn the_schedule_takes_hosts_in_turn_and_holds_back_a_full_one() {
        let mut demands = HashMap::new();
        for i in 0..6 {
            demands.insert(
                Url::parse(&format!("http://slow.test/{i}")).unwrap(),
                Demand::default(),
            );
        }
        demands.insert(Url::parse("http://a.test/1").unwrap(), Demand::default());
        demands.insert(Url::parse("http://b.test/1").unwrap(), Demand::default());
        let mut schedule = Schedule::new(demands);
        let cap = |_: &str| 2;
        let mut taken = Vec::new();
        while let Some((url, _)) = schedule.next(&cap) {
            taken.push(url.host_str().unwrap().to_owned());
        }
        assert_eq!(taken, ["a.test", "b.test", "slow.test", "slow.test"]);
        // Room again once one of its tasks ends.
        schedule.done("slow.test");
        assert_eq!(schedule.next(&cap).unwrap().0.host_str(), Some("slow.test"));
        assert!(schedule.next(&cap).is_none());
    }

    #[test]
    fn each_host_s_pages_are_taken_in_citation_order() {
        // Cited in this order, across two hosts; a hash map holds them.
        let cited = [
            "http://a.test/9",
            "http://b.test/3",
            "http://a.test/1",
            "http://b.test/7",
            "http://a.test/5",
        ];
        let demands: HashMap<Url, Demand> = cited
            .iter()
            .enumerate()
            .map(|(order, url)| {
                let demand = Demand {
                    order,
                    ..Demand::default()
                };
                (Url::parse(url).unwrap(), demand)
            })
            .collect();
        let mut schedule = Schedule::new(demands);
        let mut taken = Vec::new();
        while let Some((url, _)) = schedule.next(&|_: &str| usize::MAX) {
            taken.push(url.to_string());
        }
        assert_eq!(
            taken,
            [
                "http://a.test/9",
                "http://b.test/3",
                "http://a.test/1",
                "http://b.test/7",
                "http://a.test/5"
            ]
        );
    }
}
