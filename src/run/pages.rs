//! The fetch stage of a run: every distinct page fetched once and digested
//! for all that the memos ask of it, with the random-path probes that tell
//! soft 404s shared per host and parent path.

use super::{Pages, Stage};
use crate::config::Accept;
use crate::config::Config;
use crate::fetch::{Fetcher, Page};
use crate::store::{CachedPage, Store};
use crate::verify::digest::{self, Demand, Origin, PageDigest, PageRead};
use crate::verify::soft404::{self, ProbeFacts};
use rand::Rng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use url::Url;

/// Bodies from this size on are read on the blocking pool.
const LARGE_BODY: usize = 256 * 1024;

/// The run's network: one fetcher and the runtime it runs on.
pub(super) struct Network {
    pub(super) fetcher: Fetcher,
    pub(super) runtime: tokio::runtime::Runtime,
}

impl Network {
    pub(super) fn start(
        config: &Config,
        interrupt: &Arc<crate::interrupt::Interrupt>,
    ) -> Result<Self, String> {
        let fetcher = Fetcher::new(config.fetch.clone())
            .map_err(|e| e.to_string())?
            .with_interrupt(interrupt.clone());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        Ok(Self { fetcher, runtime })
    }

    /// Fetch every page of `demands` once and digest it for its demand,
    /// adding to `pages`; with a `store`, the pages fetched are stored.
    pub(super) fn fetch_pages(
        &self,
        config: &Config,
        demands: HashMap<Url, Demand>,
        mut pages: Pages,
        store: Option<&mut Store>,
    ) -> Pages {
        let now = crate::date::now();
        let stage = Stage::start(config, "URLs checked", demands.len());
        let probes = Arc::new(Probes::new(
            self.fetcher.clone(),
            Arc::new(config.accept.clone()),
        ));
        self.runtime.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            let mut hosts_of = HashMap::new();
            let mut schedule = Schedule::new(demands);
            // Tasks are made as room frees, not all at once: a waiting task
            // holds its whole future (kilobytes), which a run of 100,000
            // URLs cannot afford. The pool still bounds what is in flight;
            // the schedule keeps every host in play.
            let window = (config.fetch.max_concurrency * 4).max(64);
            let per_host = |host: &str| {
                crate::fetch::host_settings(&config.fetch.hosts, host)
                    .and_then(|h| h.concurrency)
                    .unwrap_or(config.fetch.host_concurrency)
                    .max(1)
                    * 4
            };
            let mut fetched = Vec::new();
            loop {
                while tasks.len() < window {
                    let Some((url, demand)) = schedule.next(&per_host) else {
                        break;
                    };
                    let host = host_of(&url);
                    let fetcher = self.fetcher.clone();
                    let accept = Arc::new(config.accept_for(&url).clone());
                    let probes = probes.clone();
                    let task = tasks.spawn(fetch_and_read(fetcher, probes, url, demand, accept));
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
                let Ok((_, Ok((url, page, digest, read)))) = joined else {
                    continue;
                };
                stage.advance(page.result.as_ref().map_or(true, |r| r.status >= 400));
                let interrupted = page
                    .result
                    .as_ref()
                    .is_err_and(|f| f.kind == crate::fetch::FailureKind::Interrupted);
                if store.is_some() && !interrupted {
                    let cached = CachedPage {
                        page: page.clone(),
                        read,
                    };
                    fetched.push((url.to_string(), cached));
                }
                pages.insert(url, Box::new((page, digest)));
            }
            if let (Some(store), Some(settings)) = (store, &config.cache) {
                // A cache that cannot be written costs the next run time,
                // never this run's results.
                let _ = store.put_all(&fetched, settings, now);
            }
        });
        pages
    }
}

/// Fetch one page and read it for its demand: the probe of its parent
/// path first (shared by the pages under it), so that no page waits for
/// it holding its body. `Err` gives back the URL when reading panicked.
async fn fetch_and_read(
    fetcher: Fetcher,
    probes: Arc<Probes>,
    url: Url,
    demand: Demand,
    accept: Arc<Accept>,
) -> Result<(Url, Page, PageDigest, PageRead), Url> {
    let probe = probes.of(&url).await;
    let page = fetcher.page(&url).await;
    let probe = probe.filter(|_| is_2xx_text(&page, &accept));
    // Reading a page is CPU work: a small one is read here, at once, so
    // its body is freed at once; a large one on the blocking pool, so the
    // I/O threads go on meanwhile.
    let (page, digest, read) = if body_size(&page) < LARGE_BODY {
        read_page(page, probe.as_deref(), &demand, &accept)
    } else {
        tokio::task::spawn_blocking(move || read_page(page, probe.as_deref(), &demand, &accept))
            .await
            .map_err(|_| url.clone())?
    };
    Ok((url, page, digest, read))
}

/// The host a page is scheduled under.
fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_owned()
}

/// Pages waiting for a task, queued by host and taken round-robin; a host
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
    config: &Config,
    demands: &mut HashMap<Url, Demand>,
) -> Pages {
    // Room for the pages fetched later too (see `run`).
    let mut pages = Pages::with_capacity(demands.len());
    let Some(settings) = &config.cache else {
        return pages;
    };
    let now = crate::date::now();
    let asked: Vec<(Url, Demand)> = demands.drain().collect();
    let urls: Vec<&str> = asked.iter().map(|(url, _)| url.as_str()).collect();
    let found = store.get_many(&urls, settings, now, |at, cached| {
        let (url, demand) = &asked[at];
        if demand.needs_text() && !cached.read.has_text() {
            return None;
        }
        let answer = digest::answer(&cached.read, demand, config.accept_for(url));
        Some(Box::new((cached.page, answer)))
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

/// Only a 2xx page with text can be a soft 404.
fn is_2xx_text(page: &Page, accept: &Accept) -> bool {
    page.result
        .as_ref()
        .is_ok_and(|r| accept.contains(r.status) && r.text.is_some())
}

fn body_size(page: &Page) -> usize {
    page.result.as_ref().map_or(0, |r| {
        r.text.as_ref().map_or(0, String::len) + r.pdf.as_ref().map_or(0, Vec::len)
    })
}

/// Read a fetched page once, answer its demand, then drop its body.
pub(super) fn read_page(
    mut page: Page,
    probe: Option<&ProbeFacts>,
    demand: &Demand,
    accept: &Accept,
) -> (Page, PageDigest, PageRead) {
    let (digest, read) = match &page.result {
        Ok(response) => {
            let origin = Origin {
                cited: &page.url,
                final_url: &page.final_url,
                probe,
            };
            let read = digest::read(response, Some(origin), demand.needs_text(), accept);
            (digest::answer(&read, demand, accept), read)
        }
        Err(_) => (PageDigest::default(), PageRead::default()),
    };
    if let Ok(response) = &mut page.result {
        response.text = None;
        response.pdf = None;
    }
    (page, digest, read)
}

type ProbeCell = Arc<tokio::sync::OnceCell<Option<Arc<ProbeFacts>>>>;

/// The random-path probes of a run: one per host and parent path, fetched
/// by the first page that needs it while the others wait for its answer.
struct Probes {
    fetcher: Fetcher,
    accept: Arc<Accept>,
    /// A std `Mutex`: held only to find or add a cell, never across an
    /// `.await` (the waiting is on the cell itself).
    cells: Mutex<HashMap<String, ProbeCell>>,
}

impl Probes {
    fn new(fetcher: Fetcher, accept: Arc<Accept>) -> Self {
        Self {
            fetcher,
            accept,
            cells: Mutex::new(HashMap::new()),
        }
    }

    /// What a made-up name beside `cited` gets, when it answers 2xx;
    /// `None` for a site's root, which is never a soft 404.
    async fn of(&self, cited: &Url) -> Option<Arc<ProbeFacts>> {
        let name: String = {
            let mut rng = rand::rng();
            (0..soft404::PROBE_NAME_LEN)
                .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
                .collect()
        };
        let url = soft404::probe_url(cited, &name)?;
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells.entry(soft404::probe_key(&url)).or_default().clone()
        };
        cell.get_or_init(|| async {
            let page = self.fetcher.page(&url).await;
            digest::probe_facts(&page, &self.accept).map(Arc::new)
        })
        .await
        .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
