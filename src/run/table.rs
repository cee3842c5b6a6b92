//! The run's page table: every URL is fetched at most once per run,
//! whoever asks for it: a cited page, a redirect hop that lands on a page
//! another task is fetching or has fetched, a soft-404 probe, an archive's
//! answer or one of its captures.
//!
//! A fetch follows its redirects hop by hop through the table. A hop that
//! lands on a URL another task is fetching joins that fetch (saying, before
//! the page is read, whether it needs its text) and waits for it; one that
//! lands on a URL already fetched takes that fetch. The final response is
//! read once (`verify::digest::read`), keeping its text when any asker
//! needs it or when the URL is a cited page whose demand needs it (known
//! before the run starts), and every URL of the chain gets the fetch from
//! itself on. A fetch whose text was not kept is made again only for a
//! late asker that needs the text, the one case a second request is made.
//!
//! A site's home page is read with its text whoever asks first and keeps
//! it (the redirects of a site's dead pages land there), and the last
//! pages released keep their whole read for a while
//! ([`KEPT_AFTER_RELEASE`]), so a redirect that lands on a page already
//! read takes it in a run without the cache too.
//!
//! Two chains that redirect into each other would wait for each other: a
//! join that would close such a circle is not made, and the task fetches
//! the URL itself (and finds the loop).

use crate::archive::Archives;
use crate::fetch::render::{RenderMode, Renderer, Served};
use crate::fetch::{Answer, Failure, Fetcher, Page, Response, follow_hop};
use crate::settings::CacheSettings;
use crate::store::fleet::{Claim, Fleet};
use crate::store::{CachedPage, CachedRef};
use crate::verify::digest::{self, PageRead, Rendering};
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::watch;
use url::Url;

/// A fetch as the table gives it to every URL of its chain.
#[derive(Debug)]
pub(super) struct Fetched {
    /// The fetch from this URL on (hops, where they ended, the final
    /// response without its body).
    pub(super) page: Page,
    /// The final response read once, for no cited URL in particular (no
    /// soft-404 evidence); the default for a fetch that failed.
    pub(super) read: Arc<PageRead>,
    /// Whether its anchors and text were dropped once its cited page had
    /// its answer (without the cache, to keep a large run's memory down).
    pub(super) released: bool,
    /// When it was fetched, if a run before this one did (it comes from
    /// the store; Unix seconds).
    pub(super) cached_at: Option<i64>,
}

impl Fetched {
    /// A stored record's fetch (another process's, or an earlier run's).
    fn from_cached(cached: CachedPage) -> Self {
        Self {
            page: cached.page,
            read: Arc::new(cached.read),
            released: false,
            cached_at: Some(cached.fetched_at),
        }
    }

    /// Whether this fetch serves an asker that needs the page's text (or
    /// its anchors, which a released entry no longer has).
    pub(super) fn serves(&self, needs: Needs) -> bool {
        let failed = self.page.result.is_err() || self.read.unreadable.is_some();
        failed || (!needs.text || self.read.has_text()) && (!needs.anchors || !self.released)
    }
}

/// What an asker needs of the final page beyond its status, title and
/// heading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Needs {
    /// Its visible text (quotes, text fragments, the soft-404 probe).
    pub(super) text: bool,
    /// Its anchors (element fragments).
    pub(super) anchors: bool,
}

impl Needs {
    /// What answering `demand` needs, and the text besides when `probe`.
    pub(super) fn of(demand: &crate::verify::digest::Demand, probe: bool) -> Self {
        Self {
            text: demand.needs_text() || probe,
            anchors: demand
                .fragments
                .iter()
                .any(|f| matches!(f, crate::model::Fragment::Anchor { .. })),
        }
    }

    /// Only the text.
    pub(super) fn text() -> Self {
        Self {
            text: true,
            anchors: false,
        }
    }
}

/// A URL being fetched: who owns the fetch, whether its joiners need the
/// text (closed once the page is read), and the fetch when it is done.
#[derive(Debug)]
struct Slot {
    owner: u64,
    needs_text: Mutex<Option<bool>>,
    done: watch::Receiver<Option<Arc<Fetched>>>,
}

#[derive(Debug)]
enum Entry {
    Pending(Arc<Slot>),
    Done(Arc<Fetched>),
}

/// The table's state, under one lock: entries, and which chain waits for
/// which URL (to refuse joins that would close a circle).
#[derive(Debug, Default)]
struct State {
    entries: HashMap<Url, Entry>,
    waits: HashMap<u64, Url>,
    /// The last pages released whole, newest last, within
    /// [`KEPT_AFTER_RELEASE`] bytes of text: a redirect that lands on one
    /// of them later (a dead page sent to the site's home page, which the
    /// memo cites too) takes it instead of fetching it again.
    kept: std::collections::VecDeque<(Url, Arc<Fetched>)>,
    kept_bytes: usize,
}

/// Whether `url` is its site's home page (`/`, no query).
fn is_home(url: &Url) -> bool {
    url.path() == "/" && url.query().is_none()
}

/// How much page text the table keeps after release, for redirects that
/// land on released pages: the pages of one host are fetched together,
/// so the pages a host's redirects land on are among its last ones.
const KEPT_AFTER_RELEASE: usize = 512 << 10;

/// The bytes a kept read holds (its text, the script-built text, its
/// anchors).
fn weight(read: &PageRead) -> usize {
    read.facts.as_ref().map_or(0, |f| {
        f.text.as_ref().map_or(0, String::capacity)
            + f.script_text.as_ref().map_or(0, String::capacity)
            + f.anchors.joined().len()
    })
}

/// The fleet of processes sharing a PostgreSQL store, and the settings
/// its records are kept and read under: every page a chain fetches, cited
/// or a redirect's hop, is fetched under a claim by one process.
pub(super) struct Shared {
    pub(super) fleet: Arc<Fleet>,
    pub(super) settings: CacheSettings,
}

impl Shared {
    /// Publish the page fetched under this process's claim of `url` (with
    /// its soft-404 evidence) and let the claim go; whether a record was
    /// published. A failure on the way says nothing of the page (it may be
    /// the run's own network): the claim is let go unstored.
    pub(super) fn publish(&self, url: &Url, fetched: &Fetched, soft_404: Option<&str>) -> bool {
        let on_the_way = fetched
            .page
            .result
            .as_ref()
            .is_err_and(|f| f.kind.is_connection());
        let record = (fetched.page.is_storable() && !on_the_way)
            .then(|| CachedRef::new(&fetched.page, &fetched.read, soft_404));
        self.fleet.publish(url.as_str(), record, &self.settings)
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared")
    }
}

/// Every URL fetched in a run, by URL without fragment.
#[derive(Debug)]
pub(super) struct Table {
    fetcher: Fetcher,
    /// Whether reads are kept whole (the cache stores them) rather than
    /// released once their cited page is answered.
    keep_reads: bool,
    /// Cited pages whose demand needs the text: any chain that reads them
    /// keeps it.
    text_wanted: HashSet<Url>,
    /// The archives: Wayback captures, cited as people view them, are fetched
    /// raw (without its toolbar and rewriting), as the archive stage reads
    /// them: a link `citecheck fix` wrote is checked as a capture.
    archives: Archives,
    /// The browser pages built by scripts are rendered in (`--render`).
    renderer: Option<Renderer>,
    /// The fleet the run shares its store with, if it does.
    shared: Option<Arc<Shared>>,
    /// A std `Mutex`: held to look up or change an entry, never across an
    /// `.await` (waiting is on each slot's channel).
    state: Mutex<State>,
    chains: AtomicU64,
}

/// What a chain does at a URL.
enum Step {
    /// Fetch it: the chain owns it now (the sender publishes its fetch).
    Own(watch::Sender<Option<Arc<Fetched>>>),
    /// Wait for the chain that is fetching it.
    Join(Arc<Slot>),
    /// Take the fetch already made.
    Take(Arc<Fetched>),
    /// Fetch it without the table (a late asker the fetch made cannot
    /// serve, or a join that would close a circle).
    Alone,
}

impl Table {
    /// An empty table fetching with `fetcher`; `text_wanted` are the cited
    /// pages whose demand needs their text.
    pub(super) fn new(
        fetcher: Fetcher,
        text_wanted: HashSet<Url>,
        keep_reads: bool,
        (archives, renderer): (Archives, Option<Renderer>),
        shared: Option<Arc<Shared>>,
    ) -> Self {
        Self {
            fetcher,
            keep_reads,
            text_wanted,
            archives,
            renderer,
            shared,
            state: Mutex::new(State::default()),
            chains: AtomicU64::new(1),
        }
    }

    /// The fetcher, for calls that are not page fetches (an archive's
    /// API).
    pub(super) fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// The fleet the run shares its store with, if it does.
    pub(super) fn shared(&self) -> Option<&Arc<Shared>> {
        self.shared.as_ref()
    }

    /// Whether `url` is a capture of the run's archive, cited as people
    /// view it (it is fetched raw).
    pub(super) fn is_capture(&self, url: &Url) -> bool {
        self.archives.is_capture(url)
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, State> {
        self.state.lock()
    }

    /// The fetch of `url` (a URL without fragment), made once for the run:
    /// made here, joined, or taken. `needs_text`: the asker needs the final
    /// page's visible text.
    pub(super) async fn fetch(&self, url: &Url, needs: Needs) -> Arc<Fetched> {
        let chain = self.chains.fetch_add(1, Ordering::Relaxed);
        let fetched = self.chain(chain, url, needs, false).await;
        self.lock().waits.remove(&chain);
        fetched
    }

    /// Fetch `url` again, whatever the table holds (an asker the fetch
    /// made could not serve); the table keeps what it had.
    pub(super) async fn fetch_alone(&self, url: &Url, needs: Needs) -> Arc<Fetched> {
        let chain = self.chains.fetch_add(1, Ordering::Relaxed);
        self.chain(chain, url, needs, true).await
    }

    /// A cited page has its answer: without the cache, its entry drops the
    /// anchors and text (the title and heading stay, for the soft-404
    /// rules of pages that redirect to it). The entry as it now is.
    pub(super) fn release(&self, url: &Url) -> Option<Arc<Fetched>> {
        let mut state = self.lock();
        let Some(Entry::Done(fetched)) = state.entries.get(url) else {
            return None;
        };
        // A home page keeps its read (one per host): dead pages' redirects
        // land there.
        if self.keep_reads || fetched.released || is_home(url) {
            return Some(fetched.clone());
        }
        // Only the small fields are copied: the anchors and text stay
        // behind with the whole read, which is dropped with its last user.
        let whole = &fetched.read;
        let read = PageRead {
            status: whole.status,
            truncated: whole.truncated,
            facts: whole
                .facts
                .as_ref()
                .map(|f| crate::verify::page::PageFacts {
                    html: f.html,
                    anchors: Default::default(),
                    title: f.title.clone(),
                    heading: f.heading.clone(),
                    text: None,
                    script_built: f.script_built,
                    script_text: None,
                    people: None,
                }),
            unreadable: whole.unreadable.clone(),
            challenge: whole.challenge.clone(),
            soft_404: whole.soft_404.clone(),
            rendering: whole.rendering.clone(),
        };
        let released = Arc::new(Fetched {
            page: fetched.page.clone(),
            read: Arc::new(read),
            released: true,
            cached_at: fetched.cached_at,
        });
        let whole = weight(&fetched.read);
        if whole <= KEPT_AFTER_RELEASE {
            let whole_fetch = fetched.clone();
            state.kept.push_back((url.clone(), whole_fetch));
            state.kept_bytes += whole;
            while state.kept_bytes > KEPT_AFTER_RELEASE {
                let Some((_, old)) = state.kept.pop_front() else {
                    break;
                };
                state.kept_bytes -= weight(&old.read);
            }
        }
        state
            .entries
            .insert(url.clone(), Entry::Done(released.clone()));
        Some(released)
    }

    /// Every memo citing `url` is done with it: its entry goes (but for a
    /// site's home page, where dead pages' redirects land, and in a run
    /// with the cache, which keeps every read until the store writes
    /// them anyway), so the table holds the pages in flight rather than
    /// every page of the run. A chain that lands on it later takes its
    /// whole read if it is still among the last kept, and fetches it
    /// again otherwise.
    pub(super) fn forget(&self, url: &Url) {
        if self.keep_reads || is_home(url) {
            return;
        }
        let mut state = self.lock();
        if matches!(state.entries.get(url), Some(Entry::Done(_))) {
            state.entries.remove(url);
        }
    }

    /// What the chain `chain` does at `url`.
    fn step(&self, chain: u64, url: &Url, needs: Needs) -> Step {
        let mut state = self.lock();
        match state.entries.get(url) {
            Some(Entry::Done(fetched)) if fetched.serves(needs) => {
                return Step::Take(fetched.clone());
            }
            Some(Entry::Done(_)) => {
                // Released: its whole read may still be kept.
                let kept = state.kept.iter().rev().find(|(kept, _)| kept == url);
                return match kept {
                    Some((_, whole)) if whole.serves(needs) => Step::Take(whole.clone()),
                    _ => Step::Alone,
                };
            }
            Some(Entry::Pending(slot)) => {
                if closes_circle(&state, chain, slot.owner) {
                    return Step::Alone;
                }
                let mut joiners = slot.needs_text.lock();
                // Once it is being read (`None`), it serves only those who
                // need no text or whose text it keeps; they find out when
                // it is done.
                if let Some(wanted) = joiners.as_mut() {
                    *wanted |= needs.text;
                }
                drop(joiners);
                let slot = slot.clone();
                state.waits.insert(chain, url.clone());
                return Step::Join(slot);
            }
            None => {
                // Forgotten once its memos were done: its whole read may
                // still be kept.
                let kept = state.kept.iter().rev().find(|(kept, _)| kept == url);
                if let Some((_, whole)) = kept.filter(|(_, whole)| whole.serves(needs)) {
                    return Step::Take(whole.clone());
                }
            }
        }
        let (sender, receiver) = watch::channel(None);
        let slot = Slot {
            owner: chain,
            needs_text: Mutex::new(Some(false)),
            done: receiver,
        };
        state
            .entries
            .insert(url.clone(), Entry::Pending(Arc::new(slot)));
        Step::Own(sender)
    }

    /// Follow `url`'s chain: each hop through the table.
    async fn chain(&self, chain: u64, url: &Url, needs: Needs, alone: bool) -> Arc<Fetched> {
        let mut page = Page::new(url);
        let mut visited = HashSet::from([url.clone()]);
        // The URLs this chain owns, with their publishers and the requests
        // made and hops taken before each.
        let mut owned: Vec<Owned> = Vec::new();
        let mut alone = alone;
        let outcome: Result<Response, Failure> = loop {
            let here = page.final_url.clone();
            if !alone {
                match self.step(chain, &here, needs) {
                    Step::Own(sender) => {
                        // A redirect's hop is claimed in the fleet like a
                        // cited page (the cited page's own claim is its
                        // asker's): another process's record is taken.
                        let claim = match &self.shared {
                            Some(shared) if here != *url => {
                                let usable =
                                    |cached: &CachedPage| !needs.text || cached.read.has_text();
                                shared
                                    .fleet
                                    .claim(here.as_str(), &shared.settings, usable)
                                    .await
                            }
                            _ => Claim::Alone,
                        };
                        let mine = matches!(claim, Claim::Mine);
                        owned.push((here.clone(), sender, page.requests, page.hops.len(), mine));
                        if let Claim::Theirs(cached) = claim {
                            let fetched = Fetched::from_cached(*cached);
                            return self.finish_with(page, owned, &fetched);
                        }
                    }
                    Step::Take(fetched) => return self.finish_with(page, owned, &fetched),
                    Step::Join(slot) => match self.wait(slot, needs).await {
                        Some(fetched) => return self.finish_with(page, owned, &fetched),
                        None if self.fetcher.interrupt().is_requested() => {
                            break Err(Failure::interrupted());
                        }
                        None => alone = true,
                    },
                    Step::Alone => alone = true,
                }
            }
            let raw = self.archives.raw_capture(&here);
            let asked = raw.as_ref().unwrap_or(&here);
            let answer = tokio::select! {
                answer = self.fetcher.request(asked, &mut page.requests) => answer,
                () = self.fetcher.interrupt().abandoned() => Err(Failure::interrupted()),
            };
            match answer {
                Ok(Answer::Final(response)) => break Ok(response),
                Ok(Answer::Redirect { status, location }) => {
                    let max = self.fetcher.settings().max_redirects;
                    if let Err(failure) =
                        follow_hop(&mut page, &mut visited, (status, location), max)
                    {
                        break Err(failure);
                    }
                }
                Err(failure) => break Err(failure),
            }
        };
        self.finish(page, owned, outcome, needs.text).await
    }

    /// Wait for a joined fetch; `None` when its chain was given up (an
    /// interrupt, a panic) or it cannot serve this asker.
    async fn wait(&self, slot: Arc<Slot>, needs: Needs) -> Option<Arc<Fetched>> {
        let mut done = slot.done.clone();
        drop(slot);
        let fetched = tokio::select! {
            waited = done.wait_for(Option::is_some) => waited.ok()?.clone()?,
            () = self.fetcher.interrupt().abandoned() => return None,
        };
        fetched.serves(needs).then_some(fetched)
    }

    /// The chain ended with `outcome`: read the final response once, then
    /// publish the fetch for every URL the chain owns.
    async fn finish(
        &self,
        mut page: Page,
        owned: Vec<Owned>,
        outcome: Result<Response, Failure>,
        needs_text: bool,
    ) -> Arc<Fetched> {
        // Close the joins: whoever joined by now is read for.
        // A site's home page is where its dead pages' redirects land: its
        // text is kept for them whoever asked first (one page per host).
        let mut wants_text =
            needs_text || self.text_wanted.contains(&page.final_url) || is_home(&page.final_url);
        {
            let state = self.lock();
            for (url, ..) in &owned {
                if let Some(Entry::Pending(slot)) = state.entries.get(url) {
                    let mut joiners = slot.needs_text.lock();
                    wants_text |= joiners.take().unwrap_or(false);
                }
                wants_text |= self.text_wanted.contains(url);
            }
        }
        // Reading a page is CPU work: a small one is read here, at once, so
        // its body is freed at once; a large one on the blocking pool, so
        // the I/O threads go on meanwhile. The body of a page that is to be
        // rendered is kept for the browser (it is not fetched again).
        let mode = self
            .renderer
            .as_ref()
            .map_or(RenderMode::Never, |r| r.mode_for(&page.final_url));
        let read_once = move |mut response: Response| {
            let read = digest::read(&response, wants_text);
            let body = if to_render(mode, &read) {
                response.text.take()
            } else {
                None
            };
            (read, response.without_body(), body)
        };
        let (read, outcome, body) = match outcome {
            Ok(response) if body_size(&response) >= LARGE_BODY => {
                match tokio::task::spawn_blocking(move || read_once(response)).await {
                    Ok((read, response, body)) => (read, Ok(response), body),
                    Err(_) => (
                        PageRead::default(),
                        Err(Failure {
                            kind: crate::fetch::FailureKind::Other,
                            message: "the page could not be read".to_owned(),
                        }),
                        None,
                    ),
                }
            }
            Ok(response) => {
                let (read, response, body) = read_once(response);
                (read, Ok(response), body)
            }
            Err(failure) => (PageRead::default(), Err(failure), None),
        };
        let read = match (&self.renderer, body) {
            (Some(renderer), Some(body)) => {
                let served = Served {
                    status: read.status,
                    body,
                };
                self.render(renderer, &page.final_url, served, read, wants_text)
                    .await
            }
            _ => read,
        };
        page.result = outcome;
        let read = Arc::new(read);
        let fetched = Arc::new(Fetched {
            page: page.clone(),
            read: read.clone(),
            released: false,
            cached_at: None,
        });
        self.publish(&page, &read, owned);
        fetched
    }

    /// Render `url` (the browser is handed `document`, the body the server
    /// sent, which was read as `served`) and read what the browser shows
    /// instead; when rendering fails, the
    /// served read, saying why.
    async fn render(
        &self,
        renderer: &Renderer,
        url: &Url,
        document: Served,
        served: PageRead,
        wants_text: bool,
    ) -> PageRead {
        let rendered = tokio::select! {
            rendered = renderer.render(url, document) => rendered,
            () = self.fetcher.interrupt().abandoned() => Err("the run was interrupted".to_owned()),
        };
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(why) => {
                return PageRead {
                    rendering: Some(Rendering::Failed(why)),
                    ..served
                };
            }
        };
        let response = Response {
            status: served.status,
            content_type: Some("text/html; charset=utf-8".to_owned()),
            server: None,
            cf_mitigated: None,
            text: Some(rendered.html),
            html: true,
            truncated: false,
            ..Response::default()
        };
        let reading = tokio::task::spawn_blocking(move || digest::read(&response, wants_text));
        match reading.await {
            Ok(read) => PageRead {
                rendering: Some(Rendering::Rendered {
                    refused: rendered.refused,
                }),
                ..read
            },
            Err(_) => PageRead {
                rendering: Some(Rendering::Failed(
                    "the rendered page could not be read".to_owned(),
                )),
                ..served
            },
        }
    }

    /// The chain reached a URL whose fetch `fetched` is: splice it on.
    fn finish_with(&self, mut page: Page, owned: Vec<Owned>, fetched: &Fetched) -> Arc<Fetched> {
        page.hops.extend(fetched.page.hops.iter().cloned());
        page.final_url = fetched.page.final_url.clone();
        page.result = fetched.page.result.clone();
        page.requests += fetched.page.requests;
        self.publish(&page, &fetched.read, owned);
        Arc::new(Fetched {
            page,
            read: fetched.read.clone(),
            released: fetched.released,
            cached_at: fetched.cached_at,
        })
    }

    /// Every URL the chain owns gets the fetch from itself on; the hops
    /// it claimed in the fleet are published there.
    fn publish(&self, page: &Page, read: &Arc<PageRead>, owned: Vec<Owned>) {
        let mut claimed = Vec::new();
        let mut state = self.lock();
        for (url, sender, requests_before, hops_before, mine) in owned {
            let fetched = Arc::new(Fetched {
                page: Page {
                    url: url.clone(),
                    hops: page.hops[hops_before.min(page.hops.len())..].to_vec(),
                    final_url: page.final_url.clone(),
                    result: page.result.clone(),
                    requests: page.requests.saturating_sub(requests_before),
                },
                read: read.clone(),
                released: false,
                cached_at: None,
            });
            state.entries.insert(url, Entry::Done(fetched.clone()));
            if mine {
                claimed.push(fetched.clone());
            }
            // No one waiting is fine: the entry serves later askers.
            let _ = sender.send(Some(fetched));
        }
        drop(state);
        if let Some(shared) = &self.shared {
            for fetched in claimed {
                shared.publish(&fetched.page.url, &fetched, None);
            }
        }
    }
}

/// A URL a chain owns: its publisher, the requests made and hops taken
/// before the chain reached it, and whether the chain claimed it in the
/// fleet.
type Owned = (Url, watch::Sender<Option<Arc<Fetched>>>, u32, usize, bool);

/// Whether a page read as `read` is rendered in a browser under `mode`:
/// `auto`, a page built by scripts; `always`, any HTML page; either only
/// when it answered without an error or a bot challenge.
pub(super) fn to_render(mode: RenderMode, read: &PageRead) -> bool {
    let answered = read.status < 400 && read.challenge.is_none();
    let facts = read.facts.as_ref();
    answered
        && match mode {
            RenderMode::Never => false,
            RenderMode::Auto => facts.is_some_and(|f| f.script_built),
            RenderMode::Always => facts.is_some_and(|f| f.html),
        }
}

/// Bodies (and pages' texts) from this size on are read and matched on
/// the blocking pool, off the runtime's threads.
pub(super) const LARGE_BODY: usize = 256 * 1024;

fn body_size(response: &Response) -> usize {
    response.text.as_ref().map_or(0, String::len) + response.pdf.as_ref().map_or(0, Vec::len)
}

/// Whether `chain` joining a fetch owned by `owner` would close a circle
/// of chains waiting for each other.
fn closes_circle(state: &State, chain: u64, mut owner: u64) -> bool {
    for _ in 0..=state.waits.len() {
        if owner == chain {
            return true;
        }
        let Some(url) = state.waits.get(&owner) else {
            return false;
        };
        match state.entries.get(url) {
            Some(Entry::Pending(slot)) => owner = slot.owner,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::page::PageFacts;

    fn read(status: u16, html: bool, script_built: bool) -> PageRead {
        PageRead {
            status,
            facts: Some(PageFacts {
                html,
                script_built,
                ..PageFacts::default()
            }),
            ..PageRead::default()
        }
    }

    #[test]
    fn pages_are_rendered_by_mode_and_only_when_they_answered() {
        let shell = read(200, true, true);
        let article = read(200, true, false);
        let text = read(200, false, false);
        assert!(!to_render(RenderMode::Never, &shell));
        assert!(to_render(RenderMode::Auto, &shell));
        assert!(!to_render(RenderMode::Auto, &article));
        assert!(to_render(RenderMode::Always, &article));
        assert!(
            !to_render(RenderMode::Always, &text),
            "plain text has no scripts"
        );
        assert!(!to_render(RenderMode::Always, &read(404, true, true)));
        let challenged = PageRead {
            challenge: Some("a bot challenge".to_owned()),
            ..shell.clone()
        };
        assert!(!to_render(RenderMode::Auto, &challenged));
    }
}
