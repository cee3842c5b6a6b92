//! The archive stage of a run: for dead links (`broken`, `soft_404`,
//! `anchor_missing`), blocked ones, and quotes that drifted or could not be
//! checked (`missing`, `approximate`, `unverifiable`), ask the Wayback
//! Machine's CDX server and each Memento archive for the captures nearest
//! the memo's date, fetch them raw through the same fetcher (an archive is
//! a host like any other, under the same politeness), and check the anchor
//! and the quotes on them again. Each (page, date) is looked up once per
//! run, within `--archive-budget`. An archive that is down, slow or
//! rate-limited only leaves the suggestion out, with a reason.

use super::pages::{LazyNetwork, Network};
use super::table::{Fetched, Needs};
use super::{MemoRun, Outcomes, fetched_page};
use crate::archive::wayback::{self, Capture};
use crate::archive::{ArchiveSettings, Archives};
use crate::model::{Extraction, Link, LinkVerdict, Quote, QuoteId, QuoteVerdict};
use crate::settings::{Accept, Checks};
use crate::store::{CachedRef, Store};
use crate::verify::digest::{self, Demand, PageDigest, QuoteCheck};
use crate::verify::fragment::FragmentCheck;
use crate::verify::sources::{self, SourceCheck};
use crate::verify::{ArchivedQuote, LinkOutcome, QuoteOutcome, Suggestion, SuggestionSource};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use url::Url;

/// One lookup: a page near a date (`None`: the newest capture).
pub(super) type Key = (Url, Option<String>);

/// What a lookup found.
pub(super) type Found = Result<Option<(Capture, PageDigest)>, String>;

/// A link whose page's capture is looked up: a dead one (for a
/// replacement), and one whose site refuses automated clients (for the
/// evidence the live page would not give; it stays `blocked`).
fn wants_capture(verdict: LinkVerdict) -> bool {
    verdict.is_dead() || verdict == LinkVerdict::Blocked
}

/// A quote to look for in archived copies: drifted, or unverifiable
/// (its sources could not be read: their captures may hold it, which
/// `citecheck fix` needs to know before it replaces a dead source).
fn is_drifted(verdict: QuoteVerdict) -> bool {
    matches!(
        verdict,
        QuoteVerdict::Missing | QuoteVerdict::Approximate | QuoteVerdict::Unverifiable
    )
}

/// Whether a memo with these outcomes has anything the archive stage
/// looks up (a dead or blocked link, a drifted quote).
pub(super) fn wanted(outcomes: &Outcomes) -> bool {
    outcomes.links.iter().any(|o| wants_capture(o.verdict))
        || outcomes.quotes.iter().any(|o| is_drifted(o.verdict))
}

/// Look up archived copies for every memo's dead links and drifted
/// quotes, and attach what they hold to the outcomes.
pub(super) fn suggest(
    network: &mut LazyNetwork<'_>,
    store: Option<&mut Store>,
    archive: &ArchiveSettings,
    checks: &Checks,
    memos: &mut [MemoRun],
) {
    let (demands, needed) = demands(archive, &checks.exclude, memos);
    if demands.is_empty() {
        return;
    }
    let Ok(network) = network.get(Default::default()) else {
        return;
    };
    let deadline = tokio::time::Instant::now() + archive.budget;
    let found = look_up(network, store, &demands, &needed, None, deadline);
    for memo in memos {
        let index = memo.index;
        let Some((x, outcomes)) = memo.checked_mut() else {
            continue;
        };
        let when = timestamp(archive, x);
        let looked_up = memo_pages(x, outcomes, &checks.exclude, archive.quote_pages);
        for (link, outcome) in x.links.iter().zip(outcomes.links.iter_mut()) {
            let Some(page) =
                fetched_page(link, &checks.exclude).filter(|_| wants_capture(outcome.verdict))
            else {
                continue;
            };
            if let Some(found) = found.get(&(page, when.clone())) {
                attach_capture(link, outcome, found);
            }
        }
        for (i, quote) in x.quotes.iter().enumerate() {
            if !is_drifted(outcomes.quotes[i].verdict) {
                continue;
            }
            let outcome = &outcomes.quotes[i];
            let limit = archive.quote_pages;
            let mut pages =
                quote_sources(x, &outcomes.links, (quote, outcome), &checks.exclude, limit);
            // Then every other capture the memo's lookups fetched.
            for page in &looked_up {
                if !pages.contains(page) {
                    pages.push(page.clone());
                }
            }
            let found: Vec<(Url, &Found)> = pages
                .into_iter()
                .filter_map(|page| {
                    let result = found.get(&(page.clone(), when.clone()))?;
                    Some((page, result))
                })
                .collect();
            let id = QuoteId::new(index, i);
            attach_quote(&mut outcomes.quotes[i], id, &found, checks.quote_threshold);
        }
    }
}

/// Every page whose capture a memo's lookups fetch, in memo order: its
/// dead or blocked links' pages, then its drifted quotes' sources.
fn memo_pages(
    x: &Extraction,
    outcomes: &super::Outcomes,
    exclude: &[regex::Regex],
    limit: usize,
) -> Vec<Url> {
    let mut pages: Vec<Url> = Vec::new();
    let mut add = |page: Url| {
        if !pages.contains(&page) {
            pages.push(page);
        }
    };
    for (link, outcome) in x.links.iter().zip(&outcomes.links) {
        if let Some(page) = fetched_page(link, exclude).filter(|_| wants_capture(outcome.verdict)) {
            add(page);
        }
    }
    for (quote, outcome) in x.quotes.iter().zip(&outcomes.quotes) {
        if is_drifted(outcome.verdict) {
            for page in quote_sources(x, &outcomes.links, (quote, outcome), exclude, limit) {
                add(page);
            }
        }
    }
    pages
}

/// What the archive is asked: for each (page, date), the anchors of dead
/// links and the drifted quotes it may hold (what a capture must hold to
/// count, the second map), and what each capture fetched is read for
/// (the first): that, and every drifted quote of the same memo, so a
/// capture fetched for one question serves every open question of its
/// memo.
fn demands(
    archive: &ArchiveSettings,
    exclude: &[regex::Regex],
    memos: &[MemoRun],
) -> (HashMap<Key, Demand>, HashMap<Key, Demand>) {
    let mut demands: HashMap<Key, Demand> = HashMap::new();
    // The drifted quotes of each memo and its lookups' pages.
    let mut beside = Vec::new();
    for memo in memos {
        let Some((x, outcomes)) = memo.checked() else {
            continue;
        };
        let when = timestamp(archive, x);
        let mut drifted = Vec::new();
        for (link, outcome) in x.links.iter().zip(&outcomes.links) {
            let Some(page) = fetched_page(link, exclude).filter(|_| wants_capture(outcome.verdict))
            else {
                continue;
            };
            let demand = demands.entry((page, when.clone())).or_default();
            if let Some(fragment) = &link.fragment {
                demand.add_fragment(fragment);
            }
        }
        for (i, (quote, outcome)) in x.quotes.iter().zip(&outcomes.quotes).enumerate() {
            if !is_drifted(outcome.verdict) {
                continue;
            }
            let Some(prepared) = memo.prepared.get(i) else {
                continue;
            };
            let limit = archive.quote_pages;
            for page in quote_sources(x, &outcomes.links, (quote, outcome), exclude, limit) {
                demands
                    .entry((page, when.clone()))
                    .or_default()
                    .quotes
                    .push((QuoteId::new(memo.index, i), prepared.clone()));
            }
            drifted.push((QuoteId::new(memo.index, i), prepared.clone()));
        }
        if !drifted.is_empty() {
            let pages = memo_pages(x, outcomes, exclude, archive.quote_pages);
            beside.push((drifted, when, pages));
        }
    }
    let needed = demands.clone();
    for (drifted, when, pages) in beside {
        for page in pages {
            let Some(demand) = demands.get_mut(&(page, when.clone())) else {
                continue;
            };
            for (id, prepared) in &drifted {
                if !demand.quotes.iter().any(|(known, _)| known == id) {
                    demand.quotes.push((*id, prepared.clone()));
                }
            }
        }
    }
    (demands, needed)
}

/// A dead or blocked link's capture: its suggestion when the capture
/// exists (and has the anchor), else why not, in its reason.
fn attach_capture(link: &Link, outcome: &mut LinkOutcome, found: &Found) {
    let note = match found {
        Ok(Some((capture, digest))) => {
            let check = link
                .fragment
                .as_ref()
                .and_then(|f| digest.fragments.get(f.value()));
            if let Some(FragmentCheck::Missing(_)) = check {
                format!(
                    "the archived copy of {} lacks the anchor too",
                    capture.date()
                )
            } else {
                outcome.suggestion = Some(Suggestion {
                    url: capture.view_url.to_string(),
                    source: SuggestionSource::Archive,
                    timestamp: Some(capture.timestamp.to_string()),
                    archive: Some(capture.archive.clone()),
                    held: None,
                });
                let what = if link.fragment.is_some() {
                    "has the anchor"
                } else {
                    "exists"
                };
                format!("an archived copy of {} {what}", capture.date())
            }
        }
        Ok(None) => "no archived copy".to_owned(),
        // Not "no archived copy": the archive could not say.
        Err(why) => why.clone(),
    };
    outcome.add_note(&note);
}

/// A drifted quote checked in the captures of its sources (`found`, in
/// order of preference): `archived` with its verdict there, and a note.
pub(super) fn attach_quote(
    outcome: &mut QuoteOutcome,
    id: QuoteId,
    found: &[(Url, &Found)],
    threshold: f64,
) {
    let mut captures = Vec::new();
    let mut failures = Vec::new();
    for (page, found) in found {
        match found {
            Ok(Some((capture, digest))) => {
                if let Some(check) = digest.quote(id) {
                    captures.push((capture, check, page));
                }
            }
            Err(why) => failures.push(why.clone()),
            Ok(None) => {}
        }
    }
    let sources: Vec<(&Url, SourceCheck<'_>)> = captures
        .iter()
        .map(|(capture, check, _)| (&capture.view_url, SourceCheck::Checked(*check)))
        .collect();
    let there = sources::quote_outcome(&sources, threshold);
    // The capture that holds it best; when none shares its wording, the
    // first one read (it does not hold the quote either).
    let capture = captures
        .iter()
        .find(|(c, _, _)| Some(&c.view_url) == there.source.as_ref())
        .or_else(|| {
            captures
                .iter()
                .find(|(_, check, _)| matches!(check, QuoteCheck::Read(_)))
                .filter(|_| there.source.is_none())
        })
        .map(|(c, _, page)| (*c, *page));
    match (capture, there.verdict) {
        (Some((capture, page)), verdict) if verdict != QuoteVerdict::Unverifiable => {
            let says = match verdict {
                QuoteVerdict::Found => "still holds the quote",
                QuoteVerdict::Approximate => "holds it approximately",
                _ => "does not hold it either",
            };
            outcome.add_note(&format!(
                "the archived copy of {} {says} ({page})",
                capture.date()
            ));
            // A quote the live pages do not hold is checked in the copy
            // that does.
            if outcome.attribution.is_none() {
                outcome.attribution = there.attribution.clone().map(|mut check| {
                    check.evidence = format!("in the archived copy, {}", check.evidence);
                    check
                });
            }
            outcome.archived = Some(ArchivedQuote {
                url: capture.view_url.to_string(),
                page: page.to_string(),
                timestamp: capture.timestamp.to_string(),
                verdict,
                similarity: there.similarity,
            });
        }
        _ => {
            if let Some(why) = failures.first() {
                outcome.add_note(why);
            }
        }
    }
}

/// The capture date to ask for: `--as-of`, else the memo's `date:`.
pub(super) fn timestamp(archive: &ArchiveSettings, extraction: &Extraction) -> Option<String> {
    archive
        .as_of
        .as_deref()
        .or(extraction.meta.date.as_deref())
        .and_then(crate::date::end_of_day)
}

/// The pages whose archived copies may hold a drifted quote: where it
/// matched best, then its candidates in order of preference (paired links
/// first) that are dead, or were read (a live page whose words changed),
/// or refused automated clients, at most `--archive-quote-pages`.
fn quote_sources(
    x: &Extraction,
    links: &[LinkOutcome],
    (quote, outcome): (&Quote, &QuoteOutcome),
    exclude: &[regex::Regex],
    limit: usize,
) -> Vec<Url> {
    let mut pages: Vec<Url> = Vec::new();
    if let Some(best) = &outcome.source {
        pages.push(best.clone());
    }
    for &c in &quote.candidates {
        let (Some(link), Some(o)) = (x.links.get(c), links.get(c)) else {
            continue;
        };
        let looked_up = wants_capture(o.verdict)
            || matches!(o.verdict, LinkVerdict::Ok | LinkVerdict::Redirected);
        if !looked_up {
            continue;
        }
        if let Some(page) = fetched_page(link, exclude) {
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
    }
    pages.truncate(limit);
    pages
}

/// Every lookup at once, in rounds through the page table (each URL
/// fetched once, whoever asks) and the store (fresh answers are not asked
/// again): the CDX server's captures for every (page, date), nearest
/// first; then the nearest capture of every lookup, each fetched once for
/// every lookup that landed on it and read for all their demands
/// together; then, for lookups whose capture could not be fetched, the
/// next nearest, and so on.
pub(super) fn look_up(
    network: &Network<'_>,
    mut store: Option<&mut Store>,
    demands: &HashMap<Key, Demand>,
    needed: &HashMap<Key, Demand>,
    window: Option<std::time::Duration>,
    deadline: tokio::time::Instant,
) -> HashMap<Key, Found> {
    let settings = network.settings;
    let stage = super::Stage::start(settings.progress, "archive lookups", demands.len());
    // Every archive is asked about every (page, date): the Wayback CDX
    // server first, then each Memento archive's TimeMap.
    let queries: Vec<(Key, Vec<Query>)> = demands
        .keys()
        .map(|key| (key.clone(), queries_for(settings.archives, key)))
        .collect();
    let asks = queries
        .iter()
        .flat_map(|(_, qs)| qs.iter().map(|q| (q.url.clone(), Needs::text())))
        .collect();
    let answers = fetch_all(network, store.as_deref_mut(), asks, deadline);
    let unanswered = || not_in_time(deadline, "the archive did not answer");
    let mut found: HashMap<Key, Found> = HashMap::new();
    // Each lookup with its captures still to try, nearest first.
    let mut pending: Vec<(Key, VecDeque<Capture>)> = Vec::new();
    // The nearest capture read so far of a lookup still looking for one
    // that holds its anchor and quotes.
    let mut nearest_read: HashMap<Key, Found> = HashMap::new();
    for (key, queries) in queries {
        let mut listed = Vec::new();
        let mut why_not = None;
        let mut answered = false;
        for query in &queries {
            let result = match answers.get(&query.url) {
                Some(answer) => query.captures(settings.archives, &key.0, answer),
                None => Err(unanswered()),
            };
            match result {
                Ok(captures) => {
                    answered = true;
                    listed.extend(captures);
                }
                Err(why) => {
                    why_not.get_or_insert(why);
                }
            }
        }
        if let Some(window) = window {
            listed.retain(|c| within(c, key.1.as_deref(), window));
        }
        if !listed.is_empty() {
            nearest_first(&mut listed, key.1.as_deref());
            pending.push((key, listed.into()));
        } else if answered {
            found.insert(key, Ok(None));
        } else {
            found.insert(key, Err(why_not.unwrap_or_else(unanswered)));
        }
    }
    while !pending.is_empty() {
        let tried = try_captures(
            network,
            store.as_deref_mut(),
            demands,
            &mut pending,
            deadline,
        );
        let mut next = Vec::new();
        for ((key, left), result) in pending.into_iter().zip(tried) {
            let holds = match &result {
                Ok(Some((_, digest))) => needed.get(&key).is_none_or(|n| holds(digest, n)),
                _ => false,
            };
            // The nearest capture that holds what is needed; when none
            // does, the nearest that could be read.
            let earlier = nearest_read.remove(&key);
            if holds {
                found.insert(key, result);
                continue;
            }
            let first = earlier.unwrap_or(result);
            if left.is_empty() {
                found.insert(key, first);
            } else {
                if matches!(first, Ok(Some(_))) {
                    nearest_read.insert(key.clone(), first);
                }
                next.push((key, left));
            }
        }
        pending = next;
    }
    for result in found.values() {
        stage.advance(result.is_err());
    }
    found
}

/// Whether a capture's digest holds what a lookup needs: every anchor it
/// cites, every quote word for word.
pub(super) fn holds(digest: &PageDigest, demand: &Demand) -> bool {
    let anchors = demand.fragments.iter().all(|f| {
        !matches!(
            digest.fragments.get(f.value()),
            Some(FragmentCheck::Missing(_))
        )
    });
    let quotes = demand
        .quotes
        .iter()
        .all(|(id, _)| matches!(digest.quote(*id), Some(QuoteCheck::Read(Some(m))) if m.exact));
    anchors && quotes
}

/// One round: the nearest capture not yet tried of every pending lookup
/// (taken off its list), each fetched once and read for the demands of
/// every lookup that landed on it; each lookup's result, in order.
fn try_captures(
    network: &Network<'_>,
    store: Option<&mut Store>,
    demands: &HashMap<Key, Demand>,
    pending: &mut [(Key, VecDeque<Capture>)],
    deadline: tokio::time::Instant,
) -> Vec<Found> {
    let mut captures: HashMap<Url, (Capture, Demand, Vec<usize>)> = HashMap::new();
    for (i, (key, left)) in pending.iter_mut().enumerate() {
        let Some(capture) = left.pop_front() else {
            continue;
        };
        let entry = captures
            .entry(capture.raw_url.clone())
            .or_insert_with(|| (capture, Demand::default(), Vec::new()));
        merge(&mut entry.1, &demands[key]);
        entry.2.push(i);
    }
    let asks = captures
        .iter()
        .map(|(raw, (_, demand, _))| (raw.clone(), Needs::of(demand, false)))
        .collect();
    let copies = fetch_all(network, store, asks, deadline);
    let accept = network.settings.accept;
    let mut results: Vec<Found> = vec![Ok(None); pending.len()];
    for (raw, (capture, demand, lookups)) in captures {
        let copy = match copies.get(&raw) {
            Some(copy) => copy_of(copy, &demand, accept).map(|digest| Some((capture, digest))),
            None => Err(not_in_time(
                deadline,
                "the archived copy could not be fetched",
            )),
        };
        for i in lookups {
            results[i] = copy.clone();
        }
    }
    results
}

/// Why a lookup has no answer: `what`, and "in time" once the stage's
/// budget is spent.
fn not_in_time(deadline: tokio::time::Instant, what: &str) -> String {
    if tokio::time::Instant::now() >= deadline {
        format!("{what} in time (--archive-budget)")
    } else {
        what.to_owned()
    }
}

/// Add `more` to a demand: its fragments (deduplicated) and its quotes.
pub(super) fn merge(demand: &mut Demand, more: &Demand) {
    for fragment in &more.fragments {
        demand.add_fragment(fragment);
    }
    demand.quotes.extend(more.quotes.iter().cloned());
}

/// One archive's query about a (page, date).
struct Query {
    url: Url,
    /// A Memento archive's host (its TimeMap), or `None` for the CDX server.
    memento: Option<String>,
}

impl Query {
    /// The captures its answer lists; why none, when the answer is no
    /// answer. A TimeMap that is not found lists nothing (that is how
    /// Memento archives say they hold no memento).
    fn captures(
        &self,
        archives: &Archives,
        page: &Url,
        answer: &Fetched,
    ) -> Result<Vec<Capture>, String> {
        let response = answer
            .page
            .result
            .as_ref()
            .map_err(|f| format!("the archive did not answer ({})", f.message))?;
        if self.memento.is_some() && response.status == 404 {
            return Ok(Vec::new());
        }
        if !(200..300).contains(&response.status) {
            return Err(format!(
                "the archive did not answer (HTTP {})",
                response.status
            ));
        }
        let body = answer.read.text().unwrap_or_default();
        match &self.memento {
            Some(host) => crate::archive::memento::parse_timemap(body, host),
            None => wayback::parse_cdx(&archives.wayback, page, body),
        }
    }
}

/// The queries about `key`: the Wayback CDX server's, then each
/// `--memento-archive`'s TimeMap.
fn queries_for(archives: &Archives, key: &Key) -> Vec<Query> {
    let mut queries = vec![Query {
        url: wayback::cdx_url(&archives.wayback, &key.0, key.1.as_deref()),
        memento: None,
    }];
    queries.extend(archives.memento.iter().filter_map(|prefix| {
        Some(Query {
            url: crate::archive::memento::timemap_url(prefix, &key.0)?,
            memento: Some(prefix.host_str().unwrap_or("memento").to_owned()),
        })
    }));
    queries
}

/// Captures from every archive, nearest `timestamp` in time first (the
/// newest first without one); of equals, the one listed first (the
/// Wayback Machine's).
fn nearest_first(captures: &mut [Capture], timestamp: Option<&str>) {
    let target = timestamp
        .and_then(crate::date::unix_of_timestamp)
        .unwrap_or(i64::MAX);
    captures.sort_by_key(|c| c.timestamp.unix().abs_diff(target));
}

/// Whether a capture was made within `window` of `timestamp` (of now,
/// without one).
fn within(capture: &Capture, timestamp: Option<&str>, window: std::time::Duration) -> bool {
    let target = timestamp
        .and_then(crate::date::unix_of_timestamp)
        .unwrap_or_else(crate::date::now);
    capture.timestamp.unix().abs_diff(target) <= window.as_secs()
}

/// A capture's digest for the demands of every lookup that landed on it.
pub(super) fn copy_of(
    copy: &Fetched,
    demand: &Demand,
    accept: &Accept,
) -> Result<PageDigest, String> {
    let response = copy
        .page
        .result
        .as_ref()
        .map_err(|f| format!("the archived copy could not be fetched ({})", f.message))?;
    if !accept.contains(response.status) {
        return Err(format!(
            "the archived copy answered HTTP {}",
            response.status
        ));
    }
    Ok(digest::answer(&copy.read, None, demand, accept))
}

/// Fetch every URL of `asks` once: from the store when it holds it fresh
/// (and whole enough for what is needed), else through the page table;
/// what was fetched is stored.
pub(super) fn fetch_all(
    network: &Network<'_>,
    store: Option<&mut Store>,
    asks: Vec<(Url, Needs)>,
    deadline: tokio::time::Instant,
) -> HashMap<Url, Arc<Fetched>> {
    let now = crate::date::now();
    let mut out: HashMap<Url, Arc<Fetched>> = HashMap::with_capacity(asks.len());
    let mut left = asks;
    if let (Some(store), Some(settings)) = (store.as_deref(), network.settings.cache) {
        let urls: Vec<&str> = left.iter().map(|(url, _)| url.as_str()).collect();
        let stored = store.get_many(&urls, settings, now, |at, cached| {
            let fetched = Fetched {
                page: cached.page,
                read: Arc::new(cached.read),
                released: false,
                cached_at: Some(cached.fetched_at),
            };
            fetched.serves(left[at].1).then(|| Arc::new(fetched))
        });
        let mut rest = Vec::new();
        for ((url, needs), stored) in left.into_iter().zip(stored) {
            match stored {
                Some(fetched) => {
                    out.insert(url, fetched);
                }
                None => rest.push((url, needs)),
            }
        }
        left = rest;
    }
    let fetched: Vec<(Url, Arc<Fetched>)> = network.runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (url, needs) in left {
            let table = network.table.clone();
            tasks.spawn(async move {
                let fetched = table.fetch(&url, needs).await;
                (url, fetched)
            });
        }
        let mut fetched = Vec::new();
        // Past the stage's budget, what is still in flight is given up
        // (dropping the set aborts its tasks).
        let _ = tokio::time::timeout_at(deadline, async {
            while let Some(joined) = tasks.join_next().await {
                fetched.extend(joined.ok());
            }
        })
        .await;
        fetched
    });
    if let (Some(store), Some(settings)) = (store, network.settings.cache) {
        let records: Vec<(&str, CachedRef<'_>)> = fetched
            .iter()
            .filter(|(_, f)| f.page.is_storable())
            .map(|(url, f)| (url.as_str(), CachedRef::new(&f.page, &f.read, None)))
            .collect();
        // A cache that cannot be written costs the next run time, never
        // this run's results.
        let _ = store.put_all(&records, settings, now);
    }
    out.extend(fetched);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::CaptureTime;

    fn capture(timestamp: &str) -> Capture {
        let base = Url::parse("http://archive.test/").unwrap();
        let page = Url::parse("http://a.test/x").unwrap();
        wayback::capture(&base, &page, CaptureTime::parse(timestamp).unwrap()).unwrap()
    }

    /// Captures are ranked by how far in time they are from the date
    /// looked near, not by their digits read as a number: across a month's
    /// end, the day before (`0430`) is nearer to May 1st than two days
    /// after (`0503`), though 0501 − 0430 is 71 as a number and 0503 − 0501
    /// only 2. Whatever the number of digits the archive gave.
    #[test]
    fn the_nearest_capture_is_the_nearest_in_time() {
        let mut captures = vec![capture("20080503000000"), capture("20080430")];
        nearest_first(&mut captures, Some("20080501000000"));
        assert_eq!(captures[0].timestamp.as_str(), "20080430");
        // Without a date, the newest first.
        nearest_first(&mut captures, None);
        assert_eq!(captures[0].timestamp.as_str(), "20080503000000");
        let day = std::time::Duration::from_secs(86_400);
        assert!(within(&captures[1], Some("20080501000000"), day));
        assert!(!within(&captures[0], Some("20080501000000"), day));
    }
}
