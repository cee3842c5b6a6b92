//! Orchestration: inputs → extraction → fetch → verification → report.
//! The one place that sequences the stages and spawns tasks.

use crate::config::Config;
use crate::extract;
use crate::fetch::{Fetcher, Page};
use crate::input::{self, MemoInput};
use crate::model::{Extraction, Link, LinkVerdict, QuoteVerdict, Severity, Target};
use crate::report::{LinkResult, MemoReport, QuoteResult, Report};
use crate::verify::{self, LinkOutcome, QuoteOutcome, page::PageFacts, status};
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
    let pages = if config.offline {
        Ok(HashMap::new())
    } else {
        fetch_pages(config, &entries)
    };
    let memos = entries
        .into_iter()
        .map(|(mut memo, extraction)| {
            if let Some(extraction) = extraction {
                fill_results(&mut memo, &extraction, config, &pages);
            }
            memo
        })
        .collect();
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Report::new(memos, elapsed)
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
    let extraction = extract::extract(&text.text, memo_input.format, &config.extract);
    (memo, Some(extraction))
}

/// Pages by URL (no fragment), with the facts the verifier needs.
type Pages = HashMap<Url, (Page, Option<PageFacts>)>;

/// The `--exclude` pattern that a URL matches, if any.
fn exclusion<'a>(url: &Url, config: &'a Config) -> Option<&'a regex::Regex> {
    config.exclude.iter().find(|re| re.is_match(url.as_str()))
}

/// Fetch every distinct page once, however many memos and fragments cite
/// it.
fn fetch_pages(
    config: &Config,
    entries: &[(MemoReport, Option<Extraction>)],
) -> Result<Pages, String> {
    // For each page: whether any occurrence needs its anchors.
    let mut wanted: HashMap<Url, bool> = HashMap::new();
    for link in entries
        .iter()
        .filter_map(|(_, x)| x.as_ref())
        .flat_map(|x| &x.links)
    {
        if let (Target::Http(url), Some(page)) = (&link.target, link.page_url()) {
            if exclusion(url, config).is_none() {
                *wanted.entry(page).or_default() |= link.fragment.is_some();
            }
        }
    }
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let fetcher = Fetcher::new(config.fetch.clone()).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let progress = progress_bar(config, wanted.len());
    let pages = runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        // Every page gets a task at once: the pool, not the number of
        // tasks, bounds what is in flight, so a slow host never starves
        // the others.
        for (url, needs_anchors) in wanted {
            let fetcher = fetcher.clone();
            tasks.spawn(async move {
                let page = fetcher.page(&url).await;
                let facts = analyse(&page, needs_anchors);
                (url, page, facts)
            });
        }
        let mut pages = HashMap::new();
        let mut failures = 0;
        while let Some(joined) = tasks.join_next().await {
            let Ok((url, page, facts)) = joined else {
                continue;
            };
            if page.result.as_ref().map_or(true, |r| r.status >= 400) {
                failures += 1;
            }
            if let Some(bar) = &progress {
                bar.inc(1);
                bar.set_message(format!("{failures} failing"));
            }
            pages.insert(url, (page, facts));
        }
        pages
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(pages)
}

/// Parse the page when a fragment needs its anchors or its status might
/// hide a bot challenge.
fn analyse(page: &Page, needs_anchors: bool) -> Option<PageFacts> {
    let response = page.result.as_ref().ok()?;
    let text = response.text.as_deref()?;
    let challenge_status = matches!(response.status, 403 | 429 | 503);
    let html = response
        .content_type
        .as_deref()
        .is_none_or(|ct| ct.contains("html"));
    (html && (needs_anchors || challenge_status)).then(|| PageFacts::from_html(text))
}

fn progress_bar(config: &Config, total: usize) -> Option<Arc<indicatif::ProgressBar>> {
    if !config.progress {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} URLs checked, {msg} [{elapsed}]",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(Arc::new(bar))
}

/// Give each link and quote of a memo its verdict.
fn fill_results(
    memo: &mut MemoReport,
    extraction: &Extraction,
    config: &Config,
    pages: &Result<Pages, String>,
) {
    memo.date = extraction.meta.date.clone();
    for problem in &extraction.problems {
        memo.add_problem(problem.clone());
    }
    for link in &extraction.links {
        let outcome =
            verify::without_fetch(link).unwrap_or_else(|| link_outcome(link, config, pages));
        memo.links.push(LinkResult::new(link, outcome));
    }
    for quote in &extraction.quotes {
        let reason = if config.offline {
            "offline: sources not fetched"
        } else {
            "quotes are not yet checked against their sources"
        };
        let mut result = QuoteResult::new(
            quote,
            &extraction.links,
            QuoteOutcome::new(QuoteVerdict::Unverifiable, reason),
        );
        // Not checking was asked for (or is not built): nothing to warn about.
        result.severity = Severity::Info;
        memo.quotes.push(result);
    }
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
    match pages.get(&crate::model::page_of(url)) {
        Some((page, facts)) => {
            status::link_outcome(page, facts.as_ref(), link.fragment.as_ref(), &config.accept)
        }
        None => LinkOutcome::new(LinkVerdict::Unchecked, "not fetched"),
    }
}
