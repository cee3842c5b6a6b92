//! Memos published on the web: the URLs among the inputs, fetched whole
//! through the fetch layer (its address guard, proxies, retries and
//! per-host limits), each a memo page, a sitemap or a feed by what it
//! answers (`input::published`). Sitemaps (and their indexes) and feeds
//! become the pages they list: only those the site's robots.txt allows
//! (fetched once per site, its `Crawl-delay` honoured), dated on or after
//! `--since`, at most `--crawl-limit`, in this process's shard. A URL the
//! user names is fetched as asked. Whatever goes wrong is a problem of
//! that input, and the rest of the run goes on.

use crate::fetch::{FetchSettings, Fetcher, Page, Response, Validators, document};
use crate::input::crawl::{self, Scope};
use crate::input::published::{self, Entry, ListingKind, Published};
use crate::input::robots::Rules;
use crate::input::{InputProblem, MemoInput, MemoSource, Shard, WebMemo, feed, sitemap};
use crate::interrupt::Interrupt;
use crate::model::{Problem, Severity};
use crate::settings::PublishedSettings;
use crate::store::{Document, Store};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use url::Url;

/// The most sitemaps an index may lead to in one run.
const MAX_SITEMAPS: usize = 1000;

/// The disallowed pages a notice names before it counts the rest.
const NAMED: usize = 5;

/// What the URL inputs gave: memos to read, problems of inputs, notices
/// for the report.
#[derive(Debug, Default)]
pub(super) struct Gathered {
    /// The memo pages, fetched, in order: the URLs given, then what each
    /// listing listed.
    pub memos: Vec<MemoInput>,
    /// Inputs that could not be read or are no memo.
    pub problems: Vec<InputProblem>,
    /// What the report should say of the gathering (pages robots.txt
    /// disallows, listings cut at the limit).
    pub notices: Vec<String>,
    /// The memo pages read, by the URL asked for, for the store: the next
    /// run revalidates them.
    pub documents: Vec<(String, Document)>,
    /// How many memo pages answered `304 Not Modified` and were taken
    /// from the store.
    pub revalidated: usize,
}

/// Fetch every URL in `urls` and what their sitemaps and feeds list,
/// then crawl from each start the settings name.
pub(super) fn gather(
    urls: &[Url],
    settings: &PublishedSettings,
    (fetch, store): (&FetchSettings, Option<&Store>),
    shard: Option<Shard>,
    interrupt: &Arc<Interrupt>,
) -> Gathered {
    let mut gathered = Gathered::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    let fetcher = Fetcher::new(fetch.clone()).map(|f| f.with_interrupt(interrupt.clone()));
    let (runtime, fetcher) = match (runtime, fetcher) {
        (Ok(runtime), Ok(fetcher)) => (runtime, fetcher),
        (Err(e), _) => {
            gathered.fail_all(urls, &format!("cannot start the async runtime: {e}"));
            return gathered;
        }
        (_, Err(e)) => {
            gathered.fail_all(urls, &e.to_string());
            return gathered;
        }
    };
    let mut gatherer = Gatherer {
        fetcher: Arc::new(fetcher),
        settings,
        shard,
        robots: HashMap::new(),
        seen: HashSet::new(),
        budget: settings.limit,
        store,
        stored: HashMap::new(),
        gathered,
    };
    runtime.block_on(async {
        gatherer.run(urls).await;
        for start in &settings.crawl {
            gatherer.crawl(start).await;
        }
    });
    gatherer.gathered
}

impl Gathered {
    fn fail_all(&mut self, urls: &[Url], why: &str) {
        for url in urls {
            self.problem(url, format!("cannot read {url}: {why}"), true);
        }
    }

    fn problem(&mut self, url: &Url, message: String, io: bool) {
        self.problems.push(InputProblem {
            path: url.to_string(),
            problem: Problem::new(Severity::Error, message),
            io,
        });
    }
}

/// A page that answered 2xx: where it ended, its type and its body.
struct Answered {
    final_url: Url,
    content_type: Option<String>,
    body: Vec<u8>,
    /// What to revalidate it with next time.
    validators: Option<Box<Validators>>,
}

impl Answered {
    /// What it holds ([`published::kind_of`]).
    fn kind(&self) -> Option<Published> {
        published::kind_of(&self.final_url, self.content_type.as_deref(), &self.body)
    }
}

/// A page a listing named, with the date it gave.
#[derive(Debug, Clone)]
struct Listed {
    url: Url,
    date: Option<String>,
}

struct Gatherer<'a> {
    fetcher: Arc<Fetcher>,
    settings: &'a PublishedSettings,
    shard: Option<Shard>,
    /// Each site's robots.txt, by origin.
    robots: HashMap<String, Arc<Rules>>,
    /// Every URL fetched or listed, so none is read twice.
    seen: HashSet<Url>,
    /// How many more listed memo pages may be read (`--crawl-limit`).
    budget: usize,
    /// The store, where memo pages read before are kept.
    store: Option<&'a Store>,
    /// The memo pages read before, by URL, looked up before each fetch.
    stored: HashMap<Url, Document>,
    gathered: Gathered,
}

impl Gatherer<'_> {
    async fn run(&mut self, urls: &[Url]) {
        for url in urls {
            self.seen.insert(url.clone());
        }
        // The URLs given: fetched as asked, several at once.
        let asked = self.with_validators(urls.iter().cloned());
        let given = fetch_all(&self.fetcher, asked, None).await;
        for (url, page) in urls.iter().zip(given) {
            let Some(answered) = self.answer(url, page, true) else {
                continue;
            };
            match answered.kind() {
                Some(Published::Memo(format)) => self.memo(url, answered, format, None, true),
                Some(Published::Sitemap) => {
                    self.sitemap(url, answered.final_url, answered.body).await;
                }
                Some(Published::Feed) => match feed::parse(&answered.body, self.budget) {
                    Ok(listing) => {
                        let more = listing.more;
                        let pages = self.listed(&answered.final_url, listing.entries);
                        self.cut_notice(url, more);
                        self.read_listed(pages).await;
                    }
                    Err(why) => self.gathered.problem(url, format!("{url}: {why}"), false),
                },
                None => self.not_a_memo(url, answered.content_type.as_deref()),
            }
        }
    }

    /// Crawl from `start`: breadth first, within its host and folder, to
    /// `--crawl-depth` links (a listing's further pages are no step
    /// deeper), at most `--crawl-limit` pages, only where robots.txt
    /// allows. The pages that are memos are kept; listings are walked
    /// through.
    async fn crawl(&mut self, start: &Url) {
        let asked = self.with_validators(std::iter::once(start.clone()));
        let page = fetch_all(&self.fetcher, asked, None).await.remove(0);
        if page.final_url.origin() != start.origin() {
            self.gathered.problem(
                start,
                format!(
                    "the crawl start {start} redirects off its site, to {}: not crawled",
                    page.final_url
                ),
                true,
            );
            return;
        }
        let Some(answered) = self.answer(start, page, true) else {
            return;
        };
        let scope = Scope::of(&answered.final_url);
        self.seen.insert(start.clone());
        self.seen.insert(answered.final_url.clone());
        let mut budget = self.settings.limit.saturating_sub(1);
        let (mut walked, mut memos_found) = (0, 0);
        let (mut disallowed, mut unreadable) = (Vec::new(), Vec::new());
        // (the page as reached, its depth, its answer)
        let mut level = vec![(start.clone(), 0, answered)];
        while !level.is_empty() {
            let mut next: Vec<(Url, usize)> = Vec::new();
            for (url, depth, answered) in level {
                walked += 1;
                let kind = answered.kind();
                let html = String::from_utf8_lossy(&answered.body).into_owned();
                let is_html = kind == Some(Published::Memo(crate::model::MemoFormat::Html));
                if is_html {
                    for link in crawl::links(&html, &answered.final_url) {
                        let depth = if link.same_listing { depth } else { depth + 1 };
                        if depth > self.settings.crawl_depth
                            || !scope.holds(&link.url)
                            || self.seen.contains(&link.url)
                        {
                            continue;
                        }
                        self.seen.insert(link.url.clone());
                        next.push((link.url, depth));
                    }
                }
                let memo = match kind {
                    Some(Published::Memo(crate::model::MemoFormat::Html)) => crawl::is_memo(&html),
                    Some(Published::Memo(_)) => true,
                    _ => false,
                };
                if memo && self.shard.is_none_or(|s| s.holds(url.as_str())) {
                    memos_found += 1;
                    let format = match kind {
                        Some(Published::Memo(format)) => format,
                        _ => unreachable!("a memo has a format"),
                    };
                    self.memo(&url, answered, format, None, false);
                }
            }
            // The next level: what robots.txt allows, within the budget.
            let mut allowed = Vec::new();
            for (url, depth) in next {
                if !self.allowed(&url).await {
                    disallowed.push(url);
                    continue;
                }
                if budget == 0 {
                    self.gathered.notices.push(format!(
                        "the crawl from {start} stopped at --crawl-limit {} pages",
                        self.settings.limit
                    ));
                    break;
                }
                budget -= 1;
                allowed.push((url, depth));
            }
            let delay = self.rules(start).await.crawl_delay();
            let asked = self.with_validators(allowed.iter().map(|(u, _)| u.clone()));
            let fetched = fetch_all(&self.fetcher, asked, delay).await;
            level = Vec::new();
            for ((url, depth), page) in allowed.into_iter().zip(fetched) {
                match self.take(&url, page) {
                    Ok(answered) if scope.holds(&answered.final_url) => {
                        level.push((url, depth, answered));
                    }
                    // A link that leaves the site by a redirect.
                    Ok(_) => {}
                    Err(why) => unreadable.push(format!("{url} ({why})")),
                }
            }
        }
        self.disallowed_notice(disallowed, "linked");
        if !unreadable.is_empty() {
            let named: Vec<&str> = unreadable.iter().take(NAMED).map(String::as_str).collect();
            let rest = unreadable.len().saturating_sub(NAMED);
            self.gathered.notices.push(format!(
                "the crawl from {start} reached {} it could not read: {}{}",
                crate::report::count(unreadable.len(), "page"),
                named.join(", "),
                if rest > 0 {
                    format!(" and {rest} more")
                } else {
                    String::new()
                }
            ));
        }
        self.gathered.notices.push(format!(
            "the crawl from {start} walked {} within {}{} and found {}",
            crate::report::count(walked, "page"),
            start.origin().ascii_serialization(),
            scope.prefix(),
            crate::report::count(memos_found, "memo")
        ));
    }

    /// A sitemap (or an index of them) at `url`: the pages it lists, read.
    async fn sitemap(&mut self, url: &Url, final_url: Url, body: Vec<u8>) {
        let mut pages = Vec::new();
        let mut sitemaps = vec![(url.clone(), final_url, Some(body))];
        let mut read = 0;
        while let Some((named, base, body)) = sitemaps.pop() {
            read += 1;
            let body = match body {
                Some(body) => body,
                None => {
                    if !self.allowed(&named).await {
                        self.gathered.notices.push(format!(
                            "robots.txt of {} disallows the sitemap {named}: not read",
                            named.host_str().unwrap_or_default()
                        ));
                        continue;
                    }
                    self.pause(&named).await;
                    let page = document::fetch(&self.fetcher, &named, None).await;
                    let Some(answered) = self.answer(&named, page, false) else {
                        continue;
                    };
                    sitemaps.push((named, answered.final_url, Some(answered.body)));
                    continue;
                }
            };
            match sitemap::parse(&body, self.budget.saturating_sub(pages.len())) {
                Ok(listing) if listing.kind == ListingKind::Sitemaps => {
                    for entry in listing.entries.into_iter().rev() {
                        let Ok(child) = base.join(entry.url.trim()) else {
                            continue;
                        };
                        if read + sitemaps.len() < MAX_SITEMAPS && self.seen.insert(child.clone()) {
                            sitemaps.push((child.clone(), child, None));
                        }
                    }
                }
                Ok(listing) => {
                    let more = listing.more;
                    pages.extend(self.listed(&base, listing.entries));
                    self.cut_notice(&named, more);
                }
                Err(why) => {
                    let at = if named == *url {
                        format!("{url}")
                    } else {
                        format!("{named} (listed by {url})")
                    };
                    self.gathered.problem(&named, format!("{at}: {why}"), false);
                }
            }
        }
        self.read_listed(pages).await;
    }

    /// A listing's entries as pages to read: resolved against the
    /// listing's URL, each once, dated since `--since`, within the budget
    /// and in this shard.
    fn listed(&mut self, base: &Url, entries: Vec<Entry>) -> Vec<Listed> {
        let mut listing = published::Listing {
            entries,
            ..Default::default()
        };
        if let Some(since) = &self.settings.since {
            listing = listing.since(since);
        }
        let mut pages = Vec::new();
        for entry in listing.entries {
            let Ok(url) = base.join(entry.url.trim()) else {
                continue;
            };
            if !matches!(url.scheme(), "http" | "https") || !self.seen.insert(url.clone()) {
                continue;
            }
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
            if self.shard.is_none_or(|s| s.holds(url.as_str())) {
                pages.push(Listed {
                    url,
                    date: entry.date,
                });
            }
        }
        pages
    }

    /// A notice when a listing was cut at the limit.
    fn cut_notice(&mut self, url: &Url, more: bool) {
        if more || self.budget == 0 {
            self.gathered.notices.push(format!(
                "{url} lists more pages than --crawl-limit {}: the first were read",
                self.settings.limit
            ));
        }
    }

    /// Read the pages listings listed: those robots.txt disallows are
    /// named in a notice and not fetched; the others are fetched, each
    /// site at its pace.
    async fn read_listed(&mut self, pages: Vec<Listed>) {
        let mut disallowed = Vec::new();
        let mut by_site: Vec<(String, Vec<Listed>)> = Vec::new();
        for page in pages {
            if !self.allowed(&page.url).await {
                disallowed.push(page.url);
                continue;
            }
            let origin = origin(&page.url);
            match by_site.iter_mut().find(|(o, _)| *o == origin) {
                Some((_, list)) => list.push(page),
                None => by_site.push((origin, vec![page])),
            }
        }
        self.disallowed_notice(disallowed, "listed");
        // Each site's pages in order; the sites at once.
        let mut sites = tokio::task::JoinSet::new();
        for (index, (origin, list)) in by_site.into_iter().enumerate() {
            let fetcher = self.fetcher.clone();
            let delay = self.robots.get(&origin).and_then(|r| r.crawl_delay());
            let asked = self.with_validators(list.iter().map(|p| p.url.clone()));
            sites.spawn(async move {
                let fetched = fetch_all(&fetcher, asked, delay).await;
                (index, list.into_iter().zip(fetched).collect::<Vec<_>>())
            });
        }
        let mut done = Vec::new();
        while let Some(joined) = sites.join_next().await {
            if let Ok(site) = joined {
                done.push(site);
            }
        }
        done.sort_by_key(|(index, _)| *index);
        for (page, answer) in done.into_iter().flat_map(|(_, pages)| pages) {
            let Some(answered) = self.answer(&page.url, answer, false) else {
                continue;
            };
            match answered.kind() {
                Some(Published::Memo(format)) => {
                    self.memo(&page.url, answered, format, page.date, false);
                }
                Some(_) => self.gathered.problem(
                    &page.url,
                    format!(
                        "{}: a listing lists another listing as a page; only a sitemap index \
                         lists sitemaps",
                        page.url
                    ),
                    false,
                ),
                None => self.not_a_memo(&page.url, answered.content_type.as_deref()),
            }
        }
    }

    /// A notice naming the pages (`listed` or `linked`) robots.txt kept
    /// the run from, by host.
    fn disallowed_notice(&mut self, urls: Vec<Url>, how: &str) {
        let mut disallowed: HashMap<String, Vec<Url>> = HashMap::new();
        for url in urls {
            let host = url.host_str().unwrap_or_default().to_owned();
            disallowed.entry(host).or_default().push(url);
        }
        let mut hosts: Vec<_> = disallowed.into_iter().collect();
        hosts.sort();
        for (host, urls) in hosts {
            let named: Vec<String> = urls.iter().take(NAMED).map(Url::to_string).collect();
            let rest = urls.len().saturating_sub(NAMED);
            let more = if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            };
            self.gathered.notices.push(format!(
                "robots.txt of {host} disallows {} {how} page{}, not fetched: {}{more}",
                urls.len(),
                if urls.len() == 1 { "" } else { "s" },
                named.join(", ")
            ));
        }
    }

    /// Whether robots.txt lets citecheck fetch `url` (read once per site).
    async fn allowed(&mut self, url: &Url) -> bool {
        self.rules(url).await.allows(url)
    }

    /// The rules of `url`'s site, fetched the first time.
    async fn rules(&mut self, url: &Url) -> Arc<Rules> {
        let origin = origin(url);
        if let Some(rules) = self.robots.get(&origin) {
            return rules.clone();
        }
        let rules = match url.join("/robots.txt") {
            Ok(robots) => {
                let page = document::fetch(&self.fetcher, &robots, None).await;
                match &page.result {
                    Ok(r) => Rules::of(Ok((r.status, r.raw.as_deref().unwrap_or_default()))),
                    Err(f) => Rules::of(Err(f.message.clone())),
                }
            }
            Err(_) => Rules::All,
        };
        if let Rules::Nothing(why) = &rules {
            self.gathered.notices.push(format!(
                "{why} at {origin}: RFC 9309 reads that as disallowing every page, so no \
                 listed page of {origin} was fetched"
            ));
        }
        let rules = Arc::new(rules);
        self.robots.insert(origin, rules.clone());
        rules
    }

    /// Wait as the site's `Crawl-delay` asks before the next request.
    async fn pause(&mut self, url: &Url) {
        if let Some(delay) = self.rules(url).await.crawl_delay() {
            tokio::time::sleep(delay).await;
        }
    }

    /// The final URL, content type and body of a page that answered 2xx;
    /// else a problem of the input (an I/O problem when the user gave it).
    fn answer(&mut self, url: &Url, page: Page, given: bool) -> Option<Answered> {
        match self.take(url, page) {
            Ok(answered) => Some(answered),
            Err(why) => {
                self.gathered
                    .problem(url, format!("cannot read {url}: {why}"), given);
                None
            }
        }
    }

    /// `urls` with what to revalidate each with: the store's memo pages
    /// among them, looked up now (one read for all).
    fn with_validators(
        &mut self,
        urls: impl Iterator<Item = Url>,
    ) -> Vec<(Url, Option<Validators>)> {
        let urls: Vec<Url> = urls.collect();
        if let Some(store) = self.store {
            let keys: Vec<&str> = urls.iter().map(Url::as_str).collect();
            // The store's client may block: off the runtime's hands.
            let found = tokio::task::block_in_place(|| store.documents(&keys));
            for (url, document) in found {
                if let Ok(url) = Url::parse(&url) {
                    self.stored.insert(url, document);
                }
            }
        }
        urls.into_iter()
            .map(|url| {
                let validators = self.stored.get(&url).map(|d| Validators {
                    etag: d.etag.clone(),
                    last_modified: d.last_modified.clone(),
                });
                (url, validators)
            })
            .collect()
    }

    /// A page's answer: a `304 Not Modified` is the stored page's, else
    /// as [`answer_of`] reads it.
    fn take(&mut self, url: &Url, page: Page) -> Result<Answered, String> {
        let not_modified = matches!(&page.result, Ok(r) if r.status == 304);
        if let Some(document) = not_modified.then(|| self.stored.remove(url)).flatten() {
            if let Ok(final_url) = Url::parse(&document.final_url) {
                self.gathered.revalidated += 1;
                return Ok(Answered {
                    final_url,
                    content_type: document.content_type,
                    body: document.body,
                    validators: Some(Box::new(Validators {
                        etag: document.etag,
                        last_modified: document.last_modified,
                    })),
                });
            }
        }
        answer_of(page)
    }

    /// A memo page, kept to be read; a login page is a problem instead.
    fn memo(
        &mut self,
        url: &Url,
        answered: Answered,
        format: crate::model::MemoFormat,
        listed_date: Option<String>,
        given: bool,
    ) {
        let Answered {
            final_url,
            content_type,
            body,
            validators,
        } = answered;
        if format == crate::model::MemoFormat::Html && asks_for_password(&body) {
            let moved = if final_url == *url {
                String::new()
            } else {
                format!(" at {final_url}")
            };
            self.gathered.problem(
                url,
                format!("{url} answers a login page{moved} (it asks for a password), not a memo"),
                given,
            );
            return;
        }
        // Kept for the next run to revalidate, when the server gave a way.
        if let (Some(_), Some(v)) = (
            self.store,
            validators.filter(|v| v.etag.is_some() || v.last_modified.is_some()),
        ) {
            self.gathered.documents.push((
                url.to_string(),
                Document {
                    final_url: final_url.to_string(),
                    content_type: content_type.clone(),
                    etag: v.etag,
                    last_modified: v.last_modified,
                    body: body.clone(),
                },
            ));
        }
        self.gathered.memos.push(MemoInput {
            source: MemoSource::Web(Box::new(WebMemo {
                url: url.clone(),
                final_url,
                content_type,
                body,
                listed_date,
            })),
            format,
        });
    }

    fn not_a_memo(&mut self, url: &Url, content_type: Option<&str>) {
        let what = content_type.map_or("no content type".to_owned(), |ct| ct.to_owned());
        self.gathered.problem(
            url,
            format!(
                "{url} answers {what}, which is no memo (HTML, PDF, Word, OpenDocument, text), \
                 sitemap or feed"
            ),
            false,
        );
    }
}

/// A page's answer when it is 2xx; else why not.
fn answer_of(page: Page) -> Result<Answered, String> {
    let Page {
        final_url, result, ..
    } = page;
    match result {
        Ok(Response {
            status: 200..=299,
            content_type,
            raw,
            validators,
            ..
        }) => Ok(Answered {
            final_url,
            content_type,
            body: raw.unwrap_or_default(),
            validators,
        }),
        Ok(response) => {
            let phrase = crate::verify::status::reason_phrase(response.status);
            Err(format!("HTTP {} {phrase}", response.status)
                .trim_end()
                .to_owned())
        }
        Err(failure) => Err(failure.message),
    }
}

/// Fetch `urls` (all of one site; each with its validators, when it was
/// read before): at once, as the fetch layer's
/// per-host limits allow, or one at a time `delay` apart when the site's
/// robots.txt asks for a `Crawl-delay`. The answers in order.
async fn fetch_all(
    fetcher: &Fetcher,
    urls: Vec<(Url, Option<Validators>)>,
    delay: Option<std::time::Duration>,
) -> Vec<Page> {
    let Some(delay) = delay else {
        return futures_util::future::join_all(
            urls.iter()
                .map(|(url, v)| document::fetch(fetcher, url, v.as_ref())),
        )
        .await;
    };
    let mut pages = Vec::new();
    for (i, (url, validators)) in urls.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(delay).await;
        }
        pages.push(document::fetch(fetcher, url, validators.as_ref()).await);
    }
    pages
}

/// `scheme://host:port`, the site robots.txt speaks for.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Whether an HTML page holds a password field (a login page).
fn asks_for_password(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512 * 1024)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    ["type=\"password\"", "type='password'", "type=password"]
        .iter()
        .any(|needle| lower.contains(needle))
}
