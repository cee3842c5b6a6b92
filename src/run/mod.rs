//! Orchestration: inputs → extraction → fetch → verification → archive →
//! report. The one place that sequences the stages and spawns tasks.
//!
//! The run is a list of [`MemoRun`] records, one per memo: its report
//! entry, what was extracted from it, and the outcomes the stages fill in.
//! A stage takes the records and adds to them; quotes are named across the
//! run by [`QuoteId`] (memo, quote).

mod archive;
mod cited;
mod finish;
mod local;
mod packed;
mod pages;
mod preserve;
mod published;
mod table;

use crate::extract;
use crate::extract::ExtractOptions;
use crate::fetch::Hosts;
use crate::input::{self, MemoInput};
use crate::interrupt::Interrupt;
use crate::model::Verdict;
use crate::model::{
    Extraction, Link, LinkVerdict, MemoFormat, Quote, QuoteId, QuoteVerdict, Severity, Target,
};
use crate::office;
use crate::report::{LinkResult, MemoReport, QuoteResult, Report, RunFacts, Skipped};
use crate::settings::{Checks, Config};
use crate::store::Store;
use crate::verify::digest::{Demand, PageDigest, QuoteCheck};
use crate::verify::quote::PreparedQuote;
use crate::verify::sources::{self, SourceCheck};
use crate::verify::{self, LinkOutcome, QuoteOutcome, status};
use cited::CitedPages;
use packed::Packed;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

/// Check every memo the configuration names and return the report. Never
/// fails: unreadable memos, dead links and network failures are all
/// results in the report. `interrupt` stops the run gracefully (no new
/// requests; the report is still built).
pub fn run(config: &Config, interrupt: &Arc<Interrupt>) -> Report {
    let started = Instant::now();
    let (urls, url_problems, files) = input::urls_among(&config.paths);
    // Offline, the store is not read either: nothing is checked.
    let cache = config.cache.as_ref().filter(|_| !config.offline);
    let mut opened = Vec::new();
    let mut store = cache.and_then(|cache| open_store(cache, &mut opened));
    let crawls = &config.published.crawl;
    let mut web = if urls.is_empty() && crawls.is_empty() {
        published::Gathered::default()
    } else if config.offline {
        let mut offline = published::Gathered::default();
        offline.notices.push(format!(
            "offline: {} not fetched, so not checked",
            crate::report::count(urls.len() + crawls.len(), "memo URL")
        ));
        offline
    } else {
        let settings = &config.published;
        let fetching = (&config.fetch, store.as_ref());
        published::gather(&urls, settings, fetching, config.shard, interrupt)
    };
    web.problems.splice(0..0, url_problems);
    let mut notices = std::mem::take(&mut web.notices);
    if web.revalidated > 0 {
        notices.push(format!(
            "{} unchanged since the last run (304 Not Modified): read from the store",
            crate::report::count(web.revalidated, "memo page")
        ));
    }
    let documents = std::mem::take(&mut web.documents);
    if let (Some(store), false) = (store.as_mut(), documents.is_empty()) {
        if let Err(why) = store.put_documents(&documents, crate::date::now()) {
            notices.push(format!("memo pages not kept for the next run: {why}"));
        }
    }
    drop(documents);
    let inputs = (&files[..], config.input_format, config.shard);
    let reading = (&config.extract, &config.published.content);
    let (mut memos, skipped) = read_memos(inputs, web, reading);
    let skipped = Skipped::of(&skipped);
    notices.extend(skipped.as_ref().map(Skipped::notice));
    notices.extend(opened);
    let mut network = pages::LazyNetwork::new(
        pages::NetworkSettings {
            fetch: &config.fetch,
            render: &config.render,
            archives: &config.archive.archives,
            cache,
            accept: &config.checks.accept,
            progress: config.progress,
        },
        interrupt,
    );
    // Memos are verified as their pages come in, while the network is
    // known to work (`finish`); what is left, at the end.
    let mut verifying = Verifying {
        checks: &config.checks,
        hosts: &config.fetch.hosts,
        extract: &config.extract,
        offline: config.offline,
        unreachable: false,
    };
    let mut local_files = local::LocalFiles::default();
    let keep = match (&config.preserve, config.archive.enabled) {
        (_, false) => finish::Keep::Nothing,
        (None, true) => finish::Keep::Archived,
        (Some(_), true) => finish::Keep::Outcomes,
    };
    let pages = if config.offline {
        Ok(Pages::new())
    } else {
        let finishing = (verifying, &mut local_files, keep);
        fetch(&mut network, &mut memos, store.as_mut(), finishing)
    };
    let unreachable = network.started().and_then(pages::Network::unreachable);
    verifying.unreachable = unreachable.is_some();
    for memo in &mut memos {
        let pages = pages.as_ref().map_err(String::as_str);
        memo.verify(verifying, pages, &mut local_files);
    }
    // Outcomes hold what the report needs; the pages can go before the
    // report is built.
    drop(pages);
    let interrupted = interrupt.is_requested();
    // Without a network, no archive can be asked either.
    let reachable = !config.offline && unreachable.is_none();
    if config.archive.enabled && reachable && !interrupted {
        let archive = &config.archive;
        archive::suggest(
            &mut network,
            store.as_mut(),
            archive,
            &config.checks,
            &mut memos,
        );
    }
    let preservation = match &config.preserve {
        Some(settings) if config.archive.enabled && reachable && !interrupted => {
            let archive = &config.archive;
            let checks = &config.checks;
            Some(preserve::preserve(
                &mut network,
                archive,
                checks,
                settings,
                &mut memos,
            ))
        }
        _ => None,
    };
    notices.extend(network.started().and_then(pages::Network::fleet_warning));
    // Its connections (and their read buffers) go before the report
    // entries are unpacked.
    drop(network);
    let mut reports: Vec<MemoReport> = memos
        .into_iter()
        .map(|memo| memo.into_report(verifying))
        .collect();
    for memo in &mut reports {
        hold_unfixable(memo);
    }
    // An interrupted run's "unchecked" says nothing about its sources,
    // nor does a run without a network: neither is history.
    let history = !interrupted && unreachable.is_none();
    if let (Some(store), Some(cache), true) = (store.as_mut(), &config.cache, history) {
        let settings = config.checks.fingerprint(&config.fetch.hosts);
        if let Err(why) = record(store, cache.keep_history, &settings, &mut reports) {
            notices.push(why.to_string());
        }
    }
    if interrupted {
        notices.push(
            "interrupted: what was not checked is marked unchecked (links) or unverifiable \
             (quotes) with the reason \"interrupted\"; no archive lookups, no history recorded"
                .to_owned(),
        );
    }
    if let Some(why) = &unreachable {
        notices.push(format!(
            "{why}: nothing was checked, cached or recorded; check this machine's network, \
             DNS or proxy and run again"
        ));
    }
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Report::new(
        reports,
        RunFacts {
            elapsed_ms: elapsed,
            notices,
            interrupted,
            preservation,
            skipped,
            network_unreachable: unreachable,
            shard: config.shard.map(|s| format!("{}/{}", s.index, s.count)),
        },
    )
}

/// What verification decides by: the checks, each host's accepted
/// statuses (the fetch settings' host table), what extraction finds in a
/// linked local file, and whether the run is offline.
#[derive(Clone, Copy)]
struct Verifying<'a> {
    checks: &'a Checks,
    hosts: &'a Hosts,
    extract: &'a ExtractOptions,
    offline: bool,
    /// The run's own network could not be reached: failures on the way
    /// say nothing of the pages.
    unreachable: bool,
}

impl Verifying<'_> {
    /// The statuses that count as fine for `url`.
    fn accept_for(&self, url: &Url) -> &crate::model::Accept {
        self.hosts.accept_for(url, &self.checks.accept)
    }
}

/// One memo through the run.
struct MemoRun {
    /// Its place among the run's memos (the `memo` of its [`QuoteId`]s).
    index: usize,
    /// Its entry in the report: problems as they are found, results at the
    /// end.
    report: MemoReport,
    /// What was extracted, when the memo could be read.
    extraction: Option<Extraction>,
    /// Each of its quotes ready to be matched against pages, in memo
    /// order: prepared once for every stage that looks for them.
    prepared: Vec<Arc<PreparedQuote>>,
    /// Its links' and quotes' outcomes, in memo order, once verified;
    /// later stages add to them.
    outcomes: Option<Outcomes>,
    /// Its extraction, packed while the memo waits for its pages
    /// (`extraction` is then `None`).
    waiting: Option<Packed<Extraction>>,
    /// Its report entry, packed, when it was finished while other memos
    /// still waited for pages (`report` is then a placeholder).
    packed: Option<Packed<MemoReport>>,
}

/// The outcomes of one memo's links and quotes, in memo order.
struct Outcomes {
    links: Vec<LinkOutcome>,
    quotes: Vec<QuoteOutcome>,
}

impl MemoRun {
    /// A memo that could not be read: only its report entry.
    fn unread(index: usize, report: MemoReport) -> Self {
        Self {
            index,
            report,
            extraction: None,
            prepared: Vec::new(),
            outcomes: None,
            waiting: None,
            packed: None,
        }
    }

    /// A memo finished early: its report entry, packed (its path kept
    /// plain, to name it should the entry not unpack).
    fn finished(index: usize, path: String, packed: Packed<MemoReport>) -> Self {
        let placeholder = MemoReport::new(path, MemoFormat::Text);
        Self {
            packed: Some(packed),
            ..Self::unread(index, placeholder)
        }
    }

    /// Pack its extraction while it waits for its pages (kept as it is if
    /// it cannot be packed).
    fn pack(&mut self) {
        let Some(extraction) = &self.extraction else {
            return;
        };
        if let Some(packed) = Packed::pack(extraction) {
            self.waiting = Some(packed);
            self.extraction = None;
        }
    }

    /// Its extraction as it is now: borrowed, or read back from its
    /// packing for the moment (`None` if it has none, or it would not
    /// unpack: [`MemoRun::unpack`] then reports it).
    fn extraction_now(&self) -> Option<std::borrow::Cow<'_, Extraction>> {
        match (&self.extraction, &self.waiting) {
            (Some(extraction), _) => Some(std::borrow::Cow::Borrowed(extraction)),
            (None, Some(packed)) => packed.unpack().ok().map(std::borrow::Cow::Owned),
            (None, None) => None,
        }
    }

    /// Its extraction back, if it was packed (should that fail, the memo
    /// is reported unread, saying why).
    fn unpack(&mut self) {
        let Some(packed) = self.waiting.take() else {
            return;
        };
        match packed.unpack() {
            Ok(extraction) => self.extraction = Some(extraction),
            Err(why) => self.report.add_problem(crate::model::Problem::new(
                Severity::Error,
                format!("{}: {why}", self.report.path),
            )),
        }
    }

    /// The extraction and its outcomes, once the memo is verified.
    fn checked(&self) -> Option<(&Extraction, &Outcomes)> {
        Some((self.extraction.as_ref()?, self.outcomes.as_ref()?))
    }

    /// [`MemoRun::checked`], with the outcomes to add to.
    fn checked_mut(&mut self) -> Option<(&Extraction, &mut Outcomes)> {
        Some((self.extraction.as_ref()?, self.outcomes.as_mut()?))
    }

    /// Give each link and quote its verdict from the fetched pages (once:
    /// a memo verified as its pages came in is left as it is).
    fn verify(
        &mut self,
        config: Verifying<'_>,
        pages: Result<&Pages, &str>,
        local_files: &mut local::LocalFiles,
    ) {
        self.unpack();
        let (Some(extraction), None) = (&self.extraction, &self.outcomes) else {
            return;
        };
        let links: Vec<LinkOutcome> = extraction
            .links
            .iter()
            .map(|link| {
                verify::without_fetch(link, extraction.anchors.as_deref()).unwrap_or_else(|| {
                    match &link.target {
                        Target::Local(path) => local_files.outcome(link, path, config.extract),
                        _ => link_outcome(link, config, pages),
                    }
                })
            })
            .collect();
        let memo = self.index;
        let cited = CitedPages::new(&extraction.links, &config.checks.exclude);
        // Each cited page's entry, looked up once for all the quotes.
        let entries: Vec<Option<&(Arc<table::Fetched>, PageDigest)>> = (0..cited.len())
            .map(|slot| {
                let entry = pages.ok()?.get(cited.page(slot).0)?;
                Some(&**entry)
            })
            .collect();
        let candidates = Candidates {
            cited: &cited,
            entries: &entries,
            link_outcomes: &links,
        };
        let quotes = extraction
            .quotes
            .iter()
            .enumerate()
            .map(|(i, quote)| {
                if config.offline {
                    QuoteOutcome::new(QuoteVerdict::Unverifiable, "offline: sources not fetched")
                } else {
                    let id = QuoteId::new(memo, i);
                    let threshold = config.checks.quote_threshold;
                    quote_outcome(quote, id, &candidates, threshold, pages)
                }
            })
            .collect();
        self.outcomes = Some(Outcomes { links, quotes });
    }

    /// The memo's report entry, with its results.
    fn into_report(self, config: Verifying<'_>) -> MemoReport {
        if let Some(packed) = &self.packed {
            return packed.unpack().unwrap_or_else(|why| {
                let mut memo = self.report;
                let why = format!("{}: {why}", memo.path);
                memo.add_problem(crate::model::Problem::new(Severity::Error, why));
                memo
            });
        }
        let mut memo = self.report;
        let (Some(extraction), Some(outcomes)) = (self.extraction, self.outcomes) else {
            return memo;
        };
        memo.date = extraction.meta.date.clone();
        for problem in &extraction.problems {
            memo.add_problem(problem.clone());
        }
        let shown = crate::report::shown_urls(&extraction.links);
        // Sized exactly: the entry is kept until the report is written.
        memo.quotes.reserve_exact(extraction.quotes.len());
        memo.links.reserve_exact(extraction.links.len());
        for (quote, outcome) in extraction.quotes.iter().zip(outcomes.quotes) {
            let mut result = QuoteResult::new(quote, &shown, outcome);
            result.severity = config.checks.severity_of(Verdict::Quote(result.verdict));
            // A quote put in the wrong mouth needs an editor's eye,
            // whatever its verdict's severity.
            let check = result.attribution_check.as_ref();
            if check.is_some_and(|c| c.verdict.is_doubtful()) {
                result.severity = result.severity.max(Severity::Warning);
            }
            if config.offline {
                // Not checking was asked for: nothing to warn about.
                result.severity = Severity::Info;
            }
            memo.quotes.push(result);
        }
        for (link, outcome) in extraction.links.iter().zip(outcomes.links) {
            let mut result = LinkResult::new(link, outcome);
            result.severity = config.checks.severity_of(Verdict::Link(result.verdict));
            memo.links.push(result);
        }
        memo
    }
}

/// Read and extract every memo, on every core (each holds one memo's text
/// at a time, dropped once extracted); the inputs that could not even be
/// listed come first. Also the files of no type citecheck reads that
/// directories held.
fn read_memos(
    (paths, format, shard): (
        &[std::path::PathBuf],
        Option<MemoFormat>,
        Option<input::Shard>,
    ),
    web: published::Gathered,
    reading: Reading<'_>,
) -> (Vec<MemoRun>, Vec<std::path::PathBuf>) {
    let mut collected = input::collect(paths, format);
    // Memos from the web were sharded as they were listed; a URL given
    // is sharded here like a path.
    collected.problems.extend(web.problems);
    collected.memos.extend(web.memos);
    if let Some(shard) = shard {
        collected = collected.shard(shard);
    }
    let input::Collected {
        memos: inputs,
        problems: input_problems,
        skipped,
    } = collected;
    let mut memos: Vec<MemoRun> = input_problems
        .into_iter()
        .enumerate()
        .map(|(index, p)| {
            let mut memo = MemoReport::new(p.path, crate::model::MemoFormat::Text);
            memo.io_failed = p.io;
            memo.add_problem(p.problem);
            MemoRun::unread(index, memo)
        })
        .collect();
    let first = memos.len();
    // A lone memo waits for every page of the run: packing its extraction
    // would only cost time.
    let pack = inputs.len() > 1;
    memos.extend(on_every_core(&inputs, |i, memo| {
        let mut run = read_memo(first + i, memo, reading);
        if pack {
            // Packed until its pages are in: a run holds every memo's
            // extraction while it fetches.
            run.pack();
        }
        run
    }));
    (memos, skipped)
}

/// `work` done on each of `items` by as many threads as the machine has
/// cores, each taking the next item when it is free; the results in the
/// items' order.
fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len());
    if threads <= 1 {
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| work(i, item))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        // Relaxed: the counter only hands out indices.
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, work(i, item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(mine) => mine,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// How memos are extracted: the options, and for a memo from the web,
/// how its main content is chosen.
type Reading<'a> = (
    &'a ExtractOptions,
    &'a crate::extract::main_content::MainContent,
);

fn read_memo(index: usize, memo_input: &MemoInput, (options, content): Reading<'_>) -> MemoRun {
    let mut memo = MemoReport::new(memo_input.source.display(), memo_input.format);
    // A memo from the web: its links resolve against where it was found,
    // and an HTML page is its main content.
    let web_options;
    let extract = match &memo_input.source {
        input::MemoSource::Web(web) => {
            web_options = ExtractOptions {
                base_url: Some(web.final_url.clone()),
                main_content: Some(content.clone()),
                ..options.clone()
            };
            &web_options
        }
        _ => options,
    };
    let text = match input::read(memo_input) {
        Ok(text) => text,
        Err(failure) => {
            memo.io_failed = failure.io;
            memo.add_problem(failure.problem);
            return MemoRun::unread(index, memo);
        }
    };
    for warning in text.warnings {
        memo.add_problem(warning);
    }
    // A PDF's or office document's creation date, for a memo from the
    // web that gives no other.
    let mut created = None;
    let read = match (&text.pdf, office::Kind::of(memo_input.format)) {
        (None, _) => Ok(extract::extract(&text.text, memo_input.format, extract)),
        (Some(bytes), Some(kind)) => office::read_memo(bytes, kind).map(|memo| {
            created = memo.created.clone();
            extract::extract_office(&memo, extract)
        }),
        (Some(bytes), None) => crate::pdf::read_memo(bytes).map(|pdf| {
            created = pdf.created.clone();
            extract::extract_pdf(&pdf, extract)
        }),
    };
    let mut extraction = match read {
        Ok(extraction) => extraction,
        Err(why) => {
            memo.add_problem(crate::model::Problem::new(
                Severity::Error,
                format!("{}: {why}", memo_input.source.display()),
            ));
            return MemoRun::unread(index, memo);
        }
    };
    match &memo_input.source {
        input::MemoSource::File(path) => local::resolve(&mut extraction, path),
        input::MemoSource::Web(web) if extraction.meta.date.is_none() => {
            // The page gives no date: a PDF's or office document's
            // creation date, else the listing's, as the last resort.
            extraction.meta.date = created.or_else(|| web.listed_date.clone());
        }
        _ => {}
    }
    let prepared = extraction
        .quotes
        .iter()
        .map(|quote| Arc::new(PreparedQuote::new(quote)))
        .collect();
    MemoRun {
        index,
        report: memo,
        extraction: Some(extraction),
        prepared,
        outcomes: None,
        waiting: None,
        packed: None,
    }
}

/// The store, when the run uses one and it can be opened (why not, and
/// what opening it found, go to `notices`).
fn open_store(cache: &crate::settings::CacheSettings, notices: &mut Vec<String>) -> Option<Store> {
    match Store::open(&cache.location) {
        Ok((store, opened)) => {
            notices.extend(opened);
            Some(store)
        }
        Err(why) => {
            notices.push(format!("not using the cache: {why}"));
            None
        }
    }
}

/// Every page the memos need, answered from the store where it is fresh
/// and fetched otherwise (starting the network only then). Memos whose
/// pages are all in are finished on the way (`finish`): verified with
/// `verifying`, and what `keep` says kept of them; the pages they alone
/// cited are not returned.
fn fetch(
    network: &mut pages::LazyNetwork<'_>,
    memos: &mut [MemoRun],
    store: Option<&mut Store>,
    (verifying, local_files, keep): (Verifying<'_>, &mut local::LocalFiles, finish::Keep),
) -> Result<Pages, String> {
    let (mut demands, exact, fetched) = demands(&verifying.checks.exclude, memos);
    let mut cached = match &store {
        Some(store) => pages::from_store(store, network.settings(), &mut demands),
        None => HashMap::new(),
    };
    if demands.is_empty() {
        pages::settle(&mut cached);
        return Ok(cached);
    }
    let text_wanted = demands
        .iter()
        .filter(|(_, demand)| demand.needs_text())
        .map(|(url, _)| url.clone())
        .collect();
    let network = network.get(text_wanted)?;
    let finishing = (verifying, local_files);
    let mut finishing = finish::Finishing::new(memos, &fetched, finishing, exact, keep);
    drop(fetched);
    let mut pages = network.fetch_pages(demands, cached, store, &mut finishing);
    pages::settle(&mut pages);
    Ok(pages)
}

/// Pages by URL (no fragment): the fetch (its body dropped) and what
/// verification kept of it.
/// Boxed: a table sized for 100,000 pages holds a pointer per slot, not
/// the 500-byte record.
type Pages = HashMap<Url, Box<(Arc<table::Fetched>, PageDigest)>>;

/// The `--exclude` pattern that a URL matches, if any.
fn exclusion<'a>(url: &Url, exclude: &'a [regex::Regex]) -> Option<&'a regex::Regex> {
    exclude.iter().find(|re| re.is_match(url.as_str()))
}

/// The page a link needs fetched, unless it is excluded or not http(s).
fn fetched_page(link: &Link, exclude: &[regex::Regex]) -> Option<Url> {
    match &link.target {
        Target::Http(url) if exclusion(url, exclude).is_none() => link.page_url(),
        _ => None,
    }
}

/// Mark each suggestion `citecheck fix` would not write, with why, so no
/// report offers as a replacement what `fix` would leave alone.
fn hold_unfixable(memo: &mut MemoReport) {
    for fix in crate::repair::plan(memo, None) {
        let replaces = matches!(
            fix.kind,
            crate::model::FixKind::Redirect | crate::model::FixKind::Archive
        );
        let (true, false, Some(why)) = (replaces, fix.applied, fix.reason) else {
            continue;
        };
        let Some(link) = memo.links.get_mut(fix.link) else {
            continue;
        };
        if let Some(suggestion) = link.suggestion.as_mut().filter(|s| s.url != link.url) {
            suggestion.held = Some(why);
        }
    }
}

/// Record the run, weighed with `settings`, in the history and give each
/// memo its changes since the previous run that checked it.
fn record(
    store: &mut Store,
    keep_history: std::time::Duration,
    settings: &str,
    memos: &mut [MemoReport],
) -> Result<(), crate::store::StoreError> {
    let now = crate::date::now();
    let readable: Vec<(String, Vec<crate::report::history::Recorded>)> = memos
        .iter()
        .filter(|m| !m.io_failed)
        .map(|m| (m.path.clone(), m.recorded()))
        .collect();
    let (_, records) = store.record_run(&readable, now, keep_history, Some(settings))?;
    for (memo, record) in memos.iter_mut().filter(|m| !m.io_failed).zip(records) {
        memo.changes = record.previous.map(|earlier| {
            crate::report::history::changes(
                &record.now,
                crate::report::history::Earlier {
                    results: &earlier.items,
                    at: earlier.at,
                    settings: earlier.settings.as_deref().map(|before| (before, settings)),
                },
            )
        });
    }
    Ok(())
}

/// What every page is asked for: the fragments cited on it and the quotes
/// it is a candidate source for; the flags of the quotes found word for
/// word, which the demands share; and, for each memo (by its place in
/// `memos`), the keys of the pages it has fetched ([`finish::key`]).
/// Each memo's extraction is unpacked for the moment, one at a time.
fn demands(
    exclude: &[regex::Regex],
    memos: &[MemoRun],
) -> (
    HashMap<Url, Demand>,
    Arc<crate::verify::digest::ExactFound>,
    Vec<Vec<u64>>,
) {
    let mut demands: HashMap<Url, Demand> = HashMap::new();
    let mut quotes_per_memo = vec![0; memos.iter().map(|m| m.index + 1).max().unwrap_or(0)];
    for memo in memos {
        quotes_per_memo[memo.index] = memo.prepared.len();
    }
    let exact = Arc::new(crate::verify::digest::ExactFound::new(quotes_per_memo));
    let mut fetched = Vec::with_capacity(memos.len());
    for memo in memos {
        let Some(extraction) = memo.extraction_now() else {
            fetched.push(Vec::new());
            continue;
        };
        let cited = CitedPages::new(&extraction.links, exclude);
        fetched.push(
            (0..cited.len())
                .filter(|&slot| cited.page(slot).1)
                .map(|slot| finish::key(cited.page(slot).0))
                .collect(),
        );
        for (i, link) in extraction.links.iter().enumerate() {
            if let Some(slot) = cited.fetched_slot(i) {
                let demand = demand_of(&mut demands, cited.page(slot).0);
                if let Some(fragment) = &link.fragment {
                    demand.add_fragment(fragment);
                }
            }
        }
        // Each page's quotes gathered first, then added to its demand once.
        let mut asked: Vec<Vec<(QuoteId, Arc<PreparedQuote>)>> = vec![Vec::new(); cited.len()];
        for (i, (quote, prepared)) in extraction.quotes.iter().zip(&memo.prepared).enumerate() {
            for (_, slot) in cited.candidates(quote) {
                if cited.page(slot).1 {
                    asked[slot].push((QuoteId::new(memo.index, i), prepared.clone()));
                }
            }
        }
        for (slot, quotes) in asked.into_iter().enumerate() {
            if !quotes.is_empty() {
                let demand = demand_of(&mut demands, cited.page(slot).0);
                demand.exact.get_or_insert_with(|| exact.clone());
                demand.quotes.extend(quotes);
            }
        }
    }
    (demands, exact, fetched)
}

/// The demand of `page`, made (next in citation order) if there is none.
fn demand_of<'a>(demands: &'a mut HashMap<Url, Demand>, page: &Url) -> &'a mut Demand {
    let order = demands.len();
    demands.entry(page.clone()).or_insert_with(|| Demand {
        order,
        ..Demand::default()
    })
}

/// A stage's progress on standard error (when asked for): items done of
/// the total and failures so far. Cleared when dropped.
struct Stage {
    bar: Option<indicatif::ProgressBar>,
    failures: std::sync::atomic::AtomicUsize,
}

impl Stage {
    fn start(progress: bool, what: &str, total: usize) -> Self {
        let bar = progress.then(|| {
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
        // Relaxed: the count is only shown; no other memory depends on it.
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

/// Why a link's page was not read, for a quote that had it as a
/// candidate: its verdict and reason.
fn not_read_because(outcome: Option<&LinkOutcome>) -> String {
    match outcome {
        Some(o) => match o.reason.whole() {
            Some(r) => format!("{}, {r}", o.verdict.name()),
            None => o.verdict.name().to_owned(),
        },
        None => "not fetched".to_owned(),
    }
}

/// What a memo's quotes are checked against: its cited pages, each one's
/// entry in the run's pages, and its links' outcomes (why a page was not
/// read).
struct Candidates<'a> {
    cited: &'a CitedPages,
    entries: &'a [Option<&'a (Arc<table::Fetched>, PageDigest)>],
    link_outcomes: &'a [LinkOutcome],
}

/// A quote's verdict from the digests of its candidate pages.
fn quote_outcome(
    quote: &Quote,
    id: QuoteId,
    candidates: &Candidates<'_>,
    threshold: f64,
    pages: Result<&Pages, &str>,
) -> QuoteOutcome {
    let checks: Vec<(&Url, Result<QuoteCheck<'_>, String>)> = candidates
        .cited
        .candidates(quote)
        .map(|(link, slot)| {
            let check = candidates.entries[slot].and_then(|entry| entry.1.quote(id));
            (
                candidates.cited.page(slot).0,
                check.ok_or_else(|| not_read_because(candidates.link_outcomes.get(link))),
            )
        })
        .collect();
    let sources: Vec<(&Url, SourceCheck<'_>)> = checks
        .iter()
        .map(|(url, check)| {
            let check = match check {
                Ok(check) => SourceCheck::Checked(*check),
                Err(why) => SourceCheck::NotRead(why),
            };
            (*url, check)
        })
        .collect();
    let mut outcome = sources::quote_outcome(&sources, threshold);
    // Found where only scripts would show it: say so.
    let in_script_data = outcome.source.as_ref().is_some_and(|source| {
        matches!(
            outcome.verdict,
            QuoteVerdict::Found | QuoteVerdict::Approximate
        ) && pages.ok().is_some_and(|p| {
            p.get(source)
                .is_some_and(|entry| entry.1.in_script_data(id))
        })
    });
    if in_script_data {
        let place = "in the page's script data; not visible without scripts";
        outcome.reason.qualify(place);
    }
    outcome
}

fn link_outcome(link: &Link, config: Verifying<'_>, pages: Result<&Pages, &str>) -> LinkOutcome {
    let Target::Http(url) = &link.target else {
        unreachable!("without_fetch handles every other target");
    };
    if let Some(re) = exclusion(url, &config.checks.exclude) {
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
        Some((fetched, _)) if config.unreachable && fetched.page.result.is_err() => {
            let why = match &fetched.page.result {
                Err(failure) => failure.message.as_str(),
                Ok(_) => "",
            };
            LinkOutcome::new(
                LinkVerdict::Unchecked,
                format!("not checked: the network could not be reached ({why})"),
            )
        }
        Some((fetched, digest)) => status::link_outcome(
            &fetched.page,
            digest,
            link.fragment.as_ref(),
            config.accept_for(url),
        )
        .cached(fetched.cached_at),
        None => LinkOutcome::new(LinkVerdict::Unchecked, "not fetched"),
    }
}
