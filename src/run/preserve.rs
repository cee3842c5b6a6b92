//! The preservation stage (`--preserve`): after the check, every source
//! a memo cites whose page is fine (`ok`, or `redirected`: then the page
//! it ends at, which `citecheck fix` would put in the memo) gets an
//! archived copy that holds what the memo needs of it, so that the next
//! audit has something to fall back on.
//!
//! A capture *counts* when it was made within `--preserve-within` of the
//! memo's date (or of today: an undated memo, or one older than that) and
//! holds the link's anchor and the quotes that belong to the link which
//! the live page holds word for word. The captures are found as the
//! archive stage finds them (CDX and Memento lookups, nearest first,
//! read for the anchors and quotes); a source none counts for is saved
//! with Save Page Now 2 (`save_page_now`): the account's free capture
//! slots read before each batch, never more jobs in flight than they
//! allow, one request per source per run, each job polled with a growing
//! interval until it succeeds, fails or `--preserve-wait` runs out. The
//! new capture is then fetched raw and checked like any other, and its
//! quotes' verdicts there are attached as for drifted ones.
//!
//! Lookups here are always asked afresh (never answered from the store):
//! what the archive holds changes, not least by this stage.

use super::archive::{self, Found, Key};
use super::pages::{LazyNetwork, Network};
use super::table::Needs;
use super::{MemoRun, fetched_page};
use crate::archive::ArchiveSettings;
use crate::archive::CaptureTime;
use crate::archive::save_page_now::{self as spn, JobState};
use crate::archive::wayback::{self, Capture};
use crate::fetch::{Call, Failure, FailureKind, Fetcher, Response};
use crate::model::{Extraction, Link, LinkVerdict, Pairing, QuoteId, QuoteVerdict, page_of};
use crate::report::Preservation;
use crate::settings::{Checks, PreserveSettings};
use crate::verify::digest::{Demand, PageDigest};
use crate::verify::fragment::FragmentCheck;
use crate::verify::{LinkOutcome, PreservedCapture};
use reqwest::header::HeaderValue;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// The first wait before a job's status is asked, and before the slots
/// are read again when none is free.
const FIRST_POLL: Duration = Duration::from_secs(1);
/// The longest wait between two status requests of one job.
const LONGEST_POLL: Duration = Duration::from_secs(15);

/// What became of one source.
enum Fate {
    /// It had a capture that counts.
    Already(Capture, PageDigest),
    /// A capture was made; what it holds, or why it could not be read.
    Created(Capture, Result<PageDigest, String>),
    /// It could not be preserved: why.
    Failed(String),
}

/// What one source needs of its capture.
#[derive(Default)]
struct Source {
    /// Every anchor and belonging quote: what a capture is read for.
    read: Demand,
    /// What a capture must hold to count: the anchors, and the belonging
    /// quotes the live page holds word for word (a quote the page lacks
    /// cannot be in a copy made of it now).
    needed: Demand,
    /// The dates its captures are looked for near.
    near: Vec<String>,
}

/// Preserve every fine source of `memos` and attach what became of each
/// to its links and quotes; the counts for the summary.
pub(super) fn preserve(
    network: &mut LazyNetwork<'_>,
    archiving: &ArchiveSettings,
    checks: &Checks,
    settings: &PreserveSettings,
    memos: &mut [MemoRun],
) -> Preservation {
    let today = crate::date::timestamp_of_unix(crate::date::now());
    let sources = sources((archiving, checks), settings, &today, memos);
    if sources.is_empty() {
        return Preservation::default();
    }
    let fates = match network.get(Default::default()) {
        Ok(network) => fates(network, archiving, settings, sources),
        Err(why) => sources
            .keys()
            .map(|page| (page.clone(), Fate::Failed(why.clone())))
            .collect(),
    };
    attach((archiving, checks), memos, &fates)
}

/// The source a link cites, when it is to be preserved: a fine link's
/// page (a redirected one's end), never a capture itself.
fn source_of(
    link: &Link,
    outcome: &LinkOutcome,
    (archiving, checks): (&ArchiveSettings, &Checks),
) -> Option<Url> {
    let cited = fetched_page(link, &checks.exclude)?;
    let page = match outcome.verdict {
        LinkVerdict::Ok => cited,
        LinkVerdict::Redirected => outcome.final_url.as_ref().map_or(cited, page_of),
        _ => return None,
    };
    (!archiving.archives.is_capture(&page)).then_some(page)
}

/// The quotes that belong to the link at `index`: paired with it
/// specifically (not memo-wide), or best matched on its page.
fn belonging(x: &Extraction, quotes: &[crate::verify::QuoteOutcome], index: usize) -> Vec<usize> {
    let page = x.links.get(index).and_then(Link::page_url);
    let page = page.as_ref();
    x.quotes
        .iter()
        .zip(quotes)
        .enumerate()
        .filter(|(_, (quote, outcome))| {
            let first = quote.candidates.first().and_then(|&c| x.links.get(c));
            let paired =
                quote.pairing != Pairing::Memo && first.and_then(Link::page_url).as_ref() == page;
            let matched = outcome.source.as_ref().map(page_of);
            paired || (page.is_some() && matched.as_ref() == page)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Every source of the run with what its capture must hold and the dates
/// it is looked for near.
fn sources(
    config: (&ArchiveSettings, &Checks),
    settings: &PreserveSettings,
    today: &str,
    memos: &[MemoRun],
) -> HashMap<Url, Source> {
    let mut sources: HashMap<Url, Source> = HashMap::new();
    let now = crate::date::now();
    for memo in memos {
        let Some((x, outcomes)) = memo.checked() else {
            continue;
        };
        let mut near = Vec::new();
        match archive::timestamp(config.0, x) {
            Some(date) => {
                let far = crate::date::unix_of_timestamp(&date)
                    .is_none_or(|t| t.abs_diff(now) > settings.within.as_secs());
                near.push(date);
                if far {
                    near.push(today.to_owned());
                }
            }
            None => near.push(today.to_owned()),
        }
        for (i, (link, outcome)) in x.links.iter().zip(&outcomes.links).enumerate() {
            let Some(page) = source_of(link, outcome, config) else {
                continue;
            };
            let source = sources.entry(page).or_default();
            for date in &near {
                if !source.near.contains(date) {
                    source.near.push(date.clone());
                }
            }
            if let Some(fragment) = &link.fragment {
                source.read.add_fragment(fragment);
                source.needed.add_fragment(fragment);
            }
            for q in belonging(x, &outcomes.quotes, i) {
                let id = QuoteId::new(memo.index, q);
                if source.read.quotes.iter().any(|(known, _)| *known == id) {
                    continue;
                }
                let Some(prepared) = memo.prepared.get(q).cloned() else {
                    continue;
                };
                if outcomes.quotes[q].verdict == QuoteVerdict::Found {
                    source.needed.quotes.push((id, prepared.clone()));
                }
                source.read.quotes.push((id, prepared));
            }
        }
    }
    sources
}

/// Look up every source's captures, save those none counts for, and read
/// the new captures.
fn fates(
    network: &Network<'_>,
    archiving: &ArchiveSettings,
    settings: &PreserveSettings,
    sources: HashMap<Url, Source>,
) -> HashMap<Url, Fate> {
    let demands: HashMap<Key, Demand> = sources
        .iter()
        .flat_map(|(page, source)| {
            source.near.iter().map(|date| {
                let mut demand = Demand::default();
                archive::merge(&mut demand, &source.read);
                ((page.clone(), Some(date.clone())), demand)
            })
        })
        .collect();
    let deadline = Instant::now() + archiving.budget;
    let found = archive::look_up(
        network,
        None,
        &demands,
        &demands,
        Some(settings.within),
        deadline,
    );
    let mut fates = HashMap::new();
    let mut saves = Vec::new();
    for (page, source) in &sources {
        let looked: Vec<&Found> = source
            .near
            .iter()
            .filter_map(|date| found.get(&(page.clone(), Some(date.clone()))))
            .collect();
        let counts = looked.iter().find_map(|found| match found {
            Ok(Some((capture, digest))) if archive::holds(digest, &source.needed) => {
                Some((capture.clone(), digest.clone()))
            }
            _ => None,
        });
        match counts {
            Some((capture, digest)) => {
                fates.insert(page.clone(), Fate::Already(capture, digest));
            }
            None => {
                // A recent capture that lacks what is needed must not stop
                // the service from making a new one.
                let recent = looked.iter().any(|f| matches!(f, Ok(Some(_))));
                saves.push((page.clone(), (!recent).then_some(settings.within)));
            }
        }
    }
    let fetcher = network.table.fetcher().clone();
    let saved = network.runtime.block_on(save_all(
        &fetcher,
        &archiving.archives.wayback,
        settings,
        saves,
    ));
    let mut created = Vec::new();
    for (page, result) in saved {
        let fate = match result.and_then(|ts| {
            let ts = CaptureTime::parse(&ts)
                .ok_or_else(|| format!("Save Page Now gave {ts:?}, which is no timestamp"))?;
            wayback::capture(&archiving.archives.wayback, &page, ts)
        }) {
            Ok(capture) => {
                created.push((page.clone(), capture));
                continue;
            }
            Err(why) => Fate::Failed(why),
        };
        fates.insert(page, fate);
    }
    let asks = created
        .iter()
        .map(|(page, capture)| {
            let needs = Needs::of(&sources[page].read, false);
            (capture.raw_url.clone(), needs)
        })
        .collect();
    let deadline = Instant::now() + archiving.budget;
    let copies = archive::fetch_all(network, None, asks, deadline);
    for (page, capture) in created {
        let digest = match copies.get(&capture.raw_url) {
            Some(copy) => archive::copy_of(copy, &sources[&page].read, network.settings.accept),
            None => Err("the new archived copy could not be fetched in time".to_owned()),
        };
        fates.insert(page, Fate::Created(capture, digest));
    }
    fates
}

/// The headers of every call to Save Page Now; `Err` when the keys
/// cannot be carried by a header.
fn headers(settings: &PreserveSettings) -> Result<Vec<(&'static str, HeaderValue)>, String> {
    let mut authorization = HeaderValue::from_str(&spn::authorization(&settings.keys))
        .map_err(|_| "the Internet Archive keys hold characters a header cannot carry")?;
    authorization.set_sensitive(true);
    Ok(vec![
        ("authorization", authorization),
        ("accept", HeaderValue::from_static("application/json")),
    ])
}

/// One capture being made.
struct Job {
    page: Url,
    id: String,
    due: Instant,
    interval: Duration,
    /// The last reason a status request did not answer, if any.
    trouble: Option<String>,
}

/// Ask Save Page Now for a capture of each page (with the
/// `if_not_archived_within` it goes with) within the account's slots,
/// and follow each job to its end: the capture's timestamp, or why none.
async fn save_all(
    fetcher: &Fetcher,
    base: &Url,
    settings: &PreserveSettings,
    saves: Vec<(Url, Option<Duration>)>,
) -> Vec<(Url, Result<String, String>)> {
    let mut results = Vec::new();
    let headers = match headers(settings) {
        Ok(headers) => headers,
        Err(why) => {
            return saves
                .into_iter()
                .map(|(page, _)| (page, Err(why.to_owned())))
                .collect();
        }
    };
    let call_get = || Call::get(headers.clone());
    let deadline = Instant::now() + settings.wait;
    let mut queue: VecDeque<(Url, Option<Duration>)> = saves.into();
    let mut jobs: Vec<Job> = Vec::new();
    let mut slot_wait = FIRST_POLL;
    while !queue.is_empty() || !jobs.is_empty() {
        if fetcher.interrupt().is_requested() {
            let why = crate::interrupt::REASON.to_owned();
            results.extend(queue.drain(..).map(|(page, _)| (page, Err(why.clone()))));
            results.extend(jobs.drain(..).map(|job| (job.page, Err(why.clone()))));
            break;
        }
        if !queue.is_empty() {
            match free_slots(fetcher, base, &call_get()).await {
                Err(why) => {
                    results.extend(queue.drain(..).map(|(page, _)| (page, Err(why.clone()))));
                }
                Ok(free) => {
                    for _ in 0..free.min(queue.len()) {
                        let Some((page, not_within)) = queue.pop_front() else {
                            break;
                        };
                        let call = Call {
                            form: Some(spn::save_form(&page, not_within)),
                            headers: headers.clone(),
                            raw: false,
                        };
                        match submit(fetcher, base, &call).await {
                            Ok(id) => jobs.push(Job {
                                page,
                                id,
                                due: Instant::now() + FIRST_POLL,
                                interval: FIRST_POLL,
                                trouble: None,
                            }),
                            Err(why) => results.push((page, Err(why))),
                        }
                    }
                    if free == 0 && jobs.is_empty() {
                        // No slot is free and none of ours holds one: wait
                        // for the account's other captures.
                        if Instant::now() + slot_wait > deadline {
                            let why = "no Save Page Now capture slot came free in time \
                                       (--preserve-wait)";
                            results.extend(
                                queue.drain(..).map(|(page, _)| (page, Err(why.to_owned()))),
                            );
                        } else {
                            tokio::time::sleep(slot_wait).await;
                            slot_wait = (slot_wait * 2).min(LONGEST_POLL);
                        }
                        continue;
                    }
                }
            }
        }
        let Some(due) = jobs.iter().map(|j| j.due).min() else {
            continue;
        };
        if due > deadline {
            for job in jobs.drain(..) {
                let why = match job.trouble {
                    Some(trouble) => format!("Save Page Now did not finish in time ({trouble})"),
                    None => "Save Page Now did not finish in time (--preserve-wait)".to_owned(),
                };
                results.push((job.page, Err(why)));
            }
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep_until(due) => {}
            () = fetcher.interrupt().abandoned() => continue,
        }
        let mut waiting = Vec::new();
        for mut job in jobs.drain(..) {
            if job.due > Instant::now() {
                waiting.push(job);
                continue;
            }
            let url = spn::status_url(base, &job.id);
            match fetcher
                .call(&url, &call_get())
                .await
                .map(|r| answer_json(&r))
            {
                Ok(Ok(body)) => match spn::parse_status(&body) {
                    Ok(JobState::Success { timestamp }) => {
                        results.push((job.page, Ok(timestamp)));
                        continue;
                    }
                    Ok(state @ JobState::Error { .. }) => {
                        let why = state.why().unwrap_or_default();
                        results.push((job.page, Err(format!("Save Page Now: {why}"))));
                        continue;
                    }
                    Ok(JobState::Pending) => job.trouble = None,
                    Err(why) => job.trouble = Some(why),
                },
                Ok(Err(why)) => job.trouble = Some(why),
                Err(failure) if given_up(&failure) => {
                    results.push((job.page, Err(failure.message)));
                    continue;
                }
                Err(failure) => {
                    job.trouble = Some(format!(
                        "Save Page Now did not answer ({})",
                        failure.message
                    ));
                }
            }
            job.interval = job.interval.mul_f64(1.5).min(LONGEST_POLL);
            job.due = Instant::now() + job.interval;
            waiting.push(job);
        }
        jobs = waiting;
    }
    results
}

/// Whether a failure means the service is not to be asked again.
fn given_up(failure: &Failure) -> bool {
    matches!(
        failure.kind,
        FailureKind::RateLimited | FailureKind::Interrupted | FailureKind::Guard
    )
}

/// A 2xx answer's text, else why it is not one.
fn answer_json(response: &Response) -> Result<String, String> {
    if !(200..300).contains(&response.status) {
        return Err(format!("Save Page Now answered HTTP {}", response.status));
    }
    Ok(response.text.clone().unwrap_or_default())
}

/// The capture slots free now. Keys the service refuses are an error
/// for every source; an account status it cannot give leaves one slot
/// (a job at a time is always within any allowance).
async fn free_slots(fetcher: &Fetcher, base: &Url, call: &Call) -> Result<usize, String> {
    let url = spn::user_status_url(base);
    match fetcher.call(&url, call).await {
        Ok(response) if matches!(response.status, 401 | 403) => Err(format!(
            "Save Page Now refused the keys (HTTP {})",
            response.status
        )),
        Ok(response) => Ok(answer_json(&response)
            .and_then(|body| spn::parse_available(&body))
            .unwrap_or(1)),
        Err(failure) if given_up(&failure) => Err(failure.message),
        Err(failure) => Err(format!(
            "Save Page Now did not answer ({})",
            failure.message
        )),
    }
}

/// Ask for one capture: the job's id, or why there is none.
async fn submit(fetcher: &Fetcher, base: &Url, call: &Call) -> Result<String, String> {
    let response =
        fetcher
            .call(&spn::save_url(base), call)
            .await
            .map_err(|failure| match failure.kind {
                FailureKind::RateLimited => failure.message,
                _ => format!("Save Page Now did not answer ({})", failure.message),
            })?;
    let body = response.text.as_deref().unwrap_or_default();
    let ok = (200..300).contains(&response.status);
    match (spn::parse_submitted(body), ok) {
        (Ok(Err(state)), _) => Err(format!(
            "Save Page Now refused it: {}",
            state.why().unwrap_or_default()
        )),
        (Ok(Ok(id)), true) => Ok(id),
        (_, false) => Err(format!(
            "Save Page Now refused it (HTTP {})",
            response.status
        )),
        (Err(why), true) => Err(why),
    }
}

/// Attach each source's fate to the links that cite it and their
/// quotes; the counts.
fn attach(
    config: (&ArchiveSettings, &Checks),
    memos: &mut [MemoRun],
    fates: &HashMap<Url, Fate>,
) -> Preservation {
    let mut summary = Preservation::default();
    for fate in fates.values() {
        match fate {
            Fate::Already(..) => summary.already_preserved += 1,
            Fate::Created(..) => summary.preserved += 1,
            Fate::Failed(why) => {
                summary.not_preserved += 1;
                *summary.why_not.entry(why.clone()).or_default() += 1;
            }
        }
    }
    for memo in memos {
        let index = memo.index;
        let Some((x, outcomes)) = memo.checked_mut() else {
            continue;
        };
        for i in 0..x.links.len() {
            let link = &x.links[i];
            let Some(page) = source_of(link, &outcomes.links[i], config) else {
                continue;
            };
            let Some(fate) = fates.get(&page) else {
                continue;
            };
            let (capture, digest, created) = match fate {
                Fate::Failed(why) => {
                    outcomes.links[i].add_note(&format!("not preserved: {why}"));
                    continue;
                }
                Fate::Already(capture, digest) => (capture, Ok(digest), false),
                Fate::Created(capture, digest) => (capture, digest.as_ref(), true),
            };
            let outcome = &mut outcomes.links[i];
            outcome.capture = Some(PreservedCapture {
                url: capture.view_url.to_string(),
                timestamp: capture.timestamp.to_string(),
                archive: capture.archive.clone(),
                created,
            });
            let made = if created {
                "preserved: the new archived copy of"
            } else {
                "already preserved: the archived copy of"
            };
            let holds = match (&link.fragment, &digest) {
                (_, Err(why)) => format!(" cannot be read ({why})"),
                (Some(fragment), Ok(digest)) => match digest.fragments.get(fragment.value()) {
                    Some(FragmentCheck::Missing(_)) => " lacks the anchor".to_owned(),
                    _ => " has the anchor".to_owned(),
                },
                (None, Ok(_)) => String::new(),
            };
            outcome.add_note(&format!("{made} {}{holds}", capture.date()));
            let Ok(digest) = digest else {
                continue;
            };
            // The capture as a lookup's answer, once for all its quotes.
            let found: Found = Ok(Some((capture.clone(), digest.clone())));
            for q in belonging(x, &outcomes.quotes, i) {
                let quote = &mut outcomes.quotes[q];
                if quote.archived.is_some() {
                    continue;
                }
                archive::attach_quote(
                    quote,
                    QuoteId::new(index, q),
                    &[(page.clone(), &found)],
                    config.1.quote_threshold,
                );
            }
        }
    }
    summary
}
