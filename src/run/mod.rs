//! Orchestration: inputs → extraction → fetch → verification → archive →
//! report. The one place that sequences the stages and spawns tasks.

mod archive;
mod pages;

use crate::config::Config;
use crate::extract;
use crate::fetch::Page;
use crate::input::{self, MemoInput};
use crate::model::{Extraction, Link, LinkVerdict, Quote, QuoteVerdict, Severity, Target};
use crate::report::{LinkResult, MemoReport, QuoteResult, Report};
use crate::verify::digest::{Demand, PageDigest, QuoteCheck};
use crate::verify::quote::PreparedQuote;
use crate::verify::sources::{self, SourceCheck};
use crate::verify::{self, LinkOutcome, QuoteOutcome, status};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

/// Check every memo the configuration names and return the report. Never
/// fails: unreadable memos, dead links and network failures are all
/// results in the report.
pub fn run(config: &Config) -> Report {
    let started = Instant::now();
    let (inputs, input_problems) = input::collect(&config.paths, config.input_format);
    let mut entries: Vec<(MemoReport, Option<Extraction>)> = input_problems
        .into_iter()
        .map(|p| {
            let mut memo = MemoReport::new(p.path, crate::model::MemoFormat::Text);
            memo.io_failed = p.io;
            memo.add_problem(p.problem);
            (memo, None)
        })
        .collect();
    entries.extend(inputs.iter().map(|i| read_memo(i, config)));
    let first_quote = quote_numbers(&entries);
    let demands = demands(config, &entries, &first_quote);
    let mut notices = Vec::new();
    let mut store = match &config.cache {
        Some(cache) if !config.offline => match crate::store::Store::open(&cache.dir) {
            Ok((store, opened)) => {
                notices.extend(opened);
                Some(store)
            }
            Err(why) => {
                notices.push(format!("not using the cache: {why}"));
                None
            }
        },
        _ => None,
    };
    let mut demands = demands;
    // Sized once for every page: growing a table of 100,000 pages holds
    // the old and the new at once.
    let cached = match &store {
        Some(store) => pages::from_store(store, config, &mut demands),
        None => HashMap::with_capacity(demands.len()),
    };
    // The network starts only for what the store could not answer (or
    // for the archive stage, later, when it has work).
    let mut network = None;
    let pages = if config.offline || demands.is_empty() {
        Ok(cached)
    } else {
        pages::Network::start(config).map(|n| {
            network
                .insert(n)
                .fetch_pages(config, demands, cached, store.as_mut())
        })
    };
    let mut verdicts: Vec<Option<Verdicts>> = entries
        .iter()
        .zip(&first_quote)
        .map(|((_, extraction), &first)| {
            let x = extraction.as_ref()?;
            Some(verdicts(x, first, config, &pages))
        })
        .collect();
    // Verdicts hold what the report needs; the pages can go before the
    // report is built.
    drop(pages);
    let interrupted = config.interrupt.is_requested();
    if config.archive && !config.offline && !interrupted {
        archive::suggest(&mut network, config, &entries, &first_quote, &mut verdicts);
    }
    let memos = entries
        .into_iter()
        .zip(verdicts)
        .map(|((mut memo, extraction), verdicts)| {
            if let (Some(extraction), Some(verdicts)) = (extraction, verdicts) {
                fill_results(&mut memo, &extraction, verdicts, config);
            }
            memo
        })
        .collect();
    let mut memos: Vec<MemoReport> = memos;
    // An interrupted run's "unchecked" says nothing about its sources:
    // it is not history.
    if let (Some(store), Some(cache), false) = (store.as_mut(), &config.cache, interrupted) {
        if let Err(why) = record(store, cache, &mut memos) {
            notices.push(why);
        }
    }
    if interrupted {
        notices.push(
            "interrupted: what was not checked is marked unchecked (links) or unverifiable \
             (quotes) with the reason \"interrupted\"; no archive lookups, no history recorded"
                .to_owned(),
        );
    }
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut report = Report::new(memos, elapsed);
    report.notices = notices;
    report.interrupted = interrupted;
    report
}

fn read_memo(memo_input: &MemoInput, config: &Config) -> (MemoReport, Option<Extraction>) {
    let mut memo = MemoReport::new(memo_input.source.display(), memo_input.format);
    let text = match input::read(memo_input) {
        Ok(text) => text,
        Err(failure) => {
            memo.io_failed = failure.io;
            memo.add_problem(failure.problem);
            return (memo, None);
        }
    };
    for warning in text.warnings {
        memo.add_problem(warning);
    }
    let extraction = match &text.pdf {
        None => extract::extract(&text.text, memo_input.format, &config.extract),
        Some(bytes) => match crate::pdf::read_memo(bytes) {
            Ok(pdf) => extract::extract_pdf(&pdf, &config.extract),
            Err(why) => {
                memo.add_problem(crate::model::Problem::new(
                    crate::model::Severity::Error,
                    format!("{}: {why}", memo_input.source.display()),
                ));
                return (memo, None);
            }
        },
    };
    (memo, Some(extraction))
}

/// Pages by URL (no fragment): the fetch (its body dropped) and what
/// verification kept of it.
/// Boxed: a table sized for 100,000 pages holds a pointer per slot, not
/// the 500-byte record.
type Pages = HashMap<Url, Box<(Page, PageDigest)>>;

/// The `--exclude` pattern that a URL matches, if any.
fn exclusion<'a>(url: &Url, config: &'a Config) -> Option<&'a regex::Regex> {
    config.exclude.iter().find(|re| re.is_match(url.as_str()))
}

/// The page a link needs fetched, unless it is excluded or not http(s).
fn fetched_page(link: &Link, config: &Config) -> Option<Url> {
    match &link.target {
        Target::Http(url) if exclusion(url, config).is_none() => link.page_url(),
        _ => None,
    }
}

/// Quotes are numbered across the run: memo after memo, in memo order.
fn quote_numbers(entries: &[(MemoReport, Option<Extraction>)]) -> Vec<usize> {
    let mut first = Vec::with_capacity(entries.len());
    let mut next = 0;
    for (_, extraction) in entries {
        first.push(next);
        next += extraction.as_ref().map_or(0, |x| x.quotes.len());
    }
    first
}

/// The distinct pages a quote's candidate links lead to, in order.
fn candidate_pages(quote: &Quote, links: &[Link], config: &Config) -> Vec<Url> {
    let mut pages: Vec<Url> = Vec::new();
    for link in quote.candidates.iter().filter_map(|&i| links.get(i)) {
        if let Some(page) = fetched_page(link, config) {
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
    }
    pages
}

/// Record the run in the history and give each memo its changes since
/// the previous run that checked it.
fn record(
    store: &mut crate::store::Store,
    cache: &crate::store::CacheSettings,
    memos: &mut [MemoReport],
) -> Result<(), String> {
    let now = crate::store::now();
    let readable: Vec<(String, Vec<crate::store::Recorded>)> = memos
        .iter()
        .filter(|m| !m.io_failed)
        .map(|m| (m.path.clone(), m.recorded()))
        .collect();
    let (_, records) = store.record_run(&readable, now, cache.keep_history)?;
    for (memo, record) in memos.iter_mut().filter(|m| !m.io_failed).zip(records) {
        memo.changes = record
            .previous
            .map(|(at, before)| crate::history::changes(&record.now, &before, at));
    }
    Ok(())
}

/// A memo's changes in `run` since the run before it (at or before
/// `since`, when given), read from the store.
pub fn changes(
    store: &crate::store::Store,
    memo: &str,
    run: i64,
    since: Option<i64>,
) -> Option<crate::history::Changes> {
    let (previous, at) = store.previous_run(memo, run, since)?;
    Some(crate::history::changes(
        &store.results(run, memo),
        &store.results(previous, memo),
        at,
    ))
}

/// What every page is asked for: the fragments cited on it and the quotes
/// it is a candidate source for.
fn demands(
    config: &Config,
    entries: &[(MemoReport, Option<Extraction>)],
    first_quote: &[usize],
) -> HashMap<Url, Demand> {
    let mut demands: HashMap<Url, Demand> = HashMap::new();
    for (entry, (_, extraction)) in entries.iter().enumerate() {
        let Some(extraction) = extraction else {
            continue;
        };
        for link in &extraction.links {
            if let Some(page) = fetched_page(link, config) {
                let demand = demands.entry(page).or_default();
                if let Some(fragment) = &link.fragment {
                    demand.add_fragment(fragment);
                }
            }
        }
        for (i, quote) in extraction.quotes.iter().enumerate() {
            let prepared = Arc::new(PreparedQuote::new(quote));
            for page in candidate_pages(quote, &extraction.links, config) {
                demands
                    .entry(page)
                    .or_default()
                    .quotes
                    .push((first_quote[entry] + i, prepared.clone()));
            }
        }
    }
    demands
}

/// The outcomes of one memo's links and quotes, in memo order.
struct Verdicts {
    links: Vec<LinkOutcome>,
    quotes: Vec<QuoteOutcome>,
}

/// Give each link and quote of a memo its verdict. `first_quote` is the
/// run-wide number of the memo's first quote.
fn verdicts(
    extraction: &Extraction,
    first_quote: usize,
    config: &Config,
    pages: &Result<Pages, String>,
) -> Verdicts {
    let links: Vec<LinkOutcome> = extraction
        .links
        .iter()
        .map(|link| {
            verify::without_fetch(link).unwrap_or_else(|| link_outcome(link, config, pages))
        })
        .collect();
    let quotes = extraction
        .quotes
        .iter()
        .enumerate()
        .map(|(i, quote)| {
            if config.offline {
                QuoteOutcome::new(QuoteVerdict::Unverifiable, "offline: sources not fetched")
            } else {
                quote_outcome(quote, first_quote + i, extraction, &links, config, pages)
            }
        })
        .collect();
    Verdicts { links, quotes }
}

/// The memo's report entries from its outcomes.
fn fill_results(
    memo: &mut MemoReport,
    extraction: &Extraction,
    verdicts: Verdicts,
    config: &Config,
) {
    memo.date = extraction.meta.date.clone();
    for problem in &extraction.problems {
        memo.add_problem(problem.clone());
    }
    for (quote, outcome) in extraction.quotes.iter().zip(verdicts.quotes) {
        let mut result = QuoteResult::new(quote, &extraction.links, outcome);
        result.severity = config.severity_of(result.verdict.name(), result.severity);
        if config.offline {
            // Not checking was asked for: nothing to warn about.
            result.severity = Severity::Info;
        }
        memo.quotes.push(result);
    }
    for (link, outcome) in extraction.links.iter().zip(verdicts.links) {
        let mut result = LinkResult::new(link, outcome);
        result.severity = config.severity_of(result.verdict.name(), result.severity);
        memo.links.push(result);
    }
}

/// A stage's progress on standard error (when asked for): items done of
/// the total and failures so far. Cleared when dropped.
struct Stage {
    bar: Option<indicatif::ProgressBar>,
    failures: std::sync::atomic::AtomicUsize,
}

impl Stage {
    fn start(config: &Config, what: &str, total: usize) -> Self {
        let bar = config.progress.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{{spinner}} {{pos}}/{{len}} {what}, {{msg}} [{{elapsed}}]"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            failures: Default::default(),
        }
    }

    fn advance(&self, failed: bool) {
        use std::sync::atomic::Ordering;
        let failures = self
            .failures
            .fetch_add(usize::from(failed), Ordering::Relaxed)
            + usize::from(failed);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("{failures} failing"));
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A quote's verdict from the digests of its candidate pages.
fn quote_outcome(
    quote: &Quote,
    number: usize,
    extraction: &Extraction,
    link_outcomes: &[LinkOutcome],
    config: &Config,
    pages: &Result<Pages, String>,
) -> QuoteOutcome {
    let mut seen: Vec<Url> = Vec::new();
    let mut urls: Vec<(String, Option<&QuoteCheck>, String)> = Vec::new();
    for &i in &quote.candidates {
        let Some(link) = extraction.links.get(i) else {
            continue;
        };
        let Some(page) = link.page_url() else {
            continue;
        };
        if seen.contains(&page) {
            continue;
        }
        seen.push(page.clone());
        let check = pages
            .as_ref()
            .ok()
            .and_then(|p| p.get(&page))
            .and_then(|entry| entry.1.quotes.iter().find(|(n, _)| *n == number))
            .map(|(_, check)| check);
        let why = match link_outcomes.get(i) {
            Some(o) => format!(
                "{}{}",
                o.verdict.name(),
                o.reason
                    .as_deref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default()
            ),
            None => "not fetched".to_owned(),
        };
        urls.push((page.to_string(), check, why));
    }
    let sources: Vec<(&str, SourceCheck<'_>)> = urls
        .iter()
        .map(|(url, check, why)| {
            let check = match check {
                Some(check) => SourceCheck::Checked(check),
                None => SourceCheck::NotRead(why),
            };
            (url.as_str(), check)
        })
        .collect();
    sources::quote_outcome(&sources, config.quote_threshold)
}

fn link_outcome(link: &Link, config: &Config, pages: &Result<Pages, String>) -> LinkOutcome {
    let Target::Http(url) = &link.target else {
        unreachable!("without_fetch handles every other target");
    };
    if let Some(re) = exclusion(url, config) {
        return LinkOutcome::new(
            LinkVerdict::Excluded,
            format!("matches --exclude {}", re.as_str()),
        );
    }
    if config.offline {
        return LinkOutcome::new(LinkVerdict::Unchecked, "offline: not fetched");
    }
    let pages = match pages {
        Ok(pages) => pages,
        Err(e) => return LinkOutcome::new(LinkVerdict::Unchecked, format!("not fetched: {e}")),
    };
    match pages.get(&crate::model::page_of(url)).map(|entry| &**entry) {
        Some((page, digest)) => {
            status::link_outcome(page, digest, link.fragment.as_ref(), config.accept_for(url))
        }
        None => LinkOutcome::new(LinkVerdict::Unchecked, "not fetched"),
    }
}
